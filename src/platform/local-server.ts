/**
 * Environment `local`: the address and secret key of the `ferry serve` running for this project
 * (its data folder inside the project, `.ferry/serve/`), else the one running in the per-user
 * folder. Read from the server's state file and key file, so nothing is copied into .env. Here in
 * platform/ because it is how a client finds a platform; serve/data-dir.ts writes these files.
 * Node built-ins only: this is on the path of every command that talks to a platform.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { FerryError, type ExitCode } from '../errors.js';
import { isProjectRoot } from '../project/project.js';

export const PROJECT_DATA_DIR = join('.ferry', 'serve');
export const STATE_FILE = 'state.json';
export const SECRET_KEY_FILE = 'secret-key';

/** The nearest project at or above `cwd`, or undefined. */
export function projectRootOf(cwd: string): string | undefined {
    let dir = resolve(cwd);
    for (;;) {
        if (isProjectRoot(dir)) return dir;
        const parent = dirname(dir);
        if (parent === dir) return undefined;
        dir = parent;
    }
}

export function userDataDir(env: NodeJS.ProcessEnv): string {
    if (process.platform === 'win32') return join(env['LOCALAPPDATA'] || join(homedir(), 'AppData', 'Local'), 'ferry', 'serve');
    if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'ferry', 'serve');
    return join(env['XDG_DATA_HOME'] || join(homedir(), '.local', 'share'), 'ferry', 'serve');
}

/** What a running server tells the other commands: where it listens (the key stays in its own file). */
export interface ServerState {
    url: string;
    pid: number;
    environment: string;
    startedAt: string;
    version: string;
}

export function readState(dir: string): ServerState | undefined {
    try {
        const state = JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8')) as ServerState;
        return typeof state.url === 'string' && typeof state.pid === 'number' ? state : undefined;
    } catch {
        return undefined;
    }
}

export function isAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        // EPERM: it exists, under another user.
        return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
}

export const LOCAL_ENVIRONMENT = 'local';

export interface LocalServer {
    host: string;
    secretKey: string;
    keyFile: string;
}

export function findLocalServer(root: string, env: NodeJS.ProcessEnv): LocalServer | undefined {
    for (const dir of [join(root, PROJECT_DATA_DIR), userDataDir(env)]) {
        const state = readState(dir);
        if (!state || !isAlive(state.pid)) continue;
        const keyFile = join(dir, SECRET_KEY_FILE);
        try {
            const secretKey = readFileSync(keyFile, 'utf8').trim();
            if (secretKey) return { host: state.url, secretKey, keyFile };
        } catch {
            // A state file without its key: not a server this user can talk to.
        }
    }
    return undefined;
}

export function noLocalServer(root: string, exitCode: ExitCode): FerryError {
    return new FerryError({
        code: 'SERVE_NOT_RUNNING',
        message: `Environment 'local' is the ferry serve of this project, and none is running for ${root}`,
        hint: 'Start it with `ferry serve` in the project folder (in another terminal), or set NANGO_SECRET_KEY_LOCAL and NANGO_HOSTPORT to use another platform.',
        exitCode,
        details: { root }
    });
}
