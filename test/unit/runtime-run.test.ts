// runFunction end to end inside the worker, with fake transports and a fake clock (no HTTP, no waiting).
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/cli.js';
import { createSandbox, createSandboxPool, runFunction } from '../../src/runtime/run.js';
import { LOCKED_DOWN } from '../../src/runtime/lockdown.js';
import type { ProviderDefaults, RecordEvent, RunEvent } from '../../src/runtime/run-types.js';
import { connection, fakeClock, fakeTransport, json, useRuntimeProject } from './runtime-support.js';

const ISSUE_MODEL = `z.object({ id: z.string(), title: z.string(), state: z.enum(['open', 'closed']).optional() })`;

const FILES: Record<string, string> = {
    'github/actions/create-issue.ts': `
import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({
    description: 'create',
    input: z.object({ title: z.string() }),
    output: z.object({ id: z.number(), url: z.string() }),
    exec: async (nango, input) => {
        const res = await nango.post({ endpoint: '/repos/octo/hello/issues', data: { title: input.title }, headers: { 'X-Trace': 't1', Authorization: 'Bearer leak' } });
        return { id: res.data.number, url: res.data.html_url };
    }
});
`,
    'github/actions/fetch.ts': `
import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({
    description: 'GET with the retry settings from the input',
    input: z.object({ endpoint: z.string(), retries: z.number().optional(), retryOn: z.array(z.number()).optional() }),
    output: z.any(),
    exec: async (nango, input) => {
        const res = await nango.get({ endpoint: input.endpoint, retries: input.retries, retryOn: input.retryOn });
        return { status: res.status, data: res.data };
    }
});
`,
    'github/actions/catches.ts': `
import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({
    description: 'an http error caught by the function',
    input: z.void(), output: z.any(),
    exec: async (nango) => {
        try { await nango.get({ endpoint: '/missing' }); return 'no error'; }
        catch (e: any) { return { isError: e instanceof Error, status: e.response.status, body: e.response.data, code: e.code }; }
    }
});
`,
    'github/actions/fails-http.ts': `
import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({ description: 'uncaught 404', input: z.void(), output: z.any(), exec: async (nango) => { await nango.get({ endpoint: '/missing' }); } });
`,
    'github/actions/not-found.ts': `
import { createAction, ActionError } from 'nango';
import { z } from 'zod';
export default createAction({
    description: 'ActionError',
    input: z.object({ shim: z.boolean() }), output: z.void(),
    exec: async (nango, input) => {
        if (input.shim) throw new ActionError({ code: 'not_found', message: 'no such repo' });
        throw new nango.ActionError({ code: 'gone' });
    }
});
`,
    'github/actions/boom.ts': `
import { createAction } from 'nango';
import { z } from 'zod';

function explode(what: string): never {
    throw new Error('boom: ' + what);
}

export default createAction({
    description: 'throws',
    input: z.void(), output: z.void(),
    exec: async () => {
        explode('here');
    }
});
`,
    'github/actions/hang.ts': `
import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({ description: 'loops', input: z.object({ sync: z.boolean() }), output: z.void(), exec: async (_n, input) => {
    if (input.sync) { for (;;) {} }
    await new Promise(() => {});
} });
`,
    'github/actions/env.ts': `
import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({ description: 'reads env', input: z.void(), output: z.any(), exec: async (nango) => {
    let escaped: unknown = 'n/a';
    try { escaped = (({}).constructor.constructor('return process')()).env.FERRY_RUNTIME_TEST_SECRET; } catch (e) { escaped = 'threw'; }
    // Through a host function, the worker's own process: its env is empty too.
    const hostEnv = (nango.getMetadata as any).constructor.constructor('return process')().env;
    let fs = 'loaded';
    const fsName = ['node', 'fs'].join(':');
    try { require(fsName); } catch (e: any) { fs = e.message; }
    if (typeof crypto.randomUUID() !== 'string' || typeof performance.now() !== 'number') throw new Error('globals missing');
    if (typeof (globalThis as any).fetch !== 'undefined') throw new Error('fetch must go through nango');
    // What the worker's own process still offers code that climbed out of the context.
    const HostFunction = (nango as any).constructor.constructor;
    const hostProcess = HostFunction('return process')();
    if (typeof hostProcess.pid !== 'number' || hostProcess === process) throw new Error('not the worker process');
    const hostGlobal = HostFunction('return globalThis')();
    const hostCapabilities = [
        ...${JSON.stringify(LOCKED_DOWN.process)}.filter((name) => hostProcess[name] !== undefined),
        ...${JSON.stringify(LOCKED_DOWN.globals)}.filter((name) => hostGlobal[name] !== undefined)
    ];
    // Patching the realm's MessagePort must not hand the function Ferry's own port.
    const HostMessagePort = hostGlobal.MessagePort;
    const originalPost = HostMessagePort.prototype.postMessage;
    let portCaptured = false;
    HostMessagePort.prototype.postMessage = function (this: unknown, ...args: unknown[]) { portCaptured = true; return originalPost.apply(this, args); };
    await nango.log('probe');
    HostMessagePort.prototype.postMessage = originalPost;
    let hostImport = 'loaded';
    try { await HostFunction('return import("node:fs")')(); } catch (e: any) { hostImport = e.code ?? e.message; }
    let ownImport = 'loaded';
    try { await (Function('return import("node:fs")') as any)(); } catch (e: any) { ownImport = e.code ?? e.message; }
    let overwrite = 'kept out';
    try { hostProcess.getBuiltinModule = () => 'fs'; if (hostProcess.getBuiltinModule) overwrite = 'replaced'; } catch { overwrite = 'kept out'; }
    return { keys: Object.keys(process.env), secret: process.env.FERRY_RUNTIME_TEST_SECRET ?? null, escaped: escaped ?? null, hostEnv: Object.keys(hostEnv), fs, crypto: typeof require('node:crypto').createHash, hostCapabilities, hostImport, ownImport, overwrite, portCaptured };
} });
`,
    'github/actions/writes.ts': `
import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({ description: 'would-be writes', input: z.void(), output: z.any(), exec: async (nango) => {
    const before = await nango.getMetadata();
    await nango.setMetadata({ owner: 'new', repo: 'r' });
    await nango.updateMetadata({ repo: 'r2' });
    const after = await nango.getMetadata();
    await nango.triggerAction('github', 'conn-2', 'other', { a: 1 });
    const conn = await nango.getConnection();
    await nango.log('done', { n: 1 }, { level: 'warn' });
    console.log('from console');
    return { before, after, hasCredentials: 'credentials' in conn, connectionId: nango.connectionId, variant: (nango as any).variant };
} });
`,
    'github/syncs/issues.ts': `
import { createSync } from 'nango';
import { z } from 'zod';
export default createSync({
    description: 'issues', frequency: 'every hour',
    models: { Issue: ${ISSUE_MODEL} },
    checkpoint: z.object({ since: z.string() }),
    exec: async (nango) => {
        const cp = await nango.getCheckpoint();
        await nango.log('since', cp?.since ?? 'start');
        for await (const page of nango.paginate({ endpoint: '/repos/octo/hello/issues', params: { since: cp?.since }, paginate: { limit: 2 } })) {
            await nango.batchSave(page.map((i: any) => ({ id: String(i.id), title: i.title })), 'Issue');
        }
        await nango.saveCheckpoint({ since: 'page-3' });
        if (nango.lastSyncDate) await nango.log('last', nango.lastSyncDate instanceof Date, nango.lastSyncDate.toISOString());
    }
});
`,
    'github/syncs/cursor.ts': `
import { createSync } from 'nango';
import { z } from 'zod';
export default createSync({
    description: 'cursor', frequency: 'every hour',
    models: { Item: z.object({ id: z.string() }) },
    exec: async (nango) => {
        for await (const page of nango.paginate({ endpoint: '/items', paginate: { type: 'cursor', cursor_path_in_response: 'meta.next', cursor_name_in_request: 'after', response_path: 'items', limit: 2, limit_name_in_request: 'size' } })) {
            await nango.batchSave(page.map((i: any) => ({ id: i.id })), 'Item');
        }
    }
});
`,
    'github/syncs/offset.ts': `
import { createSync } from 'nango';
import { z } from 'zod';
export default createSync({
    description: 'offset', frequency: 'every hour',
    models: { Item: z.object({ id: z.string() }) },
    exec: async (nango) => {
        for await (const page of nango.paginate({ endpoint: '/items', method: 'POST', data: { q: 'x' }, paginate: { type: 'offset', offset_name_in_request: 'offset', limit: 2, limit_name_in_request: 'limit', response_path: 'data.rows' } })) {
            await nango.batchSave(page, 'Item');
        }
    }
});
`,
    'github/syncs/body-link.ts': `
import { createSync } from 'nango';
import { z } from 'zod';
export default createSync({
    description: 'link in body', frequency: 'every hour',
    models: { Item: z.object({ id: z.string() }) },
    exec: async (nango) => {
        for await (const page of nango.paginate({ endpoint: '/v2/items', baseUrlOverride: 'https://api.example.com/v2', paginate: { type: 'link', link_path_in_response_body: 'next', response_path: 'results' } })) {
            await nango.batchSave(page, 'Item');
        }
    }
});
`,
    'github/syncs/records.ts': `
import { createSync } from 'nango';
import { z } from 'zod';
export default createSync({
    description: 'records', frequency: 'every hour',
    models: { Issue: ${ISSUE_MODEL} },
    exec: async (nango) => {
        await nango.batchSave([{ id: '1', title: 'one' }, { id: '2', title: 'two' }], 'Issue');
        await nango.batchSave([{ id: '3', title: 'three' }, { id: '1', title: 'one again' }], 'Issue');
        await nango.batchSave([{ id: '4', title: 44 as any }, { id: '5', title: 'five', state: 'weird' as any }], 'Issue');
        await nango.batchUpdate([{ id: '2', state: 'closed' }], 'Issue');
        await nango.batchDelete([{ id: '3' }], 'Issue');
        await nango.trackDeletesStart('Issue');
        await nango.trackDeletesEnd('Issue');
        await nango.log('after batches');
    }
});
`,
    'github/syncs/many.ts': `
import { createSync } from 'nango';
import { z } from 'zod';
export default createSync({
    description: 'many records', frequency: 'every hour',
    models: { Row: z.object({ id: z.string(), n: z.number() }) },
    exec: async (nango) => {
        const total = (await nango.getMetadata<{ total: number }>()).total;
        for (let start = 0; start < total; start += 1000) {
            const batch = [];
            for (let i = start; i < Math.min(total, start + 1000); i++) batch.push({ id: 'r' + i, n: i });
            await nango.batchSave(batch, 'Row');
        }
    }
});
`,
    'github/actions/leftover.ts': `
import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({ description: 'leaves work behind', input: z.void(), output: z.any(), exec: async (nango) => {
    void (async () => {
        for (;;) {
            await nango.get({ endpoint: '/leftover' });
            await new Promise((r) => setTimeout(r, 5));
        }
    })();
    return 'returned';
} });
`,
    'github/actions/late-throw.ts': `
import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({ description: 'throws in a timer', input: z.void(), output: z.void(), exec: async () => {
    setTimeout(() => { throw new Error('late'); }, 0);
    await new Promise((r) => setTimeout(r, 200));
} });
`,
    'github/actions/platform.ts': `
import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({ description: 'platform reads', input: z.void(), output: z.any(), exec: async (nango) => {
    const token = await nango.getToken();
    const env = await nango.getEnvironmentVariables();
    const integration = await nango.getIntegration();
    for (let i = 0; i < 5; i++) await nango.log('line', i);
    for (let i = 0; i < 1200; i++) await nango.log('bulk', i, { level: 'debug' });
    return { tokenLength: typeof token === 'string' ? token.length : -1, env, integration };
} });
`,
    'github/syncs/reads.ts': `
import { createSync } from 'nango';
import { z } from 'zod';
export default createSync({ description: 'record reads', frequency: 'every day', models: { Issue: z.object({ id: z.string() }) }, exec: async (nango) => {
    const byId = await nango.getRecordsByIds(['1'], 'Issue');
    await nango.log(byId instanceof Map, byId.get('1'));
    for await (const record of nango.listRecords('Issue')) await nango.log(record);
} });
`,
    'github/actions/top-level.ts': `
import { createAction } from 'nango';
import { z } from 'zod';

const config = JSON.parse('{not json');

export default createAction({ description: 'never loads', input: z.void(), output: z.any(), exec: async () => config });
`,
    'github/on-events/setup.ts': `
import { createOnEvent } from 'nango';
export default createOnEvent({ description: 'setup', event: 'post-connection-creation', exec: async (nango) => {
    await nango.log('hello from', nango.providerConfigKey, JSON.stringify(await nango.getCheckpoint()));
    await nango.clearCheckpoint();
} });
`
};

