/**
 * Providers' webhooks into `ferry serve`: `POST /webhook/dev/<integration>` checks the signature
 * (Linear's, GitHub's and the generic header), answers at once, runs the deployed sync subscribed
 * to the webhook's type through onWebhook for the connection it names (records saved and served by
 * GET /records), and forwards the payload to the app with the `sync` webhook after it.
 */
import { createHmac } from 'node:crypto';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, REPO_ROOT, runFerry } from '../support/cli.js';
import { startServer, type TestServer } from '../support/http.js';
import { startServe, type ServeProcess } from '../support/serve.js';
import { waitFor } from '../support/wait.js';

const SYNC = `
import { createSync } from 'nango';
import { z } from 'zod';
const Issue = z.object({ id: z.string(), title: z.string() });
export default createSync({
    description: 'Issues, kept current by Linear webhooks',
    frequency: 'every day',
    models: { Issue },
    webhookSubscriptions: ['Issue'],
    exec: async () => {},
    onWebhook: async (nango, payload) => {
        await nango.batchSave([{ id: String(payload.data.id), title: String(payload.data.title) }], 'Issue');
    }
});
`;

const ACTION = `
import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({
    description: 'Answers at once',
    input: z.object({ n: z.number() }),
    output: z.object({ twice: z.number() }),
    exec: async (_nango, input) => ({ twice: input.n * 2 })
});
`;

const sign = (secret: string, body: string): string => createHmac('sha256', secret).update(body).digest('hex');

