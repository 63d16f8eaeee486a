/**
 * Where the platform's address and secret key come from: the process environment first (CI sets
 * variables), then the project's `.env`. The `.env` is parsed, never loaded into process.env, so
 * user code run by Ferry cannot read it.
 */
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { FerryError, type ExitCode } from '../errors.js';

export const DEFAULT_HOST = 'https://api.nango.dev';

export interface PlatformSettings {
    host: string;
    secretKey: string;
    environment: string;
    /** Which variable the key came from, for messages (never the value). */
    keyVariable: string;
}

export function readDotEnv(root: string): Record<string, string> {
    const file = join(root, '.env');
    if (!existsSync(file)) return {};
    // require, not import: importing a CommonJS package from ESM first scans its source for exports.
    const { parse } = createRequire(import.meta.url)('dotenv') as typeof import('dotenv');
    return parse(readFileSync(file));
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
    const fileEnv = readDotEnv(root);
    const lookup = (name: string): string | undefined => {
        const value = processEnv[name] ?? fileEnv[name];
        return value === undefined || value.trim() === '' ? undefined : value.trim();
    };
    const specific = secretKeyVariable(environment);
    const host = (lookup('NANGO_HOSTPORT') ?? DEFAULT_HOST).replace(/\/+$/, '');
    if (!/^https?:\/\//i.test(host) || !URL.canParse(host)) {
        throw new FerryError({
            code: 'BAD_HOSTPORT',
            message: `NANGO_HOSTPORT is not an http(s) URL: '${host}'`,
            hint: `Set it to the platform's base URL, e.g. ${DEFAULT_HOST} or http://localhost:3003, or remove it.`,
            exitCode
        });
    }
    for (const variable of [specific, 'NANGO_SECRET_KEY']) {
        const secretKey = lookup(variable);
        if (secretKey) return { host, secretKey, environment, keyVariable: variable };
    }
    throw new FerryError({
        code: 'SECRET_KEY_MISSING',
        message: `No secret key for environment '${environment}': ${specific} (or NANGO_SECRET_KEY) is not set`,
        hint: `Add ${specific}=<your secret key> to ${join(root, '.env')} or export it.`,
        exitCode
    });
}
