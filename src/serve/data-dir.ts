/**
 * The data folder of `ferry serve`: the database (PGlite's files), the secret key, the encryption
 * key and, while a server runs, its state file. Inside a project it is `.ferry/serve/` (git-ignored
 * by init, never bundled); elsewhere a per-user folder. Key files are written with mode 0600.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_DATA_DIR, projectRootOf, readState, SECRET_KEY_FILE, STATE_FILE, userDataDir, type ServerState } from '../platform/local-server.js';

const ENCRYPTION_KEY_FILE = 'encryption.key';
/** Base64 of 32 bytes; wins over the key file (a team keeps it in its secret store). */
const ENCRYPTION_KEY_VARIABLE = 'FERRY_SERVE_ENCRYPTION_KEY';

export function defaultDataDir(cwd: string, env: NodeJS.ProcessEnv): string {
    const root = projectRootOf(cwd);
    return root ? join(root, PROJECT_DATA_DIR) : userDataDir(env);
}

export function ensureDataDir(dir: string): void {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Writes a file only its owner can read, atomically (no half-written key after a crash). Not
 * util/fs.ts's writeFileAtomic: the file must never exist with the default mode, not even as its
 * temporary, and serve's start-up is synchronous.
 */
function writePrivateFile(path: string, content: string): void {
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, content, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, path);
}

interface SecretKeyChoice {
    key: string;
    /** Generated on this start: printed once. */
    generated: boolean;
}

/** The given key (kept for the next start), the kept one, or a new UUID v4 (Nango's key format). */
export function resolveSecretKey(dir: string, given: string | undefined): SecretKeyChoice {
    const file = join(dir, SECRET_KEY_FILE);
    if (given !== undefined) {
        if (!existsSync(file) || readFileSync(file, 'utf8').trim() !== given) writePrivateFile(file, `${given}\n`);
        return { key: given, generated: false };
    }
    if (existsSync(file)) {
        const kept = readFileSync(file, 'utf8').trim();
        if (kept) return { key: kept, generated: false };
    }
    const key = randomUUID();
    writePrivateFile(file, `${key}\n`);
    return { key, generated: true };
}

/** The 32-byte key that encrypts credentials: from the environment, else the data folder's file. */
export function resolveEncryptionKey(dir: string, env: NodeJS.ProcessEnv): { key: Buffer; source: 'environment' | 'file' } {
    const fromEnv = env[ENCRYPTION_KEY_VARIABLE]?.trim();
    if (fromEnv) {
        const key = Buffer.from(fromEnv, 'base64');
        if (key.length !== 32) throw new Error(`${ENCRYPTION_KEY_VARIABLE} must be 32 bytes in base64 (44 characters); it decodes to ${key.length} bytes`);
        return { key, source: 'environment' };
    }
    const file = join(dir, ENCRYPTION_KEY_FILE);
    if (existsSync(file)) {
        const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
        if (key.length === 32) return { key, source: 'file' };
        throw new Error(`${file} does not hold a 32-byte key in base64`);
    }
    const key = randomBytes(32);
    writePrivateFile(file, `${key.toString('base64')}\n`);
    return { key, source: 'file' };
}

export function writeState(dir: string, state: ServerState): void {
    writePrivateFile(join(dir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

export function removeState(dir: string, pid: number): void {
    const current = readState(dir);
    if (current?.pid === pid) rmSync(join(dir, STATE_FILE), { force: true });
}