describe('ferry serve: webhooks from providers', () => {
    let root: string;
    let cleanup: () => Promise<void>;
    let serve: ServeProcess;
    let app: TestServer;
    const ferry = (args: string[]) => runFerry([...args, '-e', 'local'], { cwd: root, timeoutMs: 90_000 });
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
        fetch(`${serve.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const hooks = (type: string) => app.requests.filter((r) => (r.json() as { type?: string }).type === type);

    beforeAll(async () => {
        ({ dir: root, cleanup } = await makeTempDir('ferry-serve-incoming-'));
        await mkdir(dirname(join(root, 'linear/syncs/issues.ts')), { recursive: true });
        await writeFile(join(root, 'linear/syncs/issues.ts'), SYNC.trimStart());
        await mkdir(join(root, 'linear/actions'), { recursive: true });
        await writeFile(join(root, 'linear/actions/double.ts'), ACTION.trimStart());
        await mkdir(join(root, '.nango'), { recursive: true });
        await mkdir(join(root, 'node_modules'), { recursive: true });
        await symlink(join(REPO_ROOT, 'node_modules/zod'), join(root, 'node_modules/zod'), 'dir');
        await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'fns', type: 'module', private: true }));
        await writeFile(join(root, 'index.ts'), "import './linear/syncs/issues.js';\nimport './linear/actions/double.js';\n");
        app = await startServer(() => ({ status: 200 }));
        serve = await startServe(['--webhook-url', `${app.url}/hooks`], { cwd: root });
        for (const args of [
            ['integrations', 'create', 'linear', '--provider', 'linear', '--webhook-secret', 'lin-secret'],
            ['integrations', 'create', 'gh', '--provider', 'github', '--webhook-secret', 'gh-secret'],
            ['integrations', 'create', 'oa', '--provider', 'openai', '--webhook-secret', 'oa-secret'],
            ['connections', 'create', 'linear', 'lin-1', '--token', 'lin-token', '--config', '{"organizationId":"org-1"}'],
            ['connections', 'create', 'oa', 'oa-1', '--api-key', 'sk-local-1']
        ]) {
            const result = await ferry(args);
            expect(result.code, result.stderr).toBe(0);
        }
        const deployed = await ferry(['deploy', '--auto-confirm', '--json']);
        expect(deployed.code, deployed.stderr).toBe(0);
    });
    afterAll(async () => {
        await serve.stop();
        await app.close();
        await cleanup();
    });

    it('runs onWebhook for the Linear connection it names: records saved, payload forwarded, sync webhook sent', async () => {
        const body = JSON.stringify({ type: 'Issue', action: 'create', organizationId: 'org-1', data: { id: 'i-1', title: 'From Linear' } });
        const answer = await post('/webhook/dev/linear', body, { 'linear-signature': sign('lin-secret', body), 'linear-event': 'Issue' });
        expect(answer.status).toBe(200);
        expect(await answer.json()).toEqual({ status: 'success' });

        const forwarded = await waitFor('the forward', () => hooks('forward')[0]);
        expect(forwarded.json()).toEqual({ from: 'linear', type: 'forward', providerConfigKey: 'linear', connectionId: 'lin-1', payload: JSON.parse(body) });
        expect(forwarded.headers['linear-event']).toBe('Issue');
        expect(forwarded.headers['linear-signature']).toBeDefined();
        const sync = await waitFor('the sync webhook', () => hooks('sync')[0], 60_000);
        expect(sync.json()).toMatchObject({ from: 'nango', type: 'sync', connectionId: 'lin-1', providerConfigKey: 'linear', syncName: 'issues', model: 'Issue', syncType: 'WEBHOOK', success: true, responseResults: { added: 1, updated: 0, deleted: 0 } });

        const records = await serve.api('GET', '/records?model=Issue', undefined, { 'connection-id': 'lin-1', 'provider-config-key': 'linear' });
        expect(records.status).toBe(200);
        expect(records.body.records.map((r: { id: string; title: string }) => [r.id, r.title])).toEqual([['i-1', 'From Linear']]);
    });

    it('refuses a missing or wrong signature (401, nothing run) and answers a payload that matches nothing', async () => {
        const body = JSON.stringify({ type: 'Issue', organizationId: 'org-1', data: { id: 'i-2', title: 'Forged' } });
        const missing = await post('/webhook/dev/linear', body);
        expect(missing.status).toBe(401);
        expect(await missing.json()).toEqual({ error: 'Missing webhook signature' });
        const wrong = await post('/webhook/dev/linear', body, { 'linear-signature': sign('not-the-secret', body) });
        expect(wrong.status).toBe(401);
        expect(await wrong.json()).toEqual({ error: 'Invalid webhook signature' });

        const unmatched = JSON.stringify({ type: 'Issue', organizationId: 'org-unknown', data: { id: 'i-3', title: 'Nobody' } });
        const answer = await post('/webhook/dev/linear', unmatched, { 'linear-signature': sign('lin-secret', unmatched) });
        expect(answer.status).toBe(200);
        await waitFor('the log line', () => /webhook from linear \(Issue\): no connection matched/.test(serve.stderr()));
        // Without a connection, Nango forwards the provider's payload alone.
        const raw = await waitFor('the raw forward', () => app.requests.find((r) => (r.json() as { organizationId?: string }).organizationId === 'org-unknown'));
        expect(raw.json()).toEqual(JSON.parse(unmatched));
        const records = await serve.api('GET', '/records?model=Issue', undefined, { 'connection-id': 'lin-1', 'provider-config-key': 'linear' });
        expect(records.body.records.map((r: { id: string }) => r.id)).toEqual(['i-1']);

        expect((await post('/webhook/dev/nope', '{}')).status).toBe(404);
        expect(await (await post('/webhook/dev/nope', '{}')).json()).toEqual({ error: { code: 'unknown_provider_config' } });
        expect(await (await post('/webhook/prod/linear', '{}')).json()).toEqual({ error: { code: 'unknown_environment' } });
        // The environment's id works as its name does.
        const { environment_uuid: id } = (await serve.api('GET', '/api/v1/environments/webhook')).body.data;
        expect(id).toMatch(/^[0-9a-f-]{36}$/);
        const byId = JSON.stringify({ type: 'Comment', organizationId: 'org-1' });
        expect((await post(`/webhook/${id}/linear`, byId, { 'linear-signature': sign('lin-secret', byId) })).status).toBe(200);
    });

    it("checks GitHub's X-Hub-Signature-256 and the generic X-Signature-256, and forwards to every connection of a provider Nango does not route", async () => {
        const body = JSON.stringify({ action: 'opened', issue: { id: 7 } });
        expect((await post('/webhook/dev/gh', body, { 'x-hub-signature-256': `sha256=${sign('gh-secret', body)}`, 'x-github-event': 'issues' })).status).toBe(200);
        expect((await post('/webhook/dev/gh', body, { 'x-hub-signature-256': sign('gh-secret', body) })).status).toBe(401);

        const event = JSON.stringify({ type: 'batch.completed', id: 'b-1' });
        expect((await post('/webhook/dev/oa', event, { 'x-signature-256': sign('oa-wrong', event) })).status).toBe(401);
        expect((await post('/webhook/dev/oa', event, { 'x-signature-256': `sha256=${sign('oa-secret', event)}` })).status).toBe(200);
        const forwarded = await waitFor('the forward', () => hooks('forward').find((r) => (r.json() as { providerConfigKey: string }).providerConfigKey === 'oa'));
        expect(forwarded.json()).toEqual({ from: 'openai', type: 'forward', providerConfigKey: 'oa', connectionId: 'oa-1', payload: { type: 'batch.completed', id: 'b-1' } });
    });

    it('sends the async_action webhook once an X-Async action finished', async () => {
        const started = await serve.api('POST', '/action/trigger', { action_name: 'double', input: { n: 21 } }, { 'connection-id': 'lin-1', 'provider-config-key': 'linear', 'x-async': 'true' });
        expect(started.status).toBe(202);
        const hook = await waitFor('the async_action webhook', () => hooks('async_action')[0], 60_000);
        expect(hook.json()).toEqual({ type: 'async_action', from: 'nango', connectionId: 'lin-1', providerConfigKey: 'linear', payload: { id: started.body.id, statusUrl: started.body.statusUrl } });
        expect((await serve.api('GET', started.body.statusUrl)).body).toEqual({ twice: 42 });
    });
});
