// The nango members beyond proxy and records, run in the worker as a function sees them: locks,
// field mappings, triggers, input validation, uncontrolledFetch, the records cache of a replay,
// pagination's on_page, logging levels, and Nango's record helpers.
import { describe, expect, it } from 'vitest';
import { runFunction } from '../../src/runtime/run.js';
import { apiSection } from '../../src/dryrun/save.js';
import { ReplayTransport } from '../../src/testing/replay-transport.js';
import { replay } from '../../src/testing/replay.js';
import { createReplayRecords } from '../../src/testing/replay-records.js';
import { fakeTransport, json, useRuntimeProject } from './runtime-support.js';

const action = (name: string, body: string, input = 'z.void()'): [string, string] => [
    `github/actions/${name}.ts`,
    `import { createAction } from 'nango';\nimport { z } from 'zod';\nexport default createAction({ description: '${name}', input: ${input}, output: z.any(), exec: async (nango: any, input: any) => { ${body} } });\n`
];
const sync = (name: string, body: string): [string, string] => [
    `github/syncs/${name}.ts`,
    `import { createSync } from 'nango';\nimport { z } from 'zod';\nexport default createSync({ description: '${name}', frequency: 'every hour', models: { Item: z.object({ id: z.string(), n: z.number().optional() }), Seen: z.object({ id: z.string(), value: z.any() }) }, exec: async (nango: any) => { ${body} } });\n`
];

const FILES = Object.fromEntries([
    action(
        'locks',
        `const a = await nango.tryAcquireLock({ key: 'k', ttlMs: 60000 });
         const b = await nango.tryAcquireLock({ key: 'k', ttlMs: 60000 });
         const other = await nango.tryAcquireLock({ key: 'other', ttlMs: 1 });
         await new Promise((r) => setTimeout(r, 20));
         const expired = await nango.tryAcquireLock({ key: 'other', ttlMs: 60000 });
         const released = await nango.releaseLock({ key: 'k' });
         const releasedAgain = await nango.releaseLock({ key: 'k' });
         const c = await nango.tryAcquireLock({ key: 'k', ttlMs: 60000 });
         await nango.releaseAllLocks();
         const d = await nango.tryAcquireLock({ key: 'k', ttlMs: 60000 });
         return { a, b, other, expired, released, releasedAgain, c, d };`
    ),
    action(
        'field-mapping',
        `const before = await nango.getFieldMapping();
         const res = await nango.setFieldMapping({ fieldMapping: { title: 'name' } });
         return { before, after: await nango.getFieldMapping(), metadata: await nango.getMetadata(), status: res.status, connection: (await nango.getConnection()).metadata };`
    ),
    action(
        'triggers',
        `const a = await nango.triggerAction('github', 'c2', 'other', { x: 1 });
         const s = await nango.triggerSync('github', 'c2', { name: 'issues', variant: 'v1' }, 'full_refresh');
         await nango.startSync('github', ['issues'], 'c2');
         return { a: a === undefined, s: s === undefined, variant: nango.getVariant(), isCLI: nango.isCLI, scriptType: nango.scriptType, environment: nango.environmentName };`
    ),
    action(
        'validate-input',
        `const ok = await nango.zodValidateInput({ zodSchema: z.object({ n: z.number() }), input: { n: 1 } });
         await nango.zodValidateInput({ zodSchema: z.object({ n: z.number() }), input: { n: 'x' } });
         return ok;`
    ),
    action(
        'fetch',
        `const res = await nango.uncontrolledFetch({ url: new URL('https://files.example.com/report.json?day=1'), headers: { 'x-trace': 't' } });
         const data = await res.json();
         return { status: res.status, ok: res.ok, type: res.headers.get('content-type'), data, isArray: data.rows instanceof Array, url: res.url };`
    ),
    action(
        'helpers',
        `const config = nango.getProxyConfig({ endpoint: '/x', headers: { a: '1' } });
         let client = '';
         try { await nango.nango.listConnections(); } catch (e: any) { client = e.message; }
         let flow = '';
         try { nango.getFlowAttributes(); } catch (e: any) { flow = e.message; }
         await nango.log('shown', { level: 'warn', extra: true });
         nango.setLogger({ level: 'off' });
         nango.setLogger({ level: 'debug' });
         await nango.log('hidden', { level: 'error' });
         return { config, client, flow };`
    ),
    action('echo', `return input;`, 'z.object({ n: z.number() })'),
    action('params', `await nango.get({ endpoint: '/search', params: { tags: ['a', 'b'], since: undefined, n: 2, empty: null }, forwardHeadersOnRedirect: true }); return null;`),
    sync(
        'records',
        `await nango.batchSave([{ id: 'a', n: 1 }, { id: 'b', n: 1 }, { id: 'a', n: 2 }], 'Item');
         await nango.batchUpdate([{ id: 'b', n: 5 }], 'Item');
         await nango.batchDelete([{ id: 'a' }], 'Item');
         const byId = await nango.getRecordsByIds(['b', 'missing'], 'Item');
         const listed = [];
         for await (const record of nango.listRecords('Item')) listed.push(record);
         const listedSummary = listed.map((r: any) => [r.id, r.n ?? null, r._nango_metadata.last_action]);
         // In place, as Nango does: the records read back lose their bookkeeping.
         const again = nango.removeMetadata(listed.slice());
         await nango.batchSend(again.filter((r: any) => r.id === 'b'), 'Item');
         const invalid = nango.validateRecords('Item', [{ id: 'x', n: 'bad' }, { id: 'y' }]);
         const ended = await nango.trackDeletesEnd('Item');
         await nango.batchSave([
             { id: 'byId', value: [...byId.entries()].map(([k, v]: any) => [k, v.n, v._nango_metadata.last_action]) },
             { id: 'listed', value: listedSummary },
             { id: 'stripped', value: listed.every((r: any) => !('_nango_metadata' in r)) },
             { id: 'invalid', value: invalid.map((e: any) => [e.data.id, e.validation[0].instancePath]) },
             { id: 'flow', value: [nango.getFlowAttributes(), ended, nango.modelFullName('Item'), nango.syncJobId] }
         ], 'Seen');`
    ),
    sync(
        'on-page',
        `const seen: unknown[] = [];
         for await (const page of nango.paginate({ endpoint: '/items', paginate: { type: 'cursor', cursor_name_in_request: 'after', cursor_path_in_response: 'next', response_path: 'items', on_page: async ({ nextPageParam, response }: any) => { seen.push([nextPageParam, response.status]); } } })) {
             await nango.batchSave(page, 'Item');
         }
         await nango.batchSave([{ id: 'pages', value: seen }], 'Seen');`
    )
]);

