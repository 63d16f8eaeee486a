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
            keyVariable: 'NANGO_SECRET_KEY_DEV',
            keySource: { kind: 'file', path: join(root, '.env') },
            // The file as read, so the secret scans need not read it again.
            dotEnv: expect.objectContaining({ NANGO_SECRET_KEY_DEV: 'sk-from-dotenv' })
        });
    });

    it('remembers that a key from the process environment overrides .env', () => {
        const settings = resolvePlatformSettings(root, 'dev', { NANGO_SECRET_KEY_DEV: ' sk-from-shell ' }, ExitCode.Dryrun);
        expect(settings).toMatchObject({ secretKey: 'sk-from-shell', keyVariable: 'NANGO_SECRET_KEY_DEV', keySource: { kind: 'environment' } });
        expect(resolvePlatformSettings(root, 'prod', { NANGO_SECRET_KEY: 'sk-fallback' }, ExitCode.Deploy)).toMatchObject({
            keyVariable: 'NANGO_SECRET_KEY',
            keySource: { kind: 'environment' }
        });
    });

    describe('a missing key says where it is missing and how to fill it, with the caller exit code', () => {
        const failure = (dir: string, env: NodeJS.ProcessEnv, exitCode: ExitCode): FerryError => {
            try {
                resolvePlatformSettings(dir, 'dev', env, exitCode);
            } catch (error) {
                if (error instanceof FerryError) return error;
                throw error;
            }
            throw new Error('expected SECRET_KEY_MISSING');
        };
        let empty: string;
        beforeAll(async () => {
            empty = await mkdtemp(join(tmpdir(), 'ferry-env-empty-'));
            // What ferry init writes.
            await writeFile(join(empty, '.env'), 'NANGO_SECRET_KEY_DEV=\n# NANGO_HOSTPORT=http://localhost:3003\n');
        });
        afterAll(() => rm(empty, { recursive: true, force: true }));

        it('empty in .env (the line init writes)', () => {
            const error = failure(empty, {}, ExitCode.Failure);
            const file = join(empty, '.env');
            expect(error.code).toBe('SECRET_KEY_MISSING');
            expect(error.exitCode).toBe(ExitCode.Failure);
            expect(error.message).toBe(`No secret key for environment 'dev': NANGO_SECRET_KEY_DEV is empty in ${file}`);
            expect(error.hint).toBe(
                "Paste the secret key of 'dev' after NANGO_SECRET_KEY_DEV= in that file (the platform dashboard shows it in the environment's settings), or export NANGO_SECRET_KEY_DEV."
            );
        });

        it('empty in the shell, which hides .env', () => {
            const error = failure(root, { NANGO_SECRET_KEY_DEV: '  ' }, ExitCode.Deploy);
            expect(error.exitCode).toBe(ExitCode.Deploy);
            expect(error.message).toBe("No secret key for environment 'dev': NANGO_SECRET_KEY_DEV is empty in your shell environment (it overrides .env)");
            expect(error.hint).toBe(
                `Set it to the secret key of 'dev' (the platform dashboard shows it in the environment's settings), or unset it so ${join(root, '.env')} is read.`
            );
        });

        it('absent everywhere', async () => {
            const bare = await mkdtemp(join(tmpdir(), 'ferry-env-bare-'));
            try {
                const error = failure(bare, {}, ExitCode.Failure);
                expect(error.message).toBe("No secret key for environment 'dev': NANGO_SECRET_KEY_DEV is not set, nor is a non-empty NANGO_SECRET_KEY");
                expect(error.hint).toBe(
                    `Add NANGO_SECRET_KEY_DEV=<your secret key> to ${join(bare, '.env')} or export it (the platform dashboard shows it in the environment's settings).`
                );
            } finally {
                await rm(bare, { recursive: true, force: true });
            }
        });
    });

    it('refuses a NANGO_HOSTPORT that is not an http(s) URL, with the caller exit code and without the key', () => {
        for (const value of ['localhost:3003', 'ftp://x']) {
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

    it('refuses a NANGO_HOSTPORT with a user name or password, without repeating them', () => {
        for (const value of ['http://user:hunter2pw@127.0.0.1:3003', 'https://hunter2pw@api.example.com', 'admin:hunter2pw@nango.internal:3003', 'https://admin:hunter2pw/x@host']) {
            let error: unknown;
            try {
                resolvePlatformSettings(root, 'dev', { NANGO_HOSTPORT: value }, ExitCode.Dryrun);
            } catch (e) {
                error = e;
            }
            expect(error).toBeInstanceOf(FerryError);
            expect((error as FerryError).code).toBe('BAD_HOSTPORT');
            expect((error as FerryError).exitCode).toBe(ExitCode.Dryrun);
            expect((error as FerryError).hint).toMatch(/authenticates with the secret key/);
            expect(JSON.stringify((error as FerryError).toJSON())).not.toContain('hunter2pw');
        }
    });
});
