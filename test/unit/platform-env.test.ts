/** Where the platform address and key come from, and how a wrong address is reported. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, FerryError } from '../../src/errors.js';
import { resolvePlatformSettings } from '../../src/platform/env.js';

describe('resolvePlatformSettings', () => {
    let root: string;
    beforeAll(async () => {
        root = await mkdtemp(join(tmpdir(), 'ferry-env-'));
        await writeFile(join(root, '.env'), 'NANGO_SECRET_KEY_DEV=sk-from-dotenv\n');
    });
    afterAll(() => rm(root, { recursive: true, force: true }));

    it('takes the key from .env and trims a trailing slash from the host', () => {
        expect(resolvePlatformSettings(root, 'dev', { NANGO_HOSTPORT: 'http://localhost:3003/' }, ExitCode.Dryrun)).toEqual({
            host: 'http://localhost:3003',
            secretKey: 'sk-from-dotenv',
            environment: 'dev',
            keyVariable: 'NANGO_SECRET_KEY_DEV'
        });
    });

    it('refuses a NANGO_HOSTPORT that is not an http(s) URL, with the caller exit code and without the key', () => {
        for (const value of ['notaurl', 'localhost:3003', 'ftp://x']) {
            let error: unknown;
            try {
                resolvePlatformSettings(root, 'dev', { NANGO_HOSTPORT: value }, ExitCode.Deploy);
            } catch (e) {
                error = e;
            }
            expect(error).toBeInstanceOf(FerryError);
            expect((error as FerryError).code).toBe('BAD_HOSTPORT');
            expect((error as FerryError).exitCode).toBe(ExitCode.Deploy);
            expect((error as FerryError).message).toContain(value);
            expect(JSON.stringify((error as FerryError).toJSON())).not.toContain('sk-from-dotenv');
        }
    });
});