const github: ProviderDefaults = { name: 'github', baseUrl: 'https://api.github.com', paginate: { type: 'link', limit_name_in_request: 'per_page', link_rel_in_response_header: 'next' }, retry: { at: ['x-ratelimit-reset'], remaining: 'x-ratelimit-remaining', errorCodes: ['403', '5xx', '429'] } };
const project = useRuntimeProject('ferry-runtime-', FILES, { provider: github });
const { sandbox, run } = project;

beforeAll(() => {
    process.env['FERRY_RUNTIME_TEST_SECRET'] = 'do-not-read-me';
});

describe('actions', () => {
    it('validates the input, calls the provider and returns the output; exchanges have no credential header', async () => {
        const transport = fakeTransport((req) => (req.method === 'POST' ? json({ number: 7, html_url: 'https://x/7' }, 201, { 'set-cookie': 's=1' }) : undefined));
        const events: RunEvent[] = [];
        const result = await run('github/create-issue', { transport, input: { title: 'Hi' }, recordExchanges: true, onEvent: (e) => events.push(e) });
        expect(result).toMatchObject({ ok: true, type: 'action', output: { id: 7, url: 'https://x/7' }, validation: [] });
        expect(result.requests).toEqual([expect.objectContaining({ method: 'POST', endpoint: '/repos/octo/hello/issues', status: 201, attempts: 1 })]);
        expect(events.filter((e) => e.type === 'request')).toHaveLength(1);
        const exchange = result.exchanges![0]!;
        expect(exchange.request.headers).toEqual({ 'x-trace': 't1' });
        expect(exchange.response).toEqual({ status: 201, headers: { 'content-type': 'application/json' }, data: { number: 7, html_url: 'https://x/7' } });
        expect(JSON.stringify(result)).not.toContain('leak');
        expect(JSON.stringify(result)).not.toContain('gho_SECRET_TOKEN');
    });

    it('refuses to run an action whose input fails its schema, with or without validate', async () => {
        const transport = fakeTransport(() => json({ number: 1, html_url: 'u' }));
        for (const validate of [false, true]) {
            const refused = await run('github/create-issue', { transport, input: { title: 5 }, validate });
            expect(refused.ok).toBe(false);
            expect(refused.error).toEqual({
                kind: 'validation',
                message: 'the input does not match the action\'s input schema: input.title: Invalid input: expected string, received number; pass an input like {"title":"…"} (--input with dryrun, "input" in a test fixture)'
            });
            expect(refused.validation).toEqual([expect.objectContaining({ subject: 'input', path: 'title' })]);
        }
        expect(transport.sent).toHaveLength(0);
    });

    it('checks the output against the output schema', async () => {
        const transport = fakeTransport(() => json({ number: 'seven', html_url: 'u' }));
        const result = await run('github/create-issue', { transport, input: { title: 'x' }, validate: true });
        expect(result.error).toMatchObject({ kind: 'validation' });
        expect(result.validation[0]).toMatchObject({ subject: 'output', path: 'id' });
    });

    it('reports the payload of an ActionError from the shim or from nango.ActionError', async () => {
        const shim = await run('github/not-found', { input: { shim: true } });
        expect(shim).toMatchObject({ ok: false, actionError: { code: 'not_found', message: 'no such repo' }, error: { kind: 'action_error' } });
        const own = await run('github/not-found', { input: { shim: false } });
        expect(own.actionError).toEqual({ code: 'gone' });
        expect(own.error?.kind).toBe('action_error');
    });

    it('maps an uncaught error stack to the .ts source line', async () => {
        const result = await run('github/boom', {});
        expect(result.error).toMatchObject({ kind: 'exception', message: 'boom: here' });
        const source = `${project.dir}/github/actions/boom.ts`;
        expect(result.error?.stack).toContain(`${source}:6:11`);
        expect(result.error?.stack).toContain(`${source}:13:9`);
        expect(result.error?.stack).not.toContain('.cjs');
    });

    it('hands an axios-like error to the function and reports an uncaught one as http', async () => {
        const transport = fakeTransport(() => json({ message: 'Not Found' }, 404));
        const caught = await run('github/catches', { transport });
        expect(caught.output).toEqual({ isError: true, status: 404, body: { message: 'Not Found' }, code: 'ERR_BAD_REQUEST' });
        const uncaught = await run('github/fails-http', { transport });
        expect(uncaught.error).toMatchObject({ kind: 'http', response: { status: 404, data: { message: 'Not Found' } } });
        expect(uncaught.error?.message).toContain('404');

        // The error is printed: credential headers the provider sent back must not be.
        const leaky = fakeTransport(() => json({ message: 'no' }, 401, { 'set-cookie': 'session=abc', 'x-api-key': 'k-123', 'x-request-id': 'r1' }));
        const reported = await run('github/fails-http', { transport: leaky });
        expect(reported.error?.response?.headers).toMatchObject({ 'x-request-id': 'r1' });
        expect(JSON.stringify(reported.error)).not.toMatch(/session=abc|k-123/);
    });

    it('stops a function stuck in a synchronous loop or a promise that never settles', async () => {
        const loop = await run('github/hang', { input: { sync: true }, timeoutMs: 300 });
        expect(loop.error).toMatchObject({ kind: 'timeout' });
        const never = await runFunction({ ...project.bundles['github/hang']!, connection, provider: null, transport: fakeTransport(() => undefined), input: { sync: false }, timeoutMs: 200 });
        expect(never.error?.kind).toBe('timeout');
        // The shared sandbox starts a fresh worker after a timeout.
        const after = await run('github/not-found', { input: { shim: false } });
        expect(after.actionError).toEqual({ code: 'gone' });
    });

    it('keeps process.env and the CLI environment away from the function', async () => {
        const result = await run('github/env', {});
        expect(result.error).toBeUndefined();
        expect(result.output).toEqual({
            keys: [],
            secret: null,
            escaped: null,
            hostEnv: [],
            fs: "Cannot find module 'node:fs': the platform does not provide it",
            crypto: 'function',
            // Escaped to the worker's realm, the function finds no way to files, the environment or Ferry's channel.
            hostCapabilities: [],
            hostImport: 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING',
            ownImport: 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING',
            overwrite: 'kept out',
            portCaptured: false
        });
    });

    it('reports metadata and action writes instead of sending them; logs with levels', async () => {
        const events: RunEvent[] = [];
        const result = await run('github/writes', { onEvent: (e) => events.push(e), metadata: { owner: 'octo', repo: 'given' } });
        expect(result.output).toEqual({ before: { owner: 'octo', repo: 'given' }, after: { owner: 'new', repo: 'r2' }, hasCredentials: false, connectionId: 'conn-1', variant: 'base' });
        expect(result.writes).toEqual([
            { kind: 'setMetadata', args: { owner: 'new', repo: 'r' } },
            { kind: 'updateMetadata', args: { repo: 'r2' } },
            { kind: 'triggerAction', args: { providerConfigKey: 'github', connectionId: 'conn-2', action: 'other', input: { a: 1 } } }
        ]);
        expect(result.metadata).toEqual({ owner: 'octo', repo: 'given' });
        expect(result.logs.map((l) => [l.level, l.message])).toEqual([
            ['warn', 'done {"n":1}'],
            ['info', 'from console']
        ]);
        expect(events.filter((e) => e.type === 'log')).toHaveLength(2);
        expect(result.requests).toEqual([]);
    });

    it('reads the token and environment through the backend, and caps the kept logs', async () => {
        let events = 0;
        const result = await run('github/platform', {
            backend: { getToken: async () => 'tok_123', getEnvironmentVariables: async () => [{ name: 'A', value: '1' }] },
            integration: { unique_key: 'github', provider: 'github', webhook_url: 'https://hooks/x' },
            maxLogs: 3,
            onEvent: (e) => e.type === 'log' && events++
        });
        expect(events).toBe(1205);
        expect(result.output).toEqual({ tokenLength: 7, env: [{ name: 'A', value: '1' }], integration: { unique_key: 'github', provider: 'github', webhook_url: 'https://hooks/x' } });
        expect(result.logs.map((l) => l.message)).toEqual(['line 0', 'line 1', 'line 2']);
        expect(result.logsDropped).toBe(1202);
        expect(JSON.stringify(result)).not.toContain('tok_123');
    });

    it('says clearly when the backend cannot answer', async () => {
        const result = await run('github/platform', {});
        expect(result.error).toMatchObject({ kind: 'exception' });
        expect(result.error?.message).toContain('nango.getToken() is not available in this run');
        const reads = await run('github/reads', { backend: { getRecordsByIds: async () => [{ id: '1', title: 'cached' }] } });
        expect(reads.logs[0]?.message).toBe('true {"id":"1","title":"cached"}');
        expect(reads.error?.message).toContain('nango.listRecords() is not available in this run');
    });

    it('maps an error thrown while the file loads', async () => {
        const result = await run('github/top-level', {});
        expect(result.error?.kind).toBe('exception');
        expect(result.error?.message).toMatch(/^the function file threw while loading: SyntaxError: /);
        expect(result.error?.stack).toContain(`${project.dir}/github/actions/top-level.ts:5:21`);
    });

    it('says when the bundle is not the expected kind of function', async () => {
        const result = await runFunction({ ...project.bundles['github/boom']!, ref: { ...project.bundles['github/boom']!.ref, type: 'sync' }, connection, provider: null, sandbox, transport: fakeTransport(() => undefined) });
        expect(result.error?.kind).toBe('invalid_function');
        expect(result.error?.message).toContain('createSync');
    });
});