const project = useRuntimeProject('ferry-runtime-sdk-', FILES);
const seen = (result: { saved?: Record<string, unknown[]> }): Record<string, unknown> =>
    Object.fromEntries((result.saved?.['Seen'] ?? []).map((r) => [(r as { id: string }).id, (r as { value: unknown }).value]));

describe('the nango object beyond proxy and records', () => {
    it('holds a lock until it is released, expires or all are released', async () => {
        const result = await project.run('github/locks');
        expect(result.error).toBeUndefined();
        expect(result.output).toEqual({ a: true, b: false, other: true, expired: true, released: true, releasedAgain: false, c: true, d: true });
    });

    it("keeps field mappings in the metadata, as Nango does, and reports the write", async () => {
        const result = await project.run('github/field-mapping', { metadata: { owner: 'o' } });
        expect(result.output).toEqual({ before: {}, after: { title: 'name' }, metadata: { fieldMapping: { title: 'name' } }, status: 200, connection: { fieldMapping: { title: 'name' } } });
        expect(result.writes).toEqual([{ kind: 'setFieldMapping', args: { fieldMapping: { title: 'name' } } }]);
        expect(result.logs.map((l) => l.message)).toEqual([
            'getFieldMapping is deprecated. Please use getMetadata instead.',
            'setFieldMapping is deprecated. Please use setMetadata instead.',
            'getFieldMapping is deprecated. Please use getMetadata instead.'
        ]);
    });

    it('reports triggerAction, triggerSync and startSync without sending them', async () => {
        const result = await project.run('github/triggers', { variant: 'v2', environment: 'prod' });
        expect(result.output).toEqual({ a: true, s: true, variant: 'v2', isCLI: true, scriptType: 'action', environment: 'prod' });
        expect(result.writes).toEqual([
            { kind: 'triggerAction', args: { providerConfigKey: 'github', connectionId: 'c2', action: 'other', input: { x: 1 } } },
            { kind: 'triggerSync', args: { providerConfigKey: 'github', connectionId: 'c2', sync: 'issues', variant: 'v1', syncMode: 'full_refresh' } },
            { kind: 'startSync', args: { providerConfigKey: 'github', syncs: ['issues'], connectionId: 'c2' } }
        ]);
        expect(result.requests).toEqual([]);
    });

    it('fails an invalid input with an ActionError after logging each issue', async () => {
        const result = await project.run('github/validate-input');
        expect(result.error?.kind).toBe('action_error');
        expect(result.actionError).toEqual({ message: 'Invalid input provided' });
        expect(result.logs).toEqual([expect.objectContaining({ level: 'error', message: expect.stringMatching(/^Invalid input provided: .* at path n$/) })]);
    });

    it('sends uncontrolledFetch through the fetch transport, once, and answers with a Response', async () => {
        const transport = fakeTransport(() => json({ rows: [1, 2] }));
        const result = await project.run('github/fetch', { fetchTransport: transport, recordExchanges: true });
        expect(result.error).toBeUndefined();
        expect(result.output).toEqual({ status: 200, ok: true, type: 'application/json', data: { rows: [1, 2] }, isArray: true, url: 'https://files.example.com/report.json?day=1' });
        expect(transport.sent).toEqual([{ method: 'GET', endpoint: 'https://files.example.com/report.json?day=1', headers: { 'x-trace': 't' }, responseType: 'arraybuffer' }]);
        expect(result.requests.map((r) => [r.method, r.endpoint, r.status])).toEqual([['GET', 'https://files.example.com/report.json?day=1', 200]]);
        expect(result.exchanges).toHaveLength(1);
        // What --save writes for it replays: the URL is the endpoint of its api entry.
        const api = apiSection(result.exchanges!);
        expect(Object.keys(api['get'] ?? {})).toEqual(['https://files.example.com/report.json?day=1']);
        const replayed = await project.run('github/fetch', { fetchTransport: new ReplayTransport({ api }) });
        expect(replayed.output).toEqual(result.output);
        const without = await project.run('github/fetch');
        expect(without.error?.message).toContain('nango.uncontrolledFetch() is not available in this run');
    });

    it("gives getProxyConfig, Nango's logging rules, and no platform client", async () => {
        const result = await project.run('github/helpers');
        const output = result.output as { config: Record<string, unknown>; client: string; flow: string };
        expect(output.config).toEqual({ method: 'GET', endpoint: '/x', providerConfigKey: 'github', headers: { a: '1', 'user-agent': 'ferry-dryrun' } });
        expect(output.client).toContain('not available to functions run by Ferry');
        expect(output.flow).toBe('There is no current sync to get attributes from');
        expect(result.logs.map((l) => [l.level, l.message])).toEqual([['warn', 'shown']]);
    });

    it("sends params as Nango's client puts them in the URL", async () => {
        const transport = fakeTransport(() => json({}));
        await project.run('github/params', { transport });
        expect(transport.sent[0]).toMatchObject({ params: { tags: 'a,b', since: 'undefined', n: 2, empty: 'null' }, forwardHeadersOnRedirect: true });
    });

    it('calls on_page after each page with the next cursor and the response', async () => {
        const transport = fakeTransport((request) => (request.params?.['after'] ? json({ items: [{ id: '2' }], next: '' }) : json({ items: [{ id: '1' }], next: 'c2' })));
        const result = await project.run('github/on-page', { transport, keepRecords: true });
        expect(result.error).toBeUndefined();
        expect(seen(result)['pages']).toEqual([
            ['c2', 200],
            [null, 200]
        ]);
    });
});

