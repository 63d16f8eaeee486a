/**
 * Opens a URL in the user's browser when there is one to open: never throws and never waits for
 * the browser. False when none could be started (no display, no opener, or asked not to), so the
 * caller's printed URL is the way in.
 */
import { spawn } from 'node:child_process';

export async function openBrowser(url: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): Promise<boolean> {
    if (env['FERRY_NO_BROWSER'] === '1' || env['FERRY_NO_BROWSER'] === 'true') return false;
    let command: string;
    let args: string[];
    if (platform === 'darwin') [command, args] = ['open', [url]];
    else if (platform === 'win32') [command, args] = ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]];
    else {
        if (!env['DISPLAY'] && !env['WAYLAND_DISPLAY']) return false;
        [command, args] = ['xdg-open', [url]];
    }
    return new Promise((resolve) => {
        try {
            const child = spawn(command, args, { stdio: 'ignore', detached: true, env });
            child.once('error', () => resolve(false));
            child.once('spawn', () => {
                child.unref();
                resolve(true);
            });
        } catch {
            resolve(false);
        }
    });
}