describe('sandboxes', () => {
    it('keeps what a finished run left behind away from the next run', async () => {
        const first = fakeTransport(() => json({}));
        const left = await run('github/leftover', { transport: first });
        expect(left.output).toBe('returned');
        const second = fakeTransport(() => json({ number: 1, html_url: 'u' }));
        const next = await run('github/create-issue', { transport: second, input: { title: 't' } });
        expect(next.ok).toBe(true);
        expect(second.sent.map((r) => r.endpoint)).toEqual(['/repos/octo/hello/issues']);
    });

    it('fails a run whose callback throws, and the next run gets a fresh worker', async () => {
        const result = await run('github/late-throw', {});
        expect(result.error).toMatchObject({ kind: 'exception', message: 'uncaught error in a callback: late' });
        const next = await run('github/not-found', { input: { shim: false } });
        expect(next.actionError).toEqual({ code: 'gone' });
    });

    it('runs many functions at once on a pool', async () => {
        const pool = createSandboxPool(2);
        try {
            const results = await Promise.all(
                Array.from({ length: 6 }, (_, i) =>
                    runFunction({ ...project.bundles['github/create-issue']!, connection, provider: null, sandbox: pool, input: { title: `t${i}` }, transport: fakeTransport((req) => json({ number: i, html_url: (req.data as { title: string }).title })) })
                )
            );
            expect(results.map((r) => r.output)).toEqual(Array.from({ length: 6 }, (_, i) => ({ id: i, url: `t${i}` })));
        } finally {
            await pool.close();
        }
    });

    it('runs in the built worker (dist/runtime/runtime.worker.js)', async () => {
        const workerFile = join(REPO_ROOT, 'dist', 'runtime', 'runtime.worker.js');
        expect(existsSync(workerFile), 'run npm run build first').toBe(true);
        const built = createSandbox({ workerFile });
        try {
            const result = await runFunction({ ...project.bundles['github/boom']!, connection, provider: null, sandbox: built, transport: fakeTransport(() => undefined) });
            expect(result.error?.message).toBe('boom: here');
            expect(result.error?.stack).toContain('boom.ts:6:11');
        } finally {
            await built.close();
        }
    });
});

