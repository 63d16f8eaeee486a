/**
 * Where the platform's address and secret key come from: the process environment first (CI sets
 * variables), then the project's `.env`. The `.env` is parsed, never loaded into process.env, so
 * user code run by Ferry cannot read it.
 */
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ExitCode, FerryError, errnoCode } from '../errors.js';
import { maskValue } from '../secrets/redact.js';
import { findLocalServer, LOCAL_ENVIRONMENT, noLocalServer } from './local-server.js';

export const DEFAULT_HOST = 'https://api.nango.dev';

export interface PlatformSettings {
    host: string;
    secretKey: string;
    environment: string;
    /** Which variable the key came from, for messages (never the value). */
    keyVariable: string;
    /** Where that variable was read, so a rejected key is looked for in the right place. */
    keySource?: KeySource;
    /** The project's `.env` as read here, for the secret scans (read once per run). */
    dotEnv: Record<string, string>;
}

/** The process environment (a shell export, CI) overrides the project's `.env`. */
export type KeySource = { kind: 'environment' } | { kind: 'file'; path: string };

export function readDotEnv(root: string, exitCode: ExitCode = ExitCode.Failure): Record<string, string> {
    const file = join(root, '.env');
    if (!existsSync(file)) return {};
    let content: Buffer;
    try {
        content = readFileSync(file);
    } catch (error) {
        throw dotEnvUnreadable(file, error, exitCode);
    }
    // require, not import: importing a CommonJS package from ESM first scans its source for exports.
    const { parse } = createRequire(import.meta.url)('dotenv') as typeof import('dotenv');
    return parse(content);
}

/** `.env` as a folder (EISDIR, which names no file) or without read permission: one line saying so. */
function dotEnvUnreadable(file: string, error: unknown, exitCode: ExitCode): FerryError {
    const code = errnoCode(error);
    const folder = code === 'EISDIR';
    return new FerryError({
        code: 'ENV_FILE_UNREADABLE',
        message: folder ? `${file} is a folder, not a file` : `cannot read ${file} (${code ?? (error as Error).message})`,
        hint: folder
            ? 'Ferry reads the secret key and NANGO_HOSTPORT from a .env file there: move that folder away (or export the variables instead).'
            : 'Check its permissions (it should be readable by you: chmod 600 .env), or export the variables instead.',
        exitCode,
        details: { path: file, ...(code ? { errno: code } : {}) }
    });
}

