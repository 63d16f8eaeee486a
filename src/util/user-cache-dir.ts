/**
 * Where Ferry keeps what it caches for the user rather than for one project (compiled code: zod's
 * V8 code cache, Node's compile cache of the CLI). Per user, never a shared folder such as /tmp:
 * code read from these caches runs. Free of imports beyond Node's, so bin/ferry.js can load it
 * before anything else.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** FERRY_CACHE_DIR, else the platform's per-user cache folder. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
    if (env['FERRY_CACHE_DIR']) return env['FERRY_CACHE_DIR'];
    if (process.platform === 'win32') return join(env['LOCALAPPDATA'] || join(homedir(), 'AppData', 'Local'), 'ferry', 'Cache');
    if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'ferry');
    return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'ferry');
}