describe('retries', () => {
    it('waits for Retry-After after a 429 (on the injected clock) and succeeds', async () => {
        const clock = fakeClock();
        const transport = fakeTransport((_req, call) => (call === 1 ? json({ message: 'slow down' }, 429, { 'retry-after': '30' }) : json({ ok: 1 })));
        const started = Date.now();
        const result = await run('github/fetch', { transport, input: { endpoint: '/x', retries: 2 }, retry: { clock } });
        expect(Date.now() - started).toBeLessThan(5000);
        expect(result.output).toEqual({ status: 200, data: { ok: 1 } });
        expect(clock.slept).toEqual([30_000]);
        expect(result.requests).toEqual([expect.objectContaining({ status: 200, attempts: 2 })]);
        expect(transport.sent[0]).not.toHaveProperty('retries');
    });

    it('uses the provider rate-limit reset header', async () => {
        const clock = fakeClock();
        const reset = String(Math.floor(clock.now() / 1000) + 12);
        const transport = fakeTransport((_req, call) => (call === 1 ? json({}, 403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }) : json([])));
        const result = await run('github/fetch', { transport, input: { endpoint: '/x', retries: 1 }, retry: { clock } });
        expect(result.output).toEqual({ status: 200, data: [] });
        expect(clock.slept).toEqual([12_000]);
    });

    it('retries 5xx with backoff until success, and a status listed in retryOn', async () => {
        const clock = fakeClock();
        const flaky = fakeTransport((_req, call) => (call <= 2 ? json({}, 502) : json({ fine: true })));
        const result = await run('github/fetch', { transport: flaky, input: { endpoint: '/x', retries: 3 }, retry: { clock, baseDelayMs: 100 } });
        expect(result.output).toEqual({ status: 200, data: { fine: true } });
        expect(clock.slept).toEqual([75, 150]);
        const conflict = fakeTransport((_req, call) => (call === 1 ? json({}, 409) : json({ second: true })));
        const retried = await run('github/fetch', { transport: conflict, input: { endpoint: '/x', retries: 1, retryOn: [409] }, retry: { clock } });
        expect(retried.output).toEqual({ status: 200, data: { second: true } });
        const notRetried = await run('github/fetch', { transport: fakeTransport(() => json({}, 409)), input: { endpoint: '/x', retries: 1 }, retry: { clock } });
        expect(notRetried.error?.kind).toBe('http');
        expect(notRetried.requests[0]?.attempts).toBe(1);
    });

    it('gives up after the allowed retries with the last answer', async () => {
        const clock = fakeClock();
        const transport = fakeTransport(() => json({ down: true }, 503));
        const result = await run('github/fetch', { transport, input: { endpoint: '/x', retries: 2 }, retry: { clock } });
        expect(result.error).toMatchObject({ kind: 'http', response: { status: 503 } });
        expect(transport.sent).toHaveLength(3);
    });

    it('does not retry a fatal transport error and fails the run even if the function catches it', async () => {
        const transport = { send: async () => Promise.reject(Object.assign(new Error('no recorded answer for GET /missing'), { fatal: true })) };
        const result = await run('github/catches', { transport, retry: { clock: fakeClock() } });
        expect(result.error).toMatchObject({ kind: 'http', message: 'no recorded answer for GET /missing' });
    });
});

