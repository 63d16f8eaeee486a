/**
 * The 401 hint of the platform client points where the key was read: a shell export hides .env,
 * so "check .env" would send the user to the wrong place. The key itself never appears.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, FerryError } from '../../src/errors.js';
import { PlatformClient, type PlatformClientOptions } from '../../src/platform/client.js';
import { resolvePlatformSettings } from '../../src/platform/env.js';
import { startServer, type TestServer } from '../support/http.js';

const KEY = 'sk-test-client-rejected-0000';

describe('PlatformClient 401 hint', () => {
    let server: TestServer;
    beforeAll(async () => {
        server = await startServer(() => ({ status: 401, body: { error: { message: 'Unknown secret key' } } }));
    });
    afterAll(() => server.close());

    const rejected = async (options: Partial<PlatformClientOptions>): Promise<FerryError> => {
        const client = new PlatformClient({ host: server.url, secretKey: KEY, exitCode: ExitCode.Dryrun, keyVariable: 'NANGO_SECRET_KEY_DEV', ...options });
        try {
            const error = await client.json({ method: 'GET', path: '/connections/c1' }, { safeParse: (data) => ({ success: true, data }) }).then(
                () => undefined,
                (e: unknown) => e
            );
            expect(error).toBeInstanceOf(FerryError);
            const ferryError = error as FerryError;
            expect(ferryError.code).toBe('PLATFORM_UNAUTHORIZED');
            expect(ferryError.exitCode).toBe(ExitCode.Dryrun);
            expect(JSON.stringify({ ...ferryError.toJSON(), message: ferryError.message, hint: ferryError.hint })).not.toContain(KEY);
            return ferryError;
        } finally {
            await client.close();
        }
    };

    it('a key from the shell: the shell variable is what to check, not .env', async () => {
        const settings = resolvePlatformSettings(join(import.meta.dirname, 'no-such-project'), 'dev', { NANGO_SECRET_KEY_DEV: KEY }, ExitCode.Failure);
        const error = await rejected({ keyVariable: settings.keyVariable, keySource: settings.keySource });
        expect(error.message).toBe(`The platform at ${server.url} rejected the secret key (401 on GET /connections/c1): Unknown secret key`);
        expect(error.hint).toBe(
            'NANGO_SECRET_KEY_DEV is set in your shell environment (it overrides .env): check its value, it must be the secret key of this environment.'
        );
    });

    it('a key from .env: names the file', async () => {
        const error = await rejected({ keySource: { kind: 'file', path: '/home/me/functions/.env' } });
        expect(error.hint).toBe('Check NANGO_SECRET_KEY_DEV in /home/me/functions/.env: it must be the secret key of this environment.');
    });

    it('a source not passed on: says the shell comes first', async () => {
        const error = await rejected({});
        expect(error.hint).toBe(
            "Check NANGO_SECRET_KEY_DEV (your shell environment overrides the project's .env, so look there first): it must be the secret key of this environment."
        );
    });
});
