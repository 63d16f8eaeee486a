/**
 * PATCH /records/prune on an in-process ferry serve (PGlite): payloads emptied up to a cursor, the
 * records' metadata and cursors kept, `has_more` as Nango computes it, and a pruned record saved
 * again unchanged restored without counting as updated (nor moving its cursor). With
 * FERRY_TEST_POSTGRES_URL, on that PostgreSQL server instead (its ferry_ tables dropped first).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneRecords, saveRecords, updateRecords } from '../../src/serve/records-store.js';
import { startServe, type RunningServer } from '../../src/serve/server.js';
import { openPostgres } from '../../src/serve/storage.js';

const KEY = 'prune-test-key';
const HEADERS = { authorization: `Bearer ${KEY}`, 'connection-id': 'c1', 'provider-config-key': 'gh', 'content-type': 'application/json' };

describe('PATCH /records/prune', () => {
    let dir: string;
    let server: RunningServer;
    let connectionId: number;
    const list = async () => ((await (await fetch(`${server.url}/records?model=Issue`, { headers: HEADERS })).json()) as { records: any[] }).records;
    const prune = async (body: unknown, headers: Record<string, string> = HEADERS) => {
        const response = await fetch(`${server.url}/records/prune`, { method: 'PATCH', headers, body: JSON.stringify(body) });
        return { status: response.status, body: (await response.json()) as any };
    };

    beforeAll(async () => {
        dir = await mkdtemp(join(tmpdir(), 'ferry-prune-'));
        const database = process.env['FERRY_TEST_POSTGRES_URL'];
        if (database) {
            const storage = await openPostgres(database);
            const tables = await storage.query<{ tablename: string }>("select tablename from pg_tables where schemaname = current_schema() and tablename like 'ferry\\_%'");
            if (tables.length > 0) await storage.exec(`drop table if exists ${tables.map((t) => `"${t.tablename}"`).join(', ')} cascade`);
            await storage.close();
        }
        server = await startServe({ host: '127.0.0.1', port: 0, dataDir: dir, database, secretKey: KEY, encryptionKey: randomBytes(32), log: () => undefined });
        const api = (path: string, body: unknown) => fetch(`${server.url}${path}`, { method: 'POST', headers: HEADERS, body: JSON.stringify(body) });
        expect((await api('/integrations', { unique_key: 'gh', provider: 'github' })).status).toBe(200);
        expect((await api('/connections', { provider_config_key: 'gh', connection_id: 'c1', credentials: { type: 'OAUTH2', access_token: 't' } })).status).toBe(201);
        connectionId = Number((await server.storage.query<{ id: number }>("select id from ferry_connections where connection_id = 'c1'"))[0]!.id);
    });
    afterAll(async () => {
        await server.close();
        await rm(dir, { recursive: true, force: true });
    });

    it('empties payloads up to the cursor, keeps metadata, and restores an unchanged record without an update', async () => {
        for (const id of ['a', 'b', 'c']) await server.storage.transaction((tx) => saveRecords(tx, connectionId, 'Issue', [{ id, title: id.toUpperCase() }]));
        const before = await list();
        const untilB = before[1]._nango_metadata.cursor;

        expect(await prune({ model: 'Issue', until_cursor: untilB, limit: 1 })).toEqual({ status: 200, body: { count: 1, has_more: true } });
        expect(await prune({ model: 'Issue', until_cursor: untilB })).toEqual({ status: 200, body: { count: 1, has_more: false } });
        expect(await prune({ model: 'Issue', until_cursor: untilB })).toEqual({ status: 200, body: { count: 0, has_more: false } });

        const after = await list();
        expect(after.map((r) => Object.keys(r).sort())).toEqual([['_nango_metadata', 'id'], ['_nango_metadata', 'id'], ['_nango_metadata', 'id', 'title']]);
        expect(after.map((r) => r._nango_metadata.cursor)).toEqual(before.map((r) => r._nango_metadata.cursor));
        expect(after[0]._nango_metadata.pruned_at).not.toBeNull();
        expect(after[2]._nango_metadata.pruned_at).toBeNull();

        const saved = await server.storage.transaction((tx) => saveRecords(tx, connectionId, 'Issue', [{ id: 'a', title: 'A' }, { id: 'b', title: 'B2' }]));
        expect(saved).toEqual({ added: 0, updated: 1, unchanged: ['a'] });
        const restored = await list();
        const a = restored.find((r) => r.id === 'a');
        expect(a).toMatchObject({ title: 'A', _nango_metadata: { pruned_at: null, last_action: 'ADDED', cursor: before[0]._nango_metadata.cursor } });
        expect(restored.find((r) => r.id === 'b')).toMatchObject({ title: 'B2', _nango_metadata: { pruned_at: null, last_action: 'UPDATED' } });
    });

    it('a batchUpdate into a pruned record ends its pruning, as Nango', async () => {
        const [c] = (await list()).filter((r) => r.id === 'c');
        const until = Buffer.from(c._nango_metadata.cursor, 'base64').toString('utf8').split('||');
        // a (restored above) and c come before the cursor's end; b, updated, now comes after.
        expect((await pruneRecords(server.storage, connectionId, 'Issue', { sort: until[0]!, id: until[1]! }, 10)).count).toBe(2);
        expect(await server.storage.transaction((tx) => updateRecords(tx, connectionId, 'Issue', [{ id: 'c', state: 'open' }]))).toBe(1);
        expect((await list()).find((r) => r.id === 'c')).toMatchObject({ state: 'open', _nango_metadata: { pruned_at: null, last_action: 'UPDATED' } });
    });

    it('answers Nango’s errors', async () => {
        expect(await prune({ model: 'Issue', until_cursor: 'x' }, { ...HEADERS, 'connection-id': 'nobody' })).toMatchObject({ status: 400, body: { error: { code: 'unknown_connection' } } });
        expect(await prune({ model: 'Issue', until_cursor: 'not-a-cursor' })).toMatchObject({ status: 500, body: { error: { code: 'server_error', message: 'Failed to prune records' } } });
        expect(await prune({ model: 'issue', until_cursor: 'x' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_body' } } });
    });
});
