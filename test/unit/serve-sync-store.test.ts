/**
 * The stores behind ferry serve's sync runs, on a real PGlite database: schedules for every sync on
 * every connection (auto-start or paused, as Nango), what is due (the frequency elapsed, a trigger,
 * not what runs already), batchUpdate/batchDelete/trackDeletes semantics, and the run history with
 * its log bound and the runs a killed server left going. Also against a real PostgreSQL server when
 * FERRY_TEST_POSTGRES_URL is set (.ci/run sets it).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertFunction, type NewFunction } from '../../src/serve/functions-store.js';
import { migrate } from '../../src/serve/migrations.js';
import { deleteRecords, deleteUnseen, listRecords, saveRecords, updateRecords } from '../../src/serve/records-store.js';
import { failInterruptedRuns, finishRun, getRun, listRuns, MAX_RUN_LOGS, startRun } from '../../src/serve/runs-store.js';
import { openPglite, openPostgres, type Storage } from '../../src/serve/storage.js';
import { afterRun, dueSyncs, findSyncs, reconcileSyncs, requestRun, setState } from '../../src/serve/sync-store.js';

const fn = (name: string, type: NewFunction['type'], autoStart: boolean): NewFunction => ({
    provider_config_key: 'gh',
    type,
    name,
    event: '',
    version: '1',
    runs: type === 'sync' ? 'every hour' : null,
    auto_start: autoStart,
    models: ['Issue'],
    config: {},
    js: '',
    ts: null
});

const backends: { name: string; open: () => Promise<{ db: Storage; done: () => Promise<void> }> }[] = [
    {
        name: 'PGlite',
        open: async () => {
            const dir = await mkdtemp(join(tmpdir(), 'ferry-sync-store-'));
            return { db: await openPglite(join(dir, 'pglite')), done: () => rm(dir, { recursive: true, force: true }) };
        }
    }
];
const postgresUrl = process.env['FERRY_TEST_POSTGRES_URL'];
if (postgresUrl) {
    backends.push({
        name: 'PostgreSQL',
        open: async () => {
            const db = await openPostgres(postgresUrl);
            const tables = await db.query<{ tablename: string }>("select tablename from pg_tables where schemaname = current_schema() and tablename like 'ferry\\_%'");
            if (tables.length > 0) await db.exec(`drop table if exists ${tables.map((t) => `"${t.tablename}"`).join(', ')} cascade`);
            return { db, done: async () => undefined };
        }
    });
}

describe.each(backends)('ferry serve sync stores on $name', ({ open }) => {
    let db: Storage;
    let done: () => Promise<void>;
    let connection: number;

    beforeAll(async () => {
        ({ db, done } = await open());
        await migrate(db);
        await db.query("insert into ferry_integrations (unique_key, provider) values ('gh', 'github')");
        for (const id of ['c1', 'c2']) await db.query("insert into ferry_connections (provider_config_key, connection_id, credentials) values ('gh', $1, 'sealed')", [id]);
        connection = Number((await db.query<{ id: number }>("select id from ferry_connections where connection_id = 'c1'"))[0]!.id);
    });
    afterAll(async () => {
        await db.close();
        await done();
    });

    it('gives every sync a schedule per connection: due at once with autoStart, else paused; actions none', async () => {
        for (const f of [fn('issues', 'sync', true), fn('labels', 'sync', false), fn('create', 'action', false)]) await upsertFunction(db, f);
        expect(await reconcileSyncs(db)).toBe(4);
        expect(await reconcileSyncs(db)).toBe(0);
        const all = await findSyncs(db, { providerConfigKey: 'gh', names: [] });
        expect(all.map((s) => [s.name, s.connection_id, s.state])).toEqual([
            ['issues', 'c1', 'STARTED'],
            ['issues', 'c2', 'STARTED'],
            ['labels', 'c1', 'PAUSED'],
            ['labels', 'c2', 'PAUSED']
        ]);
        const due = await dueSyncs(db, [], 10);
        expect(due.map((s) => [s.name, s.connection_id])).toEqual([
            ['issues', 'c1'],
            ['issues', 'c2']
        ]);
        // What runs already is not started twice.
        expect((await dueSyncs(db, [due[0]!.id], 10)).map((s) => s.connection_id)).toEqual(['c2']);
    });

    it('runs again once the frequency has elapsed since the last start; a trigger runs even a paused one', async () => {
        const [issues] = await findSyncs(db, { providerConfigKey: 'gh', connectionId: 'c1', names: ['issues'] });
        const hour = 60 * 60 * 1000;
        await afterRun(db, issues!.id, { ok: true, startedAt: new Date(), frequencyMs: hour });
        expect((await dueSyncs(db, [], 10)).map((s) => s.id)).not.toContain(issues!.id);
        await afterRun(db, issues!.id, { ok: true, startedAt: new Date(Date.now() - 2 * hour), frequencyMs: hour });
        expect((await dueSyncs(db, [], 10)).map((s) => s.id)).toContain(issues!.id);

        const [labels] = await findSyncs(db, { providerConfigKey: 'gh', connectionId: 'c1', names: ['labels'] });
        await requestRun(db, [labels!.id], 'FULL');
        const due = await dueSyncs(db, [], 10);
        expect(due[0]).toMatchObject({ id: labels!.id, pending_mode: 'FULL', state: 'PAUSED' });

        await setState(db, [issues!.id], 'PAUSED');
        expect((await dueSyncs(db, [], 10)).map((s) => s.id)).not.toContain(issues!.id);
        await setState(db, [issues!.id], 'STARTED');
        expect((await dueSyncs(db, [], 10)).map((s) => s.id)).toContain(issues!.id);
    });

    it('batchUpdate merges into existing records only; batchDelete counts a record once; trackDeletes spares the unchanged ones saved', async () => {
        await db.transaction((tx) => saveRecords(tx, connection, 'Issue', [{ id: 'a', title: 'A', state: 'open' }, { id: 'b', title: 'B' }, { id: 'c', title: 'C' }]));
        const since = new Date();
        expect(await db.transaction((tx) => updateRecords(tx, connection, 'Issue', [{ id: 'a', state: 'closed' }, { id: 'zz', state: 'closed' }]))).toBe(1);
        expect(await db.transaction((tx) => deleteRecords(tx, connection, 'Issue', ['b', 'b', 'missing']))).toBe(1);
        expect(await db.transaction((tx) => deleteRecords(tx, connection, 'Issue', ['b']))).toBe(0);
        // c was saved again unchanged during the run (not rewritten): kept.
        expect(await deleteUnseen(db, connection, 'Issue', since, ['c'])).toEqual([]);
        const page = await listRecords(db, { connectionId: connection, model: 'Issue', limit: 10 });
        const byId = new Map(page.records.map((r) => [r['id'], r as Record<string, any>]));
        expect(byId.get('a')).toMatchObject({ title: 'A', state: 'closed', _nango_metadata: { last_action: 'UPDATED' } });
        expect(byId.get('b')!._nango_metadata.last_action).toBe('DELETED');
        expect(byId.has('zz')).toBe(false);
        expect(await deleteUnseen(db, connection, 'Issue', new Date(Date.now() + 1000), ['a'])).toEqual(['c']);
    });

    it('keeps runs with a bound on their logs, and fails the ones a stopped server left running', async () => {
        const logs = Array.from({ length: MAX_RUN_LOGS + 20 }, (_, i) => ({ level: 'info' as const, message: i === 0 ? 'x'.repeat(5000) : `line ${i}`, time: new Date().toISOString() }));
        const id = await startRun(db, { type: 'sync', name: 'issues', provider_config_key: 'gh', connection_id: 'c1', mode: 'FULL' });
        await finishRun(db, id, { status: 'SUCCESS', durationMs: 12, result: { Issue: { added: 1, updated: 0, deleted: 0 } }, logs, logsDropped: 3 });
        const run = (await getRun(db, id))!;
        expect(run).toMatchObject({ status: 'SUCCESS', duration_ms: 12, result: { Issue: { added: 1, updated: 0, deleted: 0 } }, logs_dropped: 23 });
        expect(run.logs).toHaveLength(MAX_RUN_LOGS);
        expect(run.logs[0]!.message.length).toBeLessThan(2100);

        const left = await startRun(db, { type: 'action', name: 'create', provider_config_key: 'gh', connection_id: 'c2' });
        expect(await failInterruptedRuns(db)).toBe(1);
        expect(await getRun(db, left)).toMatchObject({ status: 'ERROR', error: { type: 'interrupted' } });
        expect((await listRuns(db, { limit: 10, connection: 'c2' })).map((r) => r.id)).toEqual([left]);
        expect((await listRuns(db, { limit: 10, after: id })).map((r) => r.id)).toEqual([left]);
    });
});
