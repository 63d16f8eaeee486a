/**
 * `ferry serve` end to end: the built CLI on 127.0.0.1 with a free port and a temporary data
 * folder. Start, the secret key and its 401s, a clean stop, and a restart that keeps everything.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, runFerry } from '../support/cli.js';
import { startServe } from '../support/serve.js';

describe('ferry serve', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
        ({ dir, cleanup } = await makeTempDir('ferry-serve-'));
    });
    afterAll(async () => cleanup());

    it('prints its URL and a new key once, answers Nango 401 bodies, stops on SIGTERM and keeps its data', async () => {
        const data = join(dir, 'data');
        const first = await startServe(['--data', data], { cwd: dir });
        expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(first.secretKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        for (const file of ['secret-key', 'encryption.key', 'state.json']) {
            expect(((await stat(join(data, file))).mode & 0o777).toString(8), file).toBe('600');
        }
        expect((await readFile(join(data, 'secret-key'), 'utf8')).trim()).toBe(first.secretKey);

        const missing = await fetch(`${first.url}/integrations`);
        expect(missing.status).toBe(401);
        expect(await missing.json()).toEqual({ error: { message: 'Authentication failed. The request is missing the Authorization header.', code: 'missing_auth_header', payload: {} } });
        const notUuid = await first.api('GET', '/integrations', undefined, { authorization: 'Bearer nope' });
        expect(notUuid.status).toBe(401);
        expect(notUuid.body.error.code).toBe('invalid_secret_key_format');
        const wrong = await first.api('GET', '/integrations', undefined, { authorization: 'Bearer 11111111-2222-4333-8444-555555555555' });
        expect(wrong.body).toEqual({ error: { message: 'Authentication failed. The provided authorization header does not match any account.', code: 'unknown_account', payload: {} } });
        // Unknown routes say nothing before the key is checked.
        expect((await fetch(`${first.url}/nothing-here`)).status).toBe(401);

        const created = await first.api('POST', '/integrations', { unique_key: 'gh', provider: 'github' });
        expect(created.status).toBe(200);
        expect(await first.stop('SIGTERM')).toBe(0);
        expect(first.stdout()).toContain('"event":"stopped"');
        await expect(stat(join(data, 'state.json'))).rejects.toThrow();

        const second = await startServe(['--data', data], { cwd: dir, secretKey: first.secretKey! });
        expect(second.ready['secretKey']).toBeUndefined();
        const listed = await second.api('GET', '/integrations');
        expect(listed.body.data.map((i: { unique_key: string }) => i.unique_key)).toEqual(['gh']);
        expect(await second.stop('SIGINT')).toBe(0);
    });

    it('uses a given --secret-key, refuses a second server on the same data folder and a port in use', async () => {
        const data = join(dir, 'given');
        const key = 'my-own-dev-key';
        const server = await startServe(['--data', data, '--secret-key', key], { cwd: dir, secretKey: key });
        try {
            expect(server.ready['secretKey']).toBeUndefined();
            expect((await server.api('GET', '/integrations')).status).toBe(200);
            const wrong = await server.api('GET', '/integrations', undefined, { authorization: 'Bearer not-it' });
            expect(wrong.body.error.code).toBe('unknown_account');

            const again = await runFerry(['serve', '--port', '0', '--data', data], { cwd: dir, timeoutMs: 20_000 });
            expect(again.code).toBe(1);
            expect(again.stderr).toContain('already runs on');
            const port = new URL(server.url).port;
            const busy = await runFerry(['serve', '--port', port, '--data', join(dir, 'other')], { cwd: dir, timeoutMs: 30_000 });
            expect(busy.code).toBe(1);
            expect(busy.stderr).toContain(`Port ${port} on 127.0.0.1 is in use`);
        } finally {
            expect(await server.stop()).toBe(0);
        }
    });

    // Only where a PostgreSQL server is given (.ci/run starts one): the same server, storing there.
    const postgresUrl = process.env['FERRY_TEST_POSTGRES_URL'];
    const databases = postgresUrl ? [postgresUrl] : [];
    it.each(databases)('keeps its data in the PostgreSQL database given with --database', async (url) => {
        const { default: postgres } = await import('postgres');
        const sql = postgres(url, { onnotice: () => undefined });
        // Every table of every migration, so the server starts on an empty database.
        const tables = await sql.unsafe<{ tablename: string }[]>("select tablename from pg_tables where schemaname = current_schema() and tablename like 'ferry\\_%'");
        if (tables.length > 0) await sql.unsafe(`drop table if exists ${tables.map((t) => `"${t.tablename}"`).join(', ')} cascade`);
        await sql.end();
        const data = join(dir, 'pg');
        const first = await startServe(['--data', data, '--database', url], { cwd: dir });
        expect(first.ready['storage']).toBe('postgres');
        expect((await first.api('POST', '/integrations', { unique_key: 'pg-gh', provider: 'github' })).status).toBe(200);
        expect((await first.api('POST', '/connections', { provider_config_key: 'pg-gh', connection_id: 'c', credentials: { type: 'OAUTH2', access_token: 't-pg' } })).status).toBe(201);
        expect(await first.stop()).toBe(0);
        const second = await startServe(['--data', data, '--database', url], { cwd: dir, secretKey: first.secretKey! });
        expect((await second.api('GET', '/connections/c?provider_config_key=pg-gh')).body.credentials.access_token).toBe('t-pg');
        expect(await second.stop()).toBe(0);
        const refused = await runFerry(['serve', '--port', '0', '--data', join(dir, 'pg2'), '--database', 'postgres://nobody:secret-pw@127.0.0.1:1/none'], { cwd: dir, timeoutMs: 30_000 });
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain('Cannot use the PostgreSQL database given with --database');
        expect(refused.stderr).not.toContain('secret-pw');
    });
});
