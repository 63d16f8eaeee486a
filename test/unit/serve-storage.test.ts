/**
 * ferry serve's storage: migrations and the integration/connection store, against PGlite always and
 * against a real PostgreSQL server when FERRY_TEST_POSTGRES_URL is set (.ci/run sets it), so the same
 * SQL is proven on both.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSealer } from '../../src/serve/crypto.js';
import { migrate, MIGRATIONS } from '../../src/serve/migrations.js';
import { openPglite, openPostgres, type Storage } from '../../src/serve/storage.js';
import { Store } from '../../src/serve/store.js';

const backends: { name: string; open: () => Promise<{ storage: Storage; done: () => Promise<void> }> }[] = [
    {
        name: 'PGlite',
        open: async () => {
            const dir = await mkdtemp(join(tmpdir(), 'ferry-storage-'));
            const storage = await openPglite(join(dir, 'db'));
            return { storage, done: () => rm(dir, { recursive: true, force: true }) };
        }
    }
];
const postgresUrl = process.env['FERRY_TEST_POSTGRES_URL'];
if (postgresUrl) {
    backends.push({
        name: 'PostgreSQL',
        open: async () => {
            const storage = await openPostgres(postgresUrl);
            // Every table of every migration (those added later too), so the migrations start from nothing.
            const tables = await storage.query<{ tablename: string }>("select tablename from pg_tables where schemaname = current_schema() and tablename like 'ferry\\_%'");
            if (tables.length > 0) await storage.exec(`drop table if exists ${tables.map((t) => `"${t.tablename}"`).join(', ')} cascade`);
            return { storage, done: async () => undefined };
        }
    });
}

describe.each(backends)('serve storage on $name', ({ open }) => {
    let storage: Storage;
    let done: () => Promise<void>;
    let store: Store;
    const sealer = createSealer(randomBytes(32));

    beforeAll(async () => {
        ({ storage, done } = await open());
        store = new Store(storage, sealer);
    });
    afterAll(async () => {
        await storage.close();
        await done();
    });

    it('applies the migrations once, records them, and refuses a newer schema', async () => {
        const first = await migrate(storage);
        expect(first.applied).toEqual(MIGRATIONS.map((m) => m.version));
        expect((await migrate(storage)).applied).toEqual([]);
        const rows = await storage.query<{ version: number }>('select version from ferry_migrations order by version');
        expect(rows.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
        await expect(migrate(storage, [])).rejects.toThrow(/newer than this Ferry knows/);
    });

    it('stores integrations and connections; credentials sealed, ids only as parameters', async () => {
        expect(await store.createIntegration({ unique_key: 'gh', provider: 'github', oauth_client_id: 'cid', oauth_client_secret: 'client-secret-1' })).toMatchObject({
            unique_key: 'gh',
            oauth_client_secret: 'client-secret-1'
        });
        expect(await store.createIntegration({ unique_key: 'gh', provider: 'github' })).toBeUndefined();
        const odd = "a'; drop table ferry_connections; --";
        const first = await store.upsertConnection({
            provider_config_key: 'gh',
            connection_id: odd,
            credentials: { type: 'OAUTH2', access_token: 'plain-token-xyz' },
            connection_config: { subdomain: 's' },
            metadata: { owner: 'o' },
            credentials_expires_at: null
        });
        expect(first.operation).toBe('creation');
        const second = await store.upsertConnection({ ...first.connection, credentials: { type: 'OAUTH2', access_token: 'plain-token-2' }, credentials_expires_at: null });
        expect(second.operation).toBe('override');
        expect((await store.getConnection('gh', odd))?.credentials).toEqual({ type: 'OAUTH2', access_token: 'plain-token-2' });

        const raw = await storage.query<{ credentials: string }>('select credentials from ferry_connections');
        expect(raw[0]!.credentials).toMatch(/^v1\./);
        expect(raw[0]!.credentials).not.toContain('plain-token');
        const secret = await storage.query<{ oauth_client_secret: string }>('select oauth_client_secret from ferry_integrations');
        expect(secret[0]!.oauth_client_secret).not.toContain('client-secret-1');

        await store.upsertConnection({ provider_config_key: 'gh', connection_id: '100%_real', credentials: { type: 'NONE' }, connection_config: {}, metadata: {}, credentials_expires_at: null });
        expect((await store.listConnections({ search: '%', limit: 10, offset: 0 })).map((c) => c.connection_id)).toEqual(['100%_real']);
        expect(await store.listConnections({ integrationIds: ['gh'], limit: 1, offset: 1 })).toHaveLength(1);
        expect(await store.deleteIntegration('gh')).toBe(true);
        expect(await store.listConnections({ limit: 10, offset: 0 })).toEqual([]);
    });

    it('rolls a failed transaction back whole', async () => {
        await expect(
            storage.transaction(async (tx) => {
                await tx.query("insert into ferry_integrations (unique_key, provider) values ('tx', 'github')");
                await tx.query('select * from no_such_table');
            })
        ).rejects.toThrow();
        expect(await store.getIntegration('tx')).toBeUndefined();
    });
});

describe('credential sealing', () => {
    it('opens what it sealed, and refuses a tampered value or another key', () => {
        const sealer = createSealer(randomBytes(32));
        const sealed = sealer.seal({ apiKey: 'k-1' });
        expect(sealer.open(sealed)).toEqual({ apiKey: 'k-1' });
        expect(sealer.seal({ apiKey: 'k-1' })).not.toBe(sealed);
        const parts = sealed.split('.');
        const body = Buffer.from(parts[3]!, 'base64url');
        body[0] = body[0]! ^ 1;
        expect(() => sealer.open([...parts.slice(0, 3), body.toString('base64url')].join('.'))).toThrow();
        expect(() => createSealer(randomBytes(32)).open(sealed)).toThrow();
    });
});