describe('records in a replay', () => {
    it('gives an action its recorded input even when the schema refuses it, with a note', async () => {
        const bundle = project.bundles['github/echo']!;
        const outcome = await replay({ ...bundle, fixture: { input: { n: 'x' }, output: { n: 'x' } } as never, fixturePath: 'github/tests/echo.test.json', sandbox: project.sandbox }, runFunction);
        expect(outcome.failures).toEqual([]);
        expect(outcome.notes).toEqual([expect.stringMatching(/^the recorded input does not match the input schema \(n: .*\); the function was given it as recorded$/)]);
        // A dry run still refuses it before any provider call, as the platform would.
        const live = await project.run('github/echo', { input: { n: 'x' } });
        expect(live.error?.kind).toBe('validation');
    });

    it('reads back what the run saved, updated and deleted, with the cache bookkeeping', async () => {
        const records = createReplayRecords(() => new Date('2026-01-01T00:00:00Z'));
        const bundle = project.bundles['github/records']!;
        const result = await runFunction({
            ...bundle,
            connection: { connection_id: 'c', provider_config_key: 'github', provider: 'github', metadata: null },
            provider: null,
            sandbox: project.sandbox,
            transport: fakeTransport(() => undefined),
            backend: records.backend,
            recordSink: records.sink,
            keepRecords: true
        });
        expect(result.error).toBeUndefined();
        const out = seen(result);
        expect(out['byId']).toEqual([['b', 5, 'UPDATED']]);
        // batchSave kept the last 'a' of the batch, after 'b' (Nango's order); the delete marks it, listRecords still lists it.
        expect(out['listed']).toEqual([
            ['b', 5, 'UPDATED'],
            ['a', 2, 'DELETED']
        ]);
        expect(out['stripped']).toBe(true);
        expect(out['invalid']).toEqual([['x', '/n']]);
        expect(out['flow']).toEqual([{}, { deletedKeys: [] }, 'Item', 1]);
        expect(result.records['Item']).toMatchObject({ saved: 3, updated: 1, deleted: 1 });
        expect(result.writes).toEqual([{ kind: 'trackDeletes', args: { model: 'Item' } }]);
    });

    it('replays uncontrolledFetch from the fixture and fails an unrecorded one', async () => {
        const bundle = project.bundles['github/fetch']!;
        const job = (api: Record<string, unknown>) => ({ ...bundle, fixture: { input: null, output: { status: 200, ok: true, type: 'application/json', data: { rows: [3] }, isArray: true, url: 'https://files.example.com/report.json?day=1' }, api } as never, fixturePath: 'github/tests/fetch.test.json', sandbox: project.sandbox });
        const recorded = await replay(job({ get: { 'https://files.example.com/report.json': { request: { params: { day: '1' } }, headers: { 'content-type': 'application/json' }, response: { rows: [3] } } } }), runFunction);
        expect(recorded.failures).toEqual([]);
        const missing = await replay(job({}), runFunction);
        expect(missing.failures[0]?.message).toContain('unrecorded request GET /https://files.example.com/report.json');
    });
});