describe('syncs', () => {
    it('follows Link headers with the provider defaults, saves records, keeps checkpoints and lastSyncDate', async () => {
        const transport = fakeTransport((req) => {
            const page = Number(req.params?.['page'] ?? 1);
            const link: Record<string, string> = page < 3 ? { link: `<https://api.github.com/repos/octo/hello/issues?per_page=2&since=s0&page=${page + 1}>; rel="next", <https://api.github.com/x?page=9>; rel="last"` } : {};
            return json([{ id: page * 10, title: `t${page}` }, { id: page * 10 + 1, title: `u${page}` }], 200, link);
        });
        const result = await run('github/issues', { transport, checkpoint: { since: 's0' }, lastSyncDate: new Date('2026-01-02T03:04:05Z'), keepRecords: true, firstN: 2 });
        expect(result.error).toBeUndefined();
        expect(transport.sent.map((r) => [r.endpoint, r.params])).toEqual([
            ['/repos/octo/hello/issues', { since: 's0', per_page: 2 }],
            ['/repos/octo/hello/issues', { per_page: '2', since: 's0', page: '2' }],
            ['/repos/octo/hello/issues', { per_page: '2', since: 's0', page: '3' }]
        ]);
        expect(result.records).toEqual({ Issue: { saved: 6, updated: 0, deleted: 0, first: [{ id: '10', title: 't1' }, { id: '11', title: 'u1' }] } });
        expect(result.saved?.['Issue']).toHaveLength(6);
        expect(result.checkpoint).toEqual({ since: 'page-3' });
        expect(result.logs.map((l) => l.message)).toEqual(['since s0', 'last true 2026-01-02T03:04:05.000Z']);
    });

    it('takes the provider defaults from the catalog when none are given', async () => {
        const transport = fakeTransport((req) => {
            const page = Number(req.params?.['page'] ?? 1);
            const link: Record<string, string> = page < 2 ? { link: `<https://api.github.com/repos/octo/hello/issues?per_page=2&page=2>; rel="next"` } : {};
            return json([{ id: page, title: `t${page}` }], 200, link);
        });
        const result = await run('github/issues', { transport, provider: undefined });
        expect(result.error).toBeUndefined();
        // No checkpoint: `since: cp?.since` is sent as 'undefined', as Nango's client sends it.
        expect(transport.sent.map((r) => r.params)).toEqual([{ since: 'undefined', per_page: 2 }, { per_page: '2', page: '2' }]);
        expect(result.records['Issue']?.saved).toBe(2);
    });

    it('follows a cursor in the body', async () => {
        const transport = fakeTransport((req) => {
            const after = req.params?.['after'];
            const page = after === undefined ? 1 : Number(after);
            return json({ items: [{ id: `a${page}` }, { id: `b${page}` }], meta: { next: page < 3 ? page + 1 : null } });
        });
        const result = await run('github/cursor', { transport, provider: null });
        expect(result.error).toBeUndefined();
        expect(transport.sent.map((r) => r.params)).toEqual([{ size: 2 }, { size: 2, after: 2 }, { size: 2, after: 3 }]);
        expect(result.records['Item']?.saved).toBe(6);
    });

    it('pages by offset in the body of a POST and stops at a short page', async () => {
        const transport = fakeTransport((req) => {
            const offset = (req.data as { offset: number }).offset;
            const rows = offset < 4 ? [{ id: `r${offset}` }, { id: `r${offset + 1}` }] : [{ id: 'last' }];
            return json({ data: { rows } });
        });
        const result = await run('github/offset', { transport, provider: null });
        expect(result.error).toBeUndefined();
        expect(transport.sent.map((r) => r.data)).toEqual([
            { q: 'x', limit: 2, offset: 0 },
            { q: 'x', limit: 2, offset: 2 },
            { q: 'x', limit: 2, offset: 4 }
        ]);
        expect(result.records['Item']?.saved).toBe(5);
    });

    it('follows a next link in the body on its own origin, as Nango does', async () => {
        const transport = fakeTransport((req) => {
            const page = Number(req.params?.['page'] ?? 1);
            return json({ results: [{ id: `p${page}` }], next: page < 3 ? `https://api.example.com/v2/items?page=${page + 1}` : null });
        });
        const result = await run('github/body-link', { transport, provider: null });
        expect(result.error).toBeUndefined();
        expect(transport.sent.map((r) => [r.endpoint, r.params, r.baseUrlOverride])).toEqual([
            ['/v2/items', {}, 'https://api.example.com/v2'],
            ['/v2/items', { page: '2' }, 'https://api.example.com'],
            ['/v2/items', { page: '3' }, 'https://api.example.com']
        ]);
        expect(result.records['Item']?.saved).toBe(3);
    });

    it('de-duplicates kept records by id, warns about bad fields with their paths, and streams every write', async () => {
        const streamed: RecordEvent[] = [];
        const warnings: string[] = [];
        const result = await run('github/records', {
            keepRecords: true,
            recordSink: { write: async (event) => void streamed.push(event) },
            onEvent: (e) => e.type === 'warning' && warnings.push(e.warning!)
        });
        expect(result.ok).toBe(true);
        expect(result.saved?.['Issue']).toEqual([
            { id: '1', title: 'one again' },
            { id: '2', title: 'two' },
            { id: '3', title: 'three' },
            { id: '4', title: 44 },
            { id: '5', title: 'five', state: 'weird' }
        ]);
        expect(result.updated?.['Issue']).toEqual([{ id: '2', state: 'closed' }]);
        expect(result.deleted?.['Issue']).toEqual([{ id: '3' }]);
        expect(result.records['Issue']).toMatchObject({ saved: 6, updated: 1, deleted: 1 });
        expect(streamed.map((e) => `${e.op}:${(e.record as { id: string }).id}`)).toEqual(['save:1', 'save:2', 'save:3', 'save:1', 'save:4', 'save:5', 'update:2', 'delete:3']);
        expect(result.validation).toEqual([
            expect.objectContaining({ subject: 'batchSave', model: 'Issue', recordId: '4', path: 'title' }),
            expect.objectContaining({ subject: 'batchSave', model: 'Issue', recordId: '5', path: 'state' })
        ]);
        expect(warnings[0]).toMatch(/^batchSave Issue\[0\]\.title \(id 4\): /);
        expect(result.writes).toEqual([{ kind: 'trackDeletes', args: { model: 'Issue' } }]);
    });

    it('fails on the first bad record with validate, without saving that batch', async () => {
        const result = await run('github/records', { validate: true, keepRecords: true });
        expect(result.ok).toBe(false);
        expect(result.error?.kind).toBe('validation');
        expect(result.error?.message).toContain('Issue[0].title');
        expect(result.saved?.['Issue']?.map((r) => (r as { id: string }).id)).toEqual(['1', '2', '3']);
        expect(result.logs).toEqual([]);
    });

    it('fails the run when the record sink cannot write', async () => {
        let writes = 0;
        const result = await run('github/records', {
            recordSink: {
                write: async () => {
                    if (++writes === 2) throw new Error('disk full');
                }
            }
        });
        expect(result.error).toEqual({ kind: 'internal', message: 'records could not be written: disk full' });
        expect(result.ok).toBe(false);
    });

    it('runs an on-event handler', async () => {
        const result = await run('github/setup', { ref: { integration: 'github', name: 'setup', type: 'onEvent' }, checkpoint: { page: 2 } });
        expect(result.ok).toBe(true);
        expect(result.logs[0]?.message).toBe('hello from github {"page":2}');
        expect(result.checkpoint).toBeNull();
    });

    it('streams many records through the sink without keeping them', async () => {
        let count = 0;
        const result = await run('github/many', { metadata: { total: 20_000 }, recordSink: { write: () => void count++ } });
        expect(result.error).toBeUndefined();
        expect(count).toBe(20_000);
        expect(result.records['Row']?.saved).toBe(20_000);
        expect(result.records['Row']?.first).toHaveLength(10);
        expect(result.saved).toBeUndefined();
    });
});
