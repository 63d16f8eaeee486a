/**
 * GET /records on an in-process ferry serve (PGlite): Nango's record shape and metadata, unchanged
 * records not rewritten, duplicate ids keeping the first, soft deletes, filters, ids, variants, and
 * paging through a table that changes between pages without skipping or repeating a record.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveRecords } from '../../src/serve/records-store.js';
import { startServe, type RunningServer } from '../../src/serve/server.js';

const KEY = 'records-test-key';

describe('GET /records', () => {
    let dir: string;
    let server: RunningServer;
    let connectionId: number;
    const get = async (query: string, headers: Record<string, string> = { 'connection-id': 'c1', 'provider-config-key': 'gh' }) => {
        const response = await fetch(`${server.url}/records?${query}`, { headers: { authorization: `Bearer ${KEY}`, ...headers } });
        return { status: response.status, body: (await response.json()) as any };
    };

    beforeAll(async () => {
        dir = await mkdtemp(join(tmpdir(), 'ferry-records-'));
        server = await startServe({ host: '127.0.0.1', port: 0, dataDir: dir, secretKey: KEY, encryptionKey: randomBytes(32), log: () => undefined });
        const api = (path: string, body: unknown) =>
            fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        expect((await api('/integrations', { unique_key: 'gh', provider: 'github' })).status).toBe(200);
        expect((await api('/connections', { provider_config_key: 'gh', connection_id: 'c1', credentials: { type: 'OAUTH2', access_token: 't' } })).status).toBe(201);
        const rows = await server.storage.query<{ id: number }>("select id from ferry_connections where connection_id = 'c1'");
        connectionId = Number(rows[0]!.id);
    });
    afterAll(async () => {
        await server.close();
        await rm(dir, { recursive: true, force: true });
    });

    it('serves saved records with their metadata; unchanged ones are not rewritten, the first of a duplicate id wins', async () => {
        const first = await server.storage.transaction((tx) =>
            saveRecords(tx, connectionId, 'Issue', [
                { id: 'a', title: 'A' },
                { id: 'b', title: 'B' },
                { id: 'a', title: 'A again' }
            ])
        );
        expect(first).toEqual({ added: 2, updated: 0, unchanged: [] });
        const page = await get('model=Issue');
        expect(page.status).toBe(200);
        expect(page.body.next_cursor).toBeNull();
        expect(page.body.records.map((r: { id: string; title: string }) => [r.id, r.title])).toEqual([
            ['a', 'A'],
            ['b', 'B']
        ]);
        expect(page.body.records[0]._nango_metadata).toMatchObject({ last_action: 'ADDED', deleted_at: null, pruned_at: null });
        const before = page.body.records[1]._nango_metadata.last_modified_at;

        const again = await server.storage.transaction((tx) => saveRecords(tx, connectionId, 'Issue', [{ id: 'a', title: 'A' }, { id: 'b', title: 'B2' }]));
        expect(again).toEqual({ added: 0, updated: 1, unchanged: ['a'] });
        const after = await get('model=Issue');
        const b = after.body.records.find((r: { id: string }) => r.id === 'b');
        expect(b._nango_metadata.last_action).toBe('UPDATED');
        expect(b._nango_metadata.last_modified_at).not.toBe(before);
        expect(after.body.records.find((r: { id: string }) => r.id === 'a')._nango_metadata.last_action).toBe('ADDED');

        expect((await get('model=Issue&filter=updated')).body.records.map((r: { id: string }) => r.id)).toEqual(['b']);
        expect((await get('model=Issue&ids=a')).body.records.map((r: { id: string }) => r.id)).toEqual(['a']);
        await server.storage.query("update ferry_records set deleted_at = now(), updated_at = now() where external_id = 'a'");
        expect((await get('model=Issue&filter=deleted')).body.records.map((r: { id: string }) => r.id)).toEqual(['a']);
    });

    it('pages by cursor through a table that changes between pages, without skipping or repeating', async () => {
        await server.storage.transaction((tx) => saveRecords(tx, connectionId, 'Page::v2', Array.from({ length: 25 }, (_, i) => ({ id: `r${String(i).padStart(2, '0')}`, n: i }))));
        const seen: string[] = [];
        let cursor: string | null = null;
        let round = 0;
        do {
            const page = await get(`model=Page&variant=v2&limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
            expect(page.status).toBe(200);
            seen.push(...page.body.records.map((r: { id: string }) => r.id));
            cursor = page.body.next_cursor;
            // Between pages: a record already read changes (it moves to the end), and a new one arrives.
            if (round++ === 0) await server.storage.transaction((tx) => saveRecords(tx, connectionId, 'Page::v2', [{ id: 'r00', n: 100 }, { id: 'r99', n: 99 }]));
        } while (cursor);
        const unique = new Set(seen);
        for (let i = 0; i < 25; i++) expect(unique.has(`r${String(i).padStart(2, '0')}`)).toBe(true);
        expect(unique.has('r99')).toBe(true);
        // r00 is read again only because it changed after it was read: once before, once after.
        expect(seen.filter((id) => id === 'r00')).toHaveLength(2);
        expect(seen.length).toBe(unique.size + 1);
        expect((await get('model=Page')).body.records).toEqual([]);
    });

    it("answers Nango's errors", async () => {
        expect((await get('model=Issue', { 'connection-id': 'nope', 'provider-config-key': 'gh' })).body).toEqual({
            error: { code: 'unknown_connection', message: 'Provided ConnectionId and ProviderConfigKey does not match a valid connection' }
        });
        const bad = await get('model=issue&unknown=1');
        expect(bad.status).toBe(400);
        expect(bad.body.error.code).toBe('invalid_query_params');
        expect((await get('model=Issue', {})).body.error.code).toBe('invalid_headers');
    });
});