export function secretKeyVariable(environment: string): string {
    return `NANGO_SECRET_KEY_${environment.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export function resolvePlatformSettings(
    root: string,
    environment: string,
    processEnv: NodeJS.ProcessEnv,
    exitCode: ExitCode
): PlatformSettings {
    const fileEnv = readDotEnv(root, exitCode);
    const dotEnvPath = join(root, '.env');
    // A variable present in the process environment wins even when empty, as with dotenv.
    const find = (name: string): { value: string; source: KeySource } | undefined => {
        const fromProcess = processEnv[name];
        if (fromProcess !== undefined) return { value: fromProcess.trim(), source: { kind: 'environment' } };
        const fromFile = fileEnv[name];
        return fromFile === undefined ? undefined : { value: fromFile.trim(), source: { kind: 'file', path: dotEnvPath } };
    };
    const specific = secretKeyVariable(environment);
    // `local` is the project's `ferry serve` (address and key from its data folder), unless a key is set for it.
    if (environment === LOCAL_ENVIRONMENT && !find(specific)?.value) {
        const local = findLocalServer(root, processEnv);
        if (!local) throw noLocalServer(root, exitCode);
        return { host: local.host, secretKey: local.secretKey, environment, keyVariable: 'the key of ferry serve', keySource: { kind: 'file', path: local.keyFile }, dotEnv: fileEnv };
    }
    const host = (find('NANGO_HOSTPORT')?.value || DEFAULT_HOST).replace(/\/+$/, '');
    // Ferry authenticates with the secret key alone, and a password in the URL would be printed
    // wherever the host is (errors, --debug). Checked before anything quotes the value: an `@`
    // anywhere (a base URL has none) is taken for a user name or password and never echoed.
    if (host.includes('@')) {
        throw new FerryError({
            code: 'BAD_HOSTPORT',
            message: 'NANGO_HOSTPORT holds a user name or password (http://user:…@host)',
            hint: 'Remove them: Ferry authenticates with the secret key alone, e.g. NANGO_HOSTPORT=https://api.nango.dev.',
            exitCode
        });
    }
    const keys = [specific, 'NANGO_SECRET_KEY'].flatMap((variable) => {
        const found = find(variable);
        return found?.value ? [{ variable, ...found }] : [];
    });
    checkHost(host, keys[0]?.value, exitCode);
    const key = keys[0];
    if (key) return { host, secretKey: key.value, environment, keyVariable: key.variable, keySource: key.source, dotEnv: fileEnv };
    throw missingKey(specific, environment, find(specific)?.source, dotEnvPath, exitCode);
}

/**
 * A base URL, without query or fragment (Ferry appends paths to it, so they would swallow them).
 * A value that is not one is never quoted whole: a key pasted into the wrong variable would be
 * printed, and --json carries the message too.
 */
function checkHost(host: string, secretKey: string | undefined, exitCode: ExitCode): void {
    const hint = `Set it to the platform's base URL, e.g. ${DEFAULT_HOST} or http://localhost:3003, or remove it.`;
    if (!/^https?:\/\//i.test(host) || !URL.canParse(host)) {
        // Quoted when it looks like an address (`localhost:3003`, `ftp://x`); a bare word may be a key pasted in the wrong place.
        const shown = /[.:]/.test(host) ? `: '${maskValue(host, secretKey)}'` : ' (it does not start with http:// or https://)';
        throw new FerryError({ code: 'BAD_HOSTPORT', message: `NANGO_HOSTPORT is not an http(s) URL${shown}`, hint, exitCode });
    }
    const url = new URL(host);
    if (url.search || url.hash || host.includes('?') || host.includes('#')) {
        throw new FerryError({
            code: 'BAD_HOSTPORT',
            message: 'NANGO_HOSTPORT has a query string or fragment (?… or #…), which Ferry would send with every request and print in messages',
            hint: 'Remove it: Ferry authenticates with the secret key alone, e.g. NANGO_HOSTPORT=https://api.nango.dev.',
            exitCode
        });
    }
}


const WHERE_KEYS_ARE = "the platform dashboard shows it in the environment's settings";

/** No usable key: says whether the variable is absent or empty, and where to fill it in. */
function missingKey(variable: string, environment: string, emptyIn: KeySource | undefined, dotEnvPath: string, exitCode: ExitCode): FerryError {
    const lead = `No secret key for environment '${environment}'`;
    if (emptyIn?.kind === 'environment') {
        return new FerryError({
            code: 'SECRET_KEY_MISSING',
            message: `${lead}: ${variable} is empty in your shell environment (it overrides .env)`,
            hint: `Set it to the secret key of '${environment}' (${WHERE_KEYS_ARE}), or unset it so ${dotEnvPath} is read.`,
            exitCode,
            details: { variable, source: 'environment' }
        });
    }
    if (emptyIn?.kind === 'file') {
        return new FerryError({
            code: 'SECRET_KEY_MISSING',
            message: `${lead}: ${variable} is empty in ${emptyIn.path}`,
            hint: `Paste the secret key of '${environment}' after ${variable}= in that file (${WHERE_KEYS_ARE}), or export ${variable}.`,
            exitCode,
            details: { variable, source: 'file', path: emptyIn.path }
        });
    }
    return new FerryError({
        code: 'SECRET_KEY_MISSING',
        message: `${lead}: ${variable} is not set, nor is a non-empty NANGO_SECRET_KEY`,
        hint: `Add ${variable}=<your secret key> to ${dotEnvPath} or export it (${WHERE_KEYS_ARE}).`,
        exitCode,
        details: { variable }
    });
}
