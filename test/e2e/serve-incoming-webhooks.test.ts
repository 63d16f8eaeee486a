/**
 * Providers' webhooks into `ferry serve`: `POST /webhook/dev/<integration>` routes them as Nango's
 * server does (Linear's signature and organizationId, a GitHub app's derived secret, 204 for a
 * provider without routing), answers at once, runs the deployed sync subscribed to the webhook's
 * type through onWebhook for the connection it names (batchSave, batchUpdate and batchDelete
 * persisted and served by GET /records), and forwards the payload to the app with the `sync`
 * webhook after it. Ferry's extension: a provider without routing whose integration has a secret
 * is checked with the generic X-Signature-256 and routed to every connection; and an integration
 * created with `forward_webhooks: false` is not forwarded.
 */
import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/http.js';
import type { ServeProcess } from '../support/serve.js';
import { localFerry, runLocal, serveFixtureProject } from '../support/serve-project.js';
import { waitFor } from '../support/wait.js';

const sign = (secret: string, body: string): string => createHmac('sha256', secret).update(body).digest('hex');

describe('ferry serve: webhooks from providers', () => {
    let root: string;
    let cleanup: () => Promise<void>;
    let serve: ServeProcess;
    let app: TestServer;
    /** Answers OpenAI's key check (GET /v1/models), which an API-key import runs first, as Nango's. */
    let openai: TestServer;
    const ferry = (args: string[]) => localFerry(root)(args);
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
        fetch(`${serve.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const hooks = (type: string) => app.requests.filter((r) => (r.json() as { type?: string }).type === type);

    beforeAll(async () => {
        app = await startServer(() => ({ status: 200 }));
        openai = await startServer(() => ({ body: { data: [] } }));
        ({ root, cleanup, serve } = await serveFixtureProject('serve-incoming-webhooks', ['--webhook-url', `${app.url}/hooks`]));
        await runLocal(root, [
            ['integrations', 'create', 'linear', '--provider', 'linear', '--webhook-secret', 'lin-secret'],
            ['integrations', 'create', 'linear-open', '--provider', 'linear'],
            ['integrations', 'create', 'oa', '--provider', 'openai', '--webhook-secret', 'oa-secret', '--base-url', openai.url],
            ['integrations', 'create', 'oa-open', '--provider', 'openai', '--base-url', openai.url],
            ['connections', 'create', 'linear', 'lin-1', '--token', 'lin-token', '--config', '{"organizationId":"org-1"}'],
            ['connections', 'create', 'oa', 'oa-1', '--api-key', 'sk-local-1'],
            ['connections', 'create', 'oa-open', 'oo-1', '--api-key', 'sk-local-2']
        ]);
        // A GitHub app as Nango keeps one: the app id and the base64 private key as the OAuth client, its link in custom.
        const privateKey = Buffer.from('-----BEGIN RSA PRIVATE KEY-----local').toString('base64');
        const githubApp = { provider: 'github-app', unique_key: 'gh', credentials: { type: 'OAUTH2', client_id: '321', client_secret: privateKey }, custom: { app_link: 'https://github.com/apps/ferry-local' } };
        expect((await serve.api('POST', '/integrations', githubApp)).status).toBe(200);
        const deployed = await ferry(['deploy', '--auto-confirm', '--json']);
        expect(deployed.code, deployed.stderr).toBe(0);
    });
    afterAll(async () => {
        await serve.stop();
        await app.close();
        await openai.close();
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

    it("persists onWebhook's batchUpdate and batchDelete as GET /records serves them, with a sync webhook per change", async () => {
        const send = async (action: string, id: string, title: string) => {
            const body = JSON.stringify({ type: 'Issue', action, organizationId: 'org-1', data: { id, title } });
            const answer = await post('/webhook/dev/linear', body, { 'linear-signature': sign('lin-secret', body) });
            expect(answer.status).toBe(200);
        };
        const syncHooks = () => hooks('sync').map((r) => r.json() as { syncType: string; responseResults: { added: number; updated: number; deleted: number } });
        await send('create', 'gone-1', 'To be removed');
        await waitFor('the save', () => syncHooks().length >= 2, 60_000);
        await send('update', 'i-1', 'Renamed in Linear');
        await waitFor('the update', () => syncHooks().length >= 3, 60_000);
        await send('remove', 'gone-1', 'To be removed');
        await waitFor('the delete', () => syncHooks().length >= 4, 60_000);
        expect(syncHooks().map((h) => [h.syncType, h.responseResults])).toEqual([
            ['WEBHOOK', { added: 1, updated: 0, deleted: 0 }],
            ['WEBHOOK', { added: 1, updated: 0, deleted: 0 }],
            ['WEBHOOK', { added: 0, updated: 1, deleted: 0 }],
            ['WEBHOOK', { added: 0, updated: 0, deleted: 1 }]
        ]);
        // An unchanged record is no change: no sync webhook, unless the environment asks for every completion.
        const unchangedRuns = () => serve.stderr().split('onWebhook linear/issues on lin-1: Issue +0 ~0 -0').length - 1;
        await send('update', 'i-1', 'Renamed in Linear');
        await waitFor('the unchanged run', () => unchangedRuns() === 1, 60_000);
        expect((await serve.api('PATCH', '/api/v1/environments/webhook', { on_sync_completion_always: true })).status).toBe(200);
        await send('update', 'i-1', 'Renamed in Linear');
        await waitFor('the sync webhook without changes', () => syncHooks().length >= 5, 60_000);
        expect(unchangedRuns()).toBe(2);
        expect(syncHooks()).toHaveLength(5);
        expect(syncHooks()[4]!.responseResults).toEqual({ added: 0, updated: 0, deleted: 0 });
        expect((await serve.api('PATCH', '/api/v1/environments/webhook', { on_sync_completion_always: false })).status).toBe(200);
        // The app got every payload too, for its connection.
        expect(hooks('forward').filter((r) => (r.json() as { connectionId?: string }).connectionId === 'lin-1')).toHaveLength(6);

        const records = await serve.api('GET', '/records?model=Issue', undefined, { 'connection-id': 'lin-1', 'provider-config-key': 'linear' });
        type Served = { id: string; title: string; _nango_metadata: { last_action: string; deleted_at: string | null } };
        const byId = new Map((records.body.records as Served[]).map((r) => [r.id, r]));
        expect(byId.get('i-1')).toMatchObject({ title: 'Renamed in Linear', _nango_metadata: { last_action: 'UPDATED', deleted_at: null } });
        expect(byId.get('gone-1')?._nango_metadata.last_action).toBe('DELETED');
        expect(byId.get('gone-1')?._nango_metadata.deleted_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
        const deleted = await serve.api('GET', '/records?model=Issue&filter=deleted', undefined, { 'connection-id': 'lin-1', 'provider-config-key': 'linear' });
        expect(deleted.body.records.map((r: { id: string }) => r.id)).toEqual(['gone-1']);
        // Each onWebhook run is in the run history, as a WEBHOOK run of the sync.
        const runs = await ferry(['runs', '--json']);
        expect(runs.code, runs.stderr).toBe(0);
        expect(runs.stdout).toContain('WEBHOOK');
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
        await waitFor('the log line', () => /webhook from linear: no connection matched/.test(serve.stderr()));
        // Without a connection, Nango forwards the provider's payload alone.
        const raw = await waitFor('the raw forward', () => app.requests.find((r) => (r.json() as { organizationId?: string }).organizationId === 'org-unknown'));
        expect(raw.json()).toEqual(JSON.parse(unmatched));
        const records = await serve.api('GET', '/records?model=Issue', undefined, { 'connection-id': 'lin-1', 'provider-config-key': 'linear' });
        expect(records.body.records.map((r: { id: string }) => r.id)).not.toContain('i-2');

        expect((await post('/webhook/dev/nope', '{}')).status).toBe(404);
        expect(await (await post('/webhook/dev/nope', '{}')).json()).toEqual({ error: { code: 'unknown_provider_config' } });
        expect(await (await post('/webhook/prod/linear', '{}')).json()).toEqual({ error: { code: 'unknown_environment' } });
        // The environment's id works as its name does.
        const { environment_uuid: id } = (await serve.api('GET', '/api/v1/environments/webhook')).body.data;
        expect(id).toMatch(/^[0-9a-f-]{36}$/);
        const byId = JSON.stringify({ type: 'Comment', organizationId: 'org-1' });
        expect((await post(`/webhook/${id}/linear`, byId, { 'linear-signature': sign('lin-secret', byId) })).status).toBe(200);
    });

    it("checks a GitHub app's X-Hub-Signature-256 with the secret Nango derives, and answers 204 for a provider Nango does not route (nothing forwarded)", async () => {
        const body = JSON.stringify({ action: 'opened', issue: { id: 7 }, installation: { id: 4242 } });
        const secret = createHash('sha256').update(`321${'-----BEGIN RSA PRIVATE KEY-----local'}https://github.com/apps/ferry-local`).digest('hex');
        const ok = await post('/webhook/dev/gh', body, { 'x-hub-signature-256': `sha256=${sign(secret, body)}`, 'x-github-event': 'issues' });
        expect(ok.status).toBe(200);
        expect(await ok.json()).toEqual({ status: 'success' });
        // No connection holds installation 4242 (a GitHub app's connections are not imported through the API): the payload goes alone.
        const forwarded = await waitFor('the forward', () => app.requests.find((r) => (r.json() as { installation?: { id: number } }).installation?.id === 4242));
        expect(forwarded.json()).toEqual(JSON.parse(body));
        expect(forwarded.headers['x-github-event']).toBe('issues');
        const wrong = await post('/webhook/dev/gh', body, { 'x-hub-signature-256': `sha256=${sign('gh-secret', body)}` });
        expect(wrong.status).toBe(401);
        expect(await wrong.json()).toEqual({ error: 'Invalid webhook signature' });

        // Linear's webhooks cannot be checked without a secret, so they are refused.
        const open = JSON.stringify({ type: 'Issue', organizationId: 'org-1' });
        const refused = await post('/webhook/dev/linear-open', open, { 'linear-signature': sign('anything', open) });
        expect(refused.status).toBe(401);
        expect(await refused.json()).toEqual({ error: 'Invalid webhook signature' });

        const event = JSON.stringify({ type: 'batch.completed', id: 'b-1' });
        const unrouted = await post('/webhook/dev/oa-open', event);
        expect(unrouted.status).toBe(204);
        expect(await unrouted.text()).toBe('');
        await waitFor('the log line', () => /webhook from oa-open: provider openai has no webhook routing; answered 204/.test(serve.stderr()));
        expect(hooks('forward').some((r) => (r.json() as { providerConfigKey?: string }).providerConfigKey === 'oa-open' || (r.json() as { id?: string }).id === 'b-1')).toBe(false);
    });

    it('sends the async_action webhook once an X-Async action finished', async () => {
        const started = await serve.api('POST', '/action/trigger', { action_name: 'double', input: { n: 21 } }, { 'connection-id': 'lin-1', 'provider-config-key': 'linear', 'x-async': 'true' });
        expect(started.status).toBe(202);
        const hook = await waitFor('the async_action webhook', () => hooks('async_action')[0], 60_000);
        expect(hook.json()).toEqual({ type: 'async_action', from: 'nango', connectionId: 'lin-1', providerConfigKey: 'linear', payload: { id: started.body.id, statusUrl: started.body.statusUrl } });
        expect((await serve.api('GET', started.body.statusUrl)).body).toEqual({ twice: 42 });
    });
    it('checks the generic X-Signature-256 for a provider without routing when the integration has a secret (Ferry extension): 401 without a good one, else onWebhook runs and the payload is forwarded', async () => {
        const forged = JSON.stringify({ type: 'batch.completed', id: 'b-forged' });
        const missing = await post('/webhook/dev/oa', forged);
        expect(missing.status).toBe(401);
        expect(await missing.json()).toEqual({ error: 'Missing webhook signature' });
        const wrong = await post('/webhook/dev/oa', forged, { 'x-signature-256': `sha256=${sign('not-the-secret', forged)}` });
        expect(wrong.status).toBe(401);
        expect(await wrong.json()).toEqual({ error: 'Invalid webhook signature' });

        const body = JSON.stringify({ type: 'batch.completed', id: 'b-42' });
        const ok = await post('/webhook/dev/oa', body, { 'x-signature-256': `sha256=${sign('oa-secret', body)}` });
        expect(ok.status).toBe(200);
        expect(await ok.json()).toEqual({ status: 'success' });
        const forwarded = await waitFor('the forward', () => hooks('forward').find((r) => (r.json() as { providerConfigKey?: string }).providerConfigKey === 'oa'));
        expect(forwarded.json()).toEqual({ from: 'openai', type: 'forward', providerConfigKey: 'oa', connectionId: 'oa-1', payload: JSON.parse(body) });
        const sync = await waitFor('the sync webhook', () => hooks('sync').find((r) => (r.json() as { syncName?: string }).syncName === 'batches'), 60_000);
        expect(sync.json()).toMatchObject({ connectionId: 'oa-1', providerConfigKey: 'oa', model: 'Batch', syncType: 'WEBHOOK', success: true, responseResults: { added: 1, updated: 0, deleted: 0 } });
        // The refused ones never reached onWebhook.
        const records = await serve.api('GET', '/records?model=Batch', undefined, { 'connection-id': 'oa-1', 'provider-config-key': 'oa' });
        expect(records.body.records.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([['b-42', 'completed']]);
        expect(hooks('forward').filter((r) => JSON.stringify(r.json()).includes('b-forged'))).toEqual([]);
    });

    it("does not forward a provider's webhook to an integration created with forward_webhooks: false, as Nango does, and still handles it", async () => {
        const created = await serve.api('POST', '/integrations', { provider: 'openai', unique_key: 'oa-quiet', forward_webhooks: false, custom: { webhookSecret: 'q-secret', base_url: openai.url } });
        expect(created.status).toBe(200);
        expect(created.body.data.forward_webhooks).toBe(false);
        expect((await serve.api('GET', '/integrations/oa-quiet')).body.data.forward_webhooks).toBe(false);
        expect((await serve.api('GET', '/integrations/oa')).body.data.forward_webhooks).toBe(true);
        const connection = await serve.api('POST', '/connections', { provider_config_key: 'oa-quiet', connection_id: 'oq-1', credentials: { type: 'API_KEY', apiKey: 'sk-local-3' } });
        expect(connection.status).toBe(201);

        const body = JSON.stringify({ type: 'batch.completed', id: 'b-quiet' });
        const ok = await post('/webhook/dev/oa-quiet', body, { 'x-hub-signature-256': `sha256=${sign('q-secret', body)}` });
        expect(ok.status).toBe(200);
        await waitFor('the handling', () => /webhook from oa-quiet \(batch\.completed\): 1 connection\(s\), 0 sync\(s\) subscribed/.test(serve.stderr()));
        expect(serve.stderr()).toContain("webhook from oa-quiet: not forwarded (the integration's forward_webhooks is false)");
        // Forwards are queued before the syncs run: none was queued for it.
        const deliveries = (await serve.api('GET', '/dashboard/api/webhooks')).body.deliveries as { body: unknown }[];
        expect(deliveries.length).toBeGreaterThan(0);
        expect(deliveries.filter((d) => JSON.stringify(d.body).includes('b-quiet'))).toEqual([]);
    });
});
