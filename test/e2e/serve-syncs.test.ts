/**
 * Deployed syncs on `ferry serve`: a sync starts on its own when a connection is created, its
 * records are served by GET /records with Nango's metadata, POST /sync/trigger runs it again
 * (incremental, or full with opts.reset), pause/start move its schedule, GET /sync/status reports
 * it as Nango does, and a sync that throws, hangs or exhausts its memory fails alone while the
 * server answers. `ferry runs` and GET /runs show every run, with its logs and error. With
 * FERRY_TEST_SERVE_DATABASE (an empty PostgreSQL database) the server stores everything there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/http.js';
import type { ServeProcess } from '../support/serve.js';
import { localFerry, runLocal, serveFixtureProject } from '../support/serve-project.js';
import { waitFor } from '../support/wait.js';

describe('ferry serve: sync runs', () => {
    let root: string;
    let cleanup: () => Promise<void>;
    let serve: ServeProcess;
    let provider: TestServer;
    let app: TestServer;
    let items = [
        { id: '1', title: 'one' },
        { id: '2', title: 'two' }
    ];
    const ferry = (args: string[]) => localFerry(root)(args);
    const scope = { 'connection-id': 'c1', 'provider-config-key': 'fake' };
    const runsOf = async (name: string) => (await serve.api('GET', `/runs?name=${name}&limit=100`)).body.runs as Record<string, any>[];
    const finished = (name: string, count: number) =>
        waitFor(
            `${count} finished run(s) of ${name}`,
            async () => {
                const runs = (await runsOf(name)).filter((run) => run.status !== 'RUNNING');
                return runs.length >= count ? runs : undefined;
            },
            60_000
        );
    const records = async () => (await serve.api('GET', '/records?model=Item', undefined, scope)).body.records as Record<string, any>[];

    beforeAll(async () => {
        provider = await startServer((req) => (req.path === '/items' && req.headers.authorization === 'Bearer tok-1' ? { body: { items } } : { status: 401, body: { error: 'bad token' } }));
        // .ci/run also runs this file on a fresh, empty PostgreSQL database.
        const database = process.env['FERRY_TEST_SERVE_DATABASE'];
        app = await startServer(() => ({ status: 200 }));
        const serveArgs = ['--run-timeout', '4', '--run-memory', '128', '--concurrency', '4', '--webhook-url', `${app.url}/hooks`, ...(database ? ['--database', database] : [])];
        ({ root, cleanup, serve } = await serveFixtureProject('serve-syncs', serveArgs));
        // Deployed before any connection: nothing runs until one is created.
        await runLocal(root, [
            ['integrations', 'create', 'fake', '--provider', 'github', '--base-url', provider.url],
            ['deploy', '--auto-confirm']
        ]);
    }, 180_000);
    afterAll(async () => {
        await serve?.stop();
        await provider?.close();
        await app?.close();
        await cleanup?.();
    });

    it('starts every sync when a connection is created; records carry Nango metadata; status as Nango', async () => {
        expect((await runsOf('items')).length).toBe(0);
        const created = await ferry(['connections', 'create', 'fake', 'c1', '--token', 'tok-1']);
        expect(created.code, created.stderr).toBe(0);
        const [run] = await finished('items', 1);
        expect(run).toMatchObject({ type: 'sync', name: 'items', provider_config_key: 'fake', connection_id: 'c1', mode: 'FULL', status: 'SUCCESS', result: { Item: { added: 2, updated: 0, deleted: 0 } } });
        const saved = await records();
        expect(saved.map((r) => [r.id, r.title])).toEqual([
            ['1', 'one'],
            ['2', 'two']
        ]);
        expect(saved[0]!._nango_metadata).toMatchObject({ last_action: 'ADDED', deleted_at: null });
        expect(saved[0]!._nango_metadata.first_seen_at).toBe(saved[0]!._nango_metadata.last_modified_at);
        expect(typeof saved[0]!._nango_metadata.cursor).toBe('string');

        const status = await serve.api('GET', '/sync/status?provider_config_key=fake&syncs=items&connection_id=c1');
        expect(status.status).toBe(200);
        const [sync] = status.body.syncs;
        expect(sync).toMatchObject({ name: 'items', variant: 'base', connection_id: 'c1', status: 'SUCCESS', type: 'INITIAL', frequency: 'every hour', latestResult: { Item: { added: 2, updated: 0, deleted: 0 } }, latestExecutionStatus: 'SUCCESS', recordCount: { Item: 2 }, checkpoint: { runs: 1 } });
        const next = Date.parse(sync.nextScheduledSyncAt) - Date.now();
        expect(next).toBeGreaterThan(50 * 60_000);
        expect(next).toBeLessThanOrEqual(60 * 60_000);
        const connection = await serve.api('GET', '/connections/c1?provider_config_key=fake');
        expect(connection.body.metadata).toEqual({ seen: 2 });
        // The app hears of the records, as from Nango.
        const hook = await waitFor('the sync webhook', () => app.requests.map((r) => r.json<Record<string, any>>()).find((b) => b['type'] === 'sync' && b['syncName'] === 'items'));
        expect(hook).toMatchObject({ from: 'nango', connectionId: 'c1', providerConfigKey: 'fake', model: 'Item', syncType: 'INITIAL', success: true, responseResults: { added: 2, updated: 0, deleted: 0 } });
    });

    it('POST /sync/trigger runs it again from the last run: changes counted, deletions tracked, unchanged records untouched', async () => {
        const before = await records();
        items = [
            { id: '1', title: 'one' },
            { id: '3', title: 'three' },
            { id: '4', title: 'four' }
        ];
        items[0] = { id: '1', title: 'one, renamed' };
        const answer = await serve.api('POST', '/sync/trigger', { syncs: ['items'], provider_config_key: 'fake', connection_id: 'c1' });
        expect(answer).toMatchObject({ status: 200, body: { success: true } });
        const [run] = await finished('items', 2);
        expect(run).toMatchObject({ mode: 'INCREMENTAL', status: 'SUCCESS', result: { Item: { added: 2, updated: 1, deleted: 1 } } });
        const detail = await serve.api('GET', `/runs/${run!.id}`);
        expect(detail.body.logs.map((l: { message: string }) => l.message)).toEqual(expect.arrayContaining(['start incremental checkpoint={"runs":1}', 'byIds=1,3 listed=3 deleted=2']));

        const after = await records();
        const byId = new Map(after.map((r) => [r.id, r]));
        expect([...byId.keys()].sort()).toEqual(['1', '2', '3', '4']);
        expect(byId.get('2')!._nango_metadata).toMatchObject({ last_action: 'DELETED' });
        expect(byId.get('2')!._nango_metadata.deleted_at).not.toBeNull();
        expect(byId.get('1')).toMatchObject({ title: 'one, renamed', _nango_metadata: { last_action: 'UPDATED', first_seen_at: before[0]!._nango_metadata.first_seen_at } });
        expect(byId.get('3')!._nango_metadata.last_action).toBe('ADDED');

        // Nothing changed at the provider: a run that rewrites nothing.
        await serve.api('POST', '/sync/trigger', { syncs: ['items'] }, scope);
        const [third] = await finished('items', 3);
        expect(third!.result).toEqual({ Item: { added: 0, updated: 0, deleted: 0 } });
        const again = await records();
        expect(again.find((r) => r.id === '3')!._nango_metadata.last_modified_at).toBe(byId.get('3')!._nango_metadata.last_modified_at);
    });

    it('opts.reset runs it in full (no last sync date, no checkpoint); emptyCache removes the records first', async () => {
        const answer = await serve.api('POST', '/sync/trigger', { syncs: ['items'], provider_config_key: 'fake', connection_id: 'c1', opts: { reset: true, emptyCache: true } });
        expect(answer.status).toBe(200);
        const [run] = await finished('items', 4);
        expect(run).toMatchObject({ mode: 'FULL', status: 'SUCCESS', result: { Item: { added: 3, updated: 0, deleted: 0 } } });
        expect((await serve.api('GET', `/runs/${run!.id}`)).body.logs.map((l: { message: string }) => l.message)).toContain('start full checkpoint=null');
        expect((await records()).map((r) => r.id).sort()).toEqual(['1', '3', '4']);
    });

    it("answers Nango's errors for a trigger it cannot act on", async () => {
        expect(await serve.api('POST', '/sync/trigger', { syncs: ['items'] })).toMatchObject({ status: 400, body: { error: { code: 'missing_provider_config_key' } } });
        expect(await serve.api('POST', '/sync/trigger', { syncs: ['nope'], provider_config_key: 'fake', connection_id: 'c1' })).toMatchObject({ status: 400, body: { error: { code: 'no_syncs_found' } } });
        expect(await serve.api('POST', '/sync/trigger', { syncs: ['items'], provider_config_key: 'nope' })).toMatchObject({ status: 400, body: { error: { code: 'unknown_provider_config' } } });
        expect(await serve.api('POST', '/sync/trigger', { syncs: ['items'], provider_config_key: 'fake', opts: { reset: true }, full_resync: true })).toMatchObject({ status: 400, body: { error: { code: 'invalid_body' } } });
        expect(await serve.api('POST', '/sync/trigger', { syncs: 'items', provider_config_key: 'fake' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_body' } } });
    });

    it('pause stops the schedule and start resumes it', async () => {
        const status = async () => (await serve.api('GET', '/sync/status?provider_config_key=fake&syncs=items&connection_id=c1')).body.syncs[0];
        expect(await serve.api('POST', '/sync/pause', { syncs: ['items'], provider_config_key: 'fake', connection_id: 'c1' })).toMatchObject({ status: 200, body: { success: true } });
        expect(await status()).toMatchObject({ status: 'PAUSED', nextScheduledSyncAt: null });
        expect(await serve.api('POST', '/sync/start', { syncs: ['items'], provider_config_key: 'fake' })).toMatchObject({ status: 200, body: { success: true } });
        const resumed = await status();
        expect(resumed.status).toBe('SUCCESS');
        expect(Date.parse(resumed.nextScheduledSyncAt)).toBeGreaterThan(Date.now());
        // All the integration's syncs on every connection.
        const all = await serve.api('GET', '/sync/status?provider_config_key=fake&syncs=*');
        expect(all.body.syncs.map((s: { name: string }) => s.name).sort()).toEqual(['crashes', 'hangs', 'hogs', 'items']);
    });

    it('a sync that throws, hangs or exhausts its memory fails alone; the server keeps answering', async () => {
        const [crash] = await finished('crashes', 1);
        expect(crash).toMatchObject({ status: 'ERROR', error: { type: 'exception' } });
        const failure = await waitFor('the failed sync webhook', () => app.requests.map((r) => r.json<Record<string, any>>()).find((b) => b['type'] === 'sync' && b['syncName'] === 'crashes'));
        expect(failure).toMatchObject({ success: false, model: 'Crashes', error: { type: 'script_error' } });
        expect(crash!.error.message).toContain('the crash of crashes');
        const [hang] = await finished('hangs', 1);
        expect(hang).toMatchObject({ status: 'ERROR', error: { type: 'timeout' } });
        const [hog] = await finished('hogs', 1);
        expect(hog).toMatchObject({ status: 'ERROR', error: { type: 'out_of_memory', message: expect.stringContaining('ran out of memory') } });
        const status = (await serve.api('GET', '/sync/status?provider_config_key=fake&syncs=crashes,hangs&connection_id=c1')).body.syncs;
        expect(status.map((s: { status: string }) => s.status)).toEqual(['ERROR', 'ERROR']);
        expect((await serve.api('GET', '/health')).status).toBe(200);
        // A run of a healthy sync still works after them.
        await serve.api('POST', '/sync/trigger', { syncs: ['items'], provider_config_key: 'fake', connection_id: 'c1' });
        const runs = await finished('items', 5);
        expect(runs[0]!.status).toBe('SUCCESS');
        expect(serve.child.exitCode).toBeNull();
    });

    it('ferry runs lists the runs and ferry runs show prints one run with its logs and error', async () => {
        const list = await ferry(['runs', '--json', '--limit', '100']);
        expect(list.code, list.stderr).toBe(0);
        const runs = JSON.parse(list.stdout).runs as Record<string, any>[];
        expect(runs.some((run) => run.name === 'items' && run.status === 'SUCCESS')).toBe(true);
        const text = await ferry(['runs', '--integration', 'fake']);
        expect(text.code, text.stderr).toBe(0);
        expect(text.stdout).toMatch(/\tERROR\tsync crashes\tfake\/c1\t/);
        expect(text.stdout).toMatch(/\tSUCCESS\tsync items\tfake\/c1\t.*\t\+3 ~0 -0\t/);

        const crash = runs.find((run) => run.name === 'crashes')!;
        const shown = await ferry(['runs', 'show', String(crash.id)]);
        expect(shown.code, shown.stderr).toBe(0);
        expect(shown.stdout).toContain(`Run ${crash.id}: sync crashes on fake/c1`);
        expect(shown.stdout).toContain('Error (exception): ');
        expect(shown.stdout).toContain('the crash of crashes');
        expect(shown.stdout).toMatch(/info crashes starts/);

        const missing = await ferry(['runs', 'show', '999999']);
        expect(missing.code).not.toBe(0);
        expect(missing.stderr).toContain('No run 999999');
    });
});
