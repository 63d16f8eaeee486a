/**
 * Environment `local`: the address and secret key of the `ferry serve` running for this project
 * (its data folder inside the project), else the one running in the per-user folder. Read from
 * the server's state file and key file, so nothing is copied into .env. Node built-ins only: this
 * is on the path of every command that talks to a platform.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FerryError, type ExitCode } from '../errors.js';
import { isAlive, PROJECT_DATA_DIR, readState, SECRET_KEY_FILE, userDataDir } from './data-dir.js';

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
