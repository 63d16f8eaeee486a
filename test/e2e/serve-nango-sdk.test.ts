/**
 * Nango's own backend SDK (@nangohq/node 0.71.10, unchanged) against `ferry serve`: integrations,
 * providers, connections (tags, end user, metadata, tokens), the proxy, syncs (trigger, status,
 * pause/start, frequency, records with their cursor and filters), actions (sync and async) and
 * deletion, each answered as Nango answers it. A client written for Nango must work as it is.
 */
import { Nango } from '@nangohq/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, runFerry } from '../support/cli.js';
import { copyFixtureProject } from '../support/function-project.js';
import { startServer, type TestServer } from '../support/http.js';
import { startServe, type ServeProcess } from '../support/serve.js';
import { waitFor } from '../support/wait.js';

/** The SDK types these as void; they answer the axios response, whose body Nango's API defines. */
const bodyOf = (response: unknown): unknown => (response as { data: unknown }).data;

/** What the SDK threw (axios): the server's status and body. */
async function failure(call: Promise<unknown>): Promise<{ status: number; data: any }> {
    try {
        await call;
    } catch (error) {
        const response = (error as { response?: { status: number; data: unknown } }).response;
        if (response) return response;
        throw error;
    }
    throw new Error('the call succeeded');
}

describe('ferry serve with Nango’s backend SDK', () => {
    let root: string;
    let cleanup: () => Promise<void>;
    let serve: ServeProcess;
    let provider: TestServer;
    let nango: Nango;

    beforeAll(async () => {
        ({ dir: root, cleanup } = await makeTempDir('ferry-serve-sdk-'));
        await copyFixtureProject('serve-nango-sdk', root);
        provider = await startServer((req) =>
            req.path === '/tickets'
                ? { body: [{ id: 1, title: 'First' }, { id: 2, title: 'Second' }, { id: 3, title: 'Third' }] }
                : { body: { method: req.method, path: req.path, query: Object.fromEntries(req.query), authorization: req.headers['authorization'], custom: req.headers['x-custom'], body: req.body.toString('utf8') } }
        );
        serve = await startServe([], { cwd: root });
        nango = new Nango({ host: serve.url, secretKey: serve.secretKey! });
    });
    afterAll(async () => {
        expect(await serve.stop()).toBe(0);
        await provider.close();
        await cleanup();
    });

    it('creates, lists, gets and updates integrations; reads the provider catalog', async () => {
        const created = await nango.createIntegration({ provider: 'github', unique_key: 'tracker', custom: { base_url: provider.url } } as never);
        expect(created.data).toMatchObject({ unique_key: 'tracker', provider: 'github' });
        const listed = await nango.listIntegrations();
        expect(listed.configs.map((c) => c.unique_key)).toEqual(['tracker']);
        const got = await nango.getIntegration({ uniqueKey: 'tracker' }, { include: ['webhook'] });
        expect(got.data.webhook_url).toBe(`${serve.url}/webhook/dev/tracker`);
        const updated = await nango.updateIntegration({ uniqueKey: 'tracker' }, { display_name: 'Tracker' });
        expect(updated.data.display_name).toBe('Tracker');
        expect((await nango.getProvider({ provider: 'github' })).data).toMatchObject({ name: 'github', auth_mode: 'OAUTH2' });
        expect((await nango.listProviders({ search: 'github-pat' })).data.map((p) => p.name)).toEqual(['github-pat']);
        expect(await failure(nango.getIntegration({ uniqueKey: 'nope' }))).toMatchObject({ status: 404, data: { error: { code: 'not_found' } } });
    });

    it('reads connections, their tokens, tags, end user and metadata', async () => {
        // The SDK has no import call: Nango's POST /connections, as a backend would send it.
        const imported = await serve.api('POST', '/connections', {
            provider_config_key: 'tracker',
            connection_id: 'acme',
            credentials: { type: 'OAUTH2', access_token: 'tok-acme' },
            end_user: { id: 'u-1', email: 'ann@acme.test', display_name: 'Ann' },
            tags: { Plan: 'pro' }
        });
        expect(imported.status).toBe(201);
        await serve.api('POST', '/connections', { provider_config_key: 'tracker', connection_id: 'other', credentials: { type: 'OAUTH2', access_token: 'tok-other' } });

        expect((await nango.listConnections()).connections.map((c) => c.connection_id)).toEqual(['other', 'acme']);
        const byUser = await nango.listConnections({ userId: 'u-1' });
        expect(byUser.connections.map((c) => c.connection_id)).toEqual(['acme']);
        expect(byUser.connections[0]).toMatchObject({
            end_user: { id: 'u-1', email: 'ann@acme.test', display_name: 'Ann' },
            tags: { plan: 'pro', end_user_id: 'u-1', end_user_email: 'ann@acme.test', end_user_display_name: 'Ann' }
        });
        expect((await nango.listConnections({ tags: { email: 'ann@acme.test' } })).connections.map((c) => c.connection_id)).toEqual(['acme']);

        expect(await nango.getToken('tracker', 'acme')).toBe('tok-acme');
        const connection = await nango.getConnection('tracker', 'acme');
        expect(connection).toMatchObject({ connection_id: 'acme', provider: 'github', credentials: { type: 'OAUTH2', access_token: 'tok-acme' } });
        await nango.setMetadata('tracker', 'acme', { region: 'eu' });
        await nango.updateMetadata('tracker', 'acme', { tier: 2 });
        expect(await nango.getMetadata('tracker', 'acme')).toEqual({ region: 'eu', tier: 2 });
        expect((await nango.patchConnection({ connectionId: 'acme', provider_config_key: 'tracker' }, { tags: { plan: 'team' } })).success).toBe(true);
        expect((await nango.getConnection('tracker', 'acme')).tags).toEqual({ plan: 'team' });
        expect(await failure(nango.getConnection('tracker', 'nobody'))).toMatchObject({ status: 404, data: { error: { code: 'not_found', message: 'Failed to find connection' } } });
    });

    it('proxies requests with the connection’s credentials', async () => {
        const got = await nango.get({ providerConfigKey: 'tracker', connectionId: 'acme', endpoint: '/repos', params: { page: '2' }, headers: { 'X-Custom': 'yes' } });
        expect(got.data).toMatchObject({ method: 'GET', path: '/repos', query: { page: '2' }, authorization: 'Bearer tok-acme', custom: 'yes' });
        const posted = await nango.post({ providerConfigKey: 'tracker', connectionId: 'acme', endpoint: '/repos', data: { name: 'r' }, retries: 2 });
        expect(posted.data).toMatchObject({ method: 'POST', body: '{"name":"r"}', authorization: 'Bearer tok-acme' });
    });

    it('deploys, triggers and schedules a sync, then pages its records', async () => {
        const deployed = await runFerry(['deploy', '--auto-confirm', '-e', 'local'], { cwd: root, timeoutMs: 90_000 });
        expect(deployed.code, deployed.stderr).toBe(0);
        expect(bodyOf(await nango.triggerSync('tracker', ['tickets'], 'acme'))).toEqual({ success: true });
        const status = await waitFor('the sync to finish', async () => {
            const [sync] = (await nango.syncStatus('tracker', ['tickets'], 'acme')).syncs as unknown as (Record<string, unknown> | undefined)[];
            // Created paused (no autoStart): the schedule stays PAUSED, the triggered run is the latest execution.
            return sync?.latestExecutionStatus === 'SUCCESS' && sync;
        });
        expect(status).toMatchObject({ name: 'tickets', status: 'PAUSED', frequency: 'every day', latestResult: { Ticket: { added: 3, updated: 0, deleted: 0 } }, recordCount: { Ticket: 3 } });

        const first = await nango.listRecords({ providerConfigKey: 'tracker', connectionId: 'acme', model: 'Ticket', limit: 2 });
        expect(first.records.map((r) => r.id)).toEqual(['1', '2']);
        expect(first.records[0]!._nango_metadata.last_action).toBe('ADDED');
        const rest = await nango.listRecords({ providerConfigKey: 'tracker', connectionId: 'acme', model: 'Ticket', cursor: first.next_cursor! });
        expect(rest.records.map((r) => r.id)).toEqual(['3']);
        expect(rest.next_cursor).toBeNull();
        const since = new Date(Date.now() - 3_600_000).toISOString();
        expect((await nango.listRecords({ providerConfigKey: 'tracker', connectionId: 'acme', model: 'Ticket', filter: 'added', modifiedAfter: since })).records).toHaveLength(3);
        expect((await nango.listRecords({ providerConfigKey: 'tracker', connectionId: 'acme', model: 'Ticket', filter: 'deleted' })).records).toHaveLength(0);
        expect((await nango.listRecords({ providerConfigKey: 'tracker', connectionId: 'acme', model: 'Ticket', ids: ['2'] })).records.map((r) => r.title)).toEqual(['Second']);

        expect(bodyOf(await nango.startSync('tracker', ['tickets'], 'acme'))).toEqual({ success: true });
        expect(bodyOf(await nango.pauseSync('tracker', ['tickets'], 'acme'))).toEqual({ success: true });
        expect((await nango.syncStatus('tracker', ['tickets'], 'acme')).syncs[0]!.status).toBe('PAUSED');
        expect(await nango.updateSyncConnectionFrequency('tracker', 'tickets', 'acme', 'every hour')).toEqual({ frequency: '1h' });
        expect((await nango.syncStatus('tracker', '*', 'acme')).syncs[0]!.frequency).toBe('every hour');
        expect(await failure(nango.triggerSync('tracker', ['nope'], 'acme'))).toMatchObject({ status: 400, data: { error: { code: 'no_syncs_found' } } });
    });

    it('creates a sync variant with records of its own, and deletes it', async () => {
        const variant = await nango.createSyncVariant({ provider_config_key: 'tracker', connection_id: 'acme', name: 'tickets', variant: 'eu' });
        expect(variant).toMatchObject({ name: 'tickets', variant: 'eu' });
        expect(await failure(nango.createSyncVariant({ provider_config_key: 'tracker', connection_id: 'acme', name: 'tickets', variant: 'eu' }))).toMatchObject({ status: 400, data: { error: { code: 'sync_variant_already_exists' } } });
        expect(await failure(nango.createSyncVariant({ provider_config_key: 'tracker', connection_id: 'acme', name: 'tickets', variant: 'base' }))).toMatchObject({ status: 400, data: { error: { code: 'invalid_variant' } } });
        await nango.triggerSync('tracker', [{ name: 'tickets', variant: 'eu' }], 'acme');
        await waitFor('the variant to sync', async () => (await nango.listRecords({ providerConfigKey: 'tracker', connectionId: 'acme', model: 'Ticket', variant: 'eu' })).records.length === 3);
        expect((await nango.syncStatus('tracker', '*', 'acme')).syncs.map((s) => (s as unknown as { variant: string }).variant).sort()).toEqual(['base', 'eu']);
        expect(await nango.deleteSyncVariant({ provider_config_key: 'tracker', connection_id: 'acme', name: 'tickets', variant: 'eu' })).toEqual({ success: true });
        expect((await nango.syncStatus('tracker', '*', 'acme')).syncs.map((s) => (s as unknown as { variant: string }).variant)).toEqual(['base']);
        expect(await failure(nango.deleteSyncVariant({ provider_config_key: 'tracker', connection_id: 'acme', name: 'tickets', variant: 'eu' }))).toMatchObject({ status: 404, data: { error: { code: 'not_found' } } });
    });

    it('prunes record payloads up to a cursor; the next sync restores them without updating them', async () => {
        // A run still saving the same records (the earlier tests trigger some) would restore them at once.
        await waitFor('no sync run in progress', async () => (await nango.syncStatus('tracker', '*', 'acme')).syncs.every((s) => s.status !== 'RUNNING'));
        const page = await nango.listRecords({ providerConfigKey: 'tracker', connectionId: 'acme', model: 'Ticket' });
        const untilFirst = page.records[0]!._nango_metadata.cursor;
        expect(await nango.pruneRecords({ providerConfigKey: 'tracker', connectionId: 'acme', model: 'Ticket', untilCursor: untilFirst })).toEqual({ count: 1, has_more: false });
        const pruned = await nango.listRecords({ providerConfigKey: 'tracker', connectionId: 'acme', model: 'Ticket' });
        expect(pruned.records.map((r) => r.title)).toEqual([undefined, 'Second', 'Third']);
        expect(pruned.records[0]!._nango_metadata).toMatchObject({ cursor: untilFirst, last_action: 'ADDED' });
        expect((pruned.records[0]!._nango_metadata as unknown as { pruned_at: string | null }).pruned_at).not.toBeNull();

        await nango.triggerSync('tracker', ['tickets'], 'acme');
        const status = await waitFor('the sync to run again', async () => {
            const [sync] = (await nango.syncStatus('tracker', ['tickets'], 'acme')).syncs as unknown as Record<string, any>[];
            return sync?.latestExecutionStatus === 'SUCCESS' && sync.latestResult.Ticket.added === 0 && sync;
        });
        expect(status.latestResult).toEqual({ Ticket: { added: 0, updated: 0, deleted: 0 } });
        const restored = await nango.listRecords({ providerConfigKey: 'tracker', connectionId: 'acme', model: 'Ticket' });
        expect(restored.records.map((r) => r.title)).toEqual(['First', 'Second', 'Third']);
        expect(restored.records[0]!._nango_metadata.cursor).toBe(untilFirst);
    });

    it('runs actions synchronously and asynchronously', async () => {
        expect(await nango.triggerAction('tracker', 'acme', 'double', { n: 21 })).toEqual({ twice: 42 });
        const queued = await nango.triggerActionAsync('tracker', 'acme', 'double', { n: 4 });
        expect(queued.statusUrl).toBe(`/action/${queued.id}`);
        const result = await waitFor('the async action', async () => {
            try {
                return await nango.getAsyncActionResult({ id: queued.id });
            } catch {
                return undefined;
            }
        });
        expect(result).toEqual({ twice: 8 });
        expect(await nango.getAsyncActionResult({ statusUrl: queued.statusUrl })).toEqual({ twice: 8 });
    });

    it('lists the deployed functions and their configuration; deletes only those not deployed from a project', async () => {
        const [config] = (await nango.getScriptsConfig()) as unknown as Record<string, any>[];
        expect(config).toMatchObject({ providerConfigKey: 'tracker', provider: 'github', 'on-events': [] });
        expect(config!['actions'].map((a: { name: string }) => a.name)).toEqual(['double']);
        expect(config!['syncs'][0]).toMatchObject({ name: 'tickets', type: 'sync', returns: ['Ticket'], runs: 'every day', auto_start: false, sync_type: 'full', source: 'repo', enabled: true });
        const openai = (await nango.getScriptsConfig('openai')) as unknown as { data: any[] };
        expect(openai.data.find((f) => f.name === 'double')).toMatchObject({ description: 'Doubles a number', parameters: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] } });

        const listed = await nango.listFunctions({ uniqueKey: 'tracker' });
        expect(listed.data.map((f) => [f.type, f.name])).toEqual([['action', 'double'], ['sync', 'tickets']]);
        expect(listed.pagination).toEqual({ total: 2, page: 0, limit: 20 });
        expect((await nango.listFunctions({ uniqueKey: 'tracker' }, { type: 'sync', limit: 1 })).data.map((f) => f.name)).toEqual(['tickets']);
        expect((await nango.getFunction({ uniqueKey: 'tracker', name: 'tickets' })).data).toMatchObject({ type: 'sync', returns: ['Ticket'], auto_start: false, track_deletes: false, source: 'repo' });
        expect(await failure(nango.getFunction({ uniqueKey: 'tracker', name: 'nope' }))).toMatchObject({ status: 404, data: { error: { code: 'not_found', message: 'Function does not exist' } } });
        expect(await failure(nango.deleteFunction({ uniqueKey: 'tracker', name: 'double' }, { type: 'action' }))).toMatchObject({ status: 400, data: { error: { code: 'function_managed_by_deploy' } } });

        // A function deployed on its own (Nango's `source: 'standalone'`) is deleted through the API.
        const standalone = { type: 'action', syncName: 'scratch', providerConfigKey: 'tracker', models: [], runs: null, fileBody: { js: 'module.exports = {}', ts: '' } };
        const deployed = await serve.api('POST', '/sync/deploy', { flowConfigs: [standalone], reconcile: false, debug: false, deployMode: 'single', source: 'standalone', nangoYamlBody: '' });
        expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
        expect((await nango.getFunction({ uniqueKey: 'tracker', name: 'scratch' })).data.source).toBe('standalone');
        expect(await nango.deleteFunction({ uniqueKey: 'tracker', name: 'scratch' }, { type: 'action' })).toEqual({ data: { success: true } });
        expect((await nango.listFunctions({ uniqueKey: 'tracker' })).data.map((f) => f.name)).toEqual(['double', 'tickets']);
    });

    it('creates connect and reconnect sessions a frontend reads with their token', async () => {
        const created = await nango.createConnectSession({
            end_user: { id: 'u-2', email: 'bo@acme.test', display_name: 'Bo' },
            organization: { id: 'org-1', display_name: 'Acme' },
            allowed_integrations: ['tracker'],
            integrations_config_defaults: { tracker: { connection_config: { subdomain: 'acme' } } }
        } as never);
        expect(created.data.token).toMatch(/^nango_connect_session_[a-f0-9]{64}$/);
        const minutes = (Date.parse(created.data.expires_at) - Date.now()) / 60_000;
        expect(minutes > 29 && minutes <= 30).toBe(true);
        const asFrontend = (token: string, method = 'GET') => fetch(`${serve.url}/connect/session`, { method, headers: { authorization: `Bearer ${token}` } });
        const read = await asFrontend(created.data.token);
        expect(read.status).toBe(200);
        expect(await read.json()).toMatchObject({
            data: {
                endUser: { id: 'u-2', email: 'bo@acme.test', display_name: 'Bo', organization: { id: 'org-1', display_name: 'Acme' } },
                allowed_integrations: ['tracker'],
                integrations_config_defaults: { tracker: { connection_config: { subdomain: 'acme' } } }
            }
        });
        expect(await failure(nango.createConnectSession({ end_user: { id: 'u-2' }, allowed_integrations: ['nope'] } as never))).toMatchObject({
            status: 400,
            data: { error: { code: 'invalid_body', errors: [{ message: 'Integration does not exist', path: ['allowed_integrations', 0] }] } }
        });

        const reconnect = await nango.createReconnectSession({ connection_id: 'acme', integration_id: 'tracker' } as never);
        expect(await (await asFrontend(reconnect.data.token)).json()).toMatchObject({ data: { endUser: null, allowed_integrations: ['tracker'], isReconnecting: true } });
        expect(await failure(nango.createReconnectSession({ connection_id: 'nobody', integration_id: 'tracker' } as never))).toMatchObject({ status: 400, data: { error: { code: 'invalid_body' } } });

        expect((await asFrontend(created.data.token, 'DELETE')).status).toBe(204);
        expect(await (await asFrontend(created.data.token)).json()).toMatchObject({ error: { code: 'unknown_connect_session_token' } });
        expect((await asFrontend('not-a-token')).status).toBe(401);
    });

    it('deletes a connection and an integration', async () => {
        expect((await nango.deleteConnection('tracker', 'other')).data).toEqual({ success: true });
        expect(await failure(nango.deleteConnection('tracker', 'other'))).toMatchObject({ status: 400, data: { error: { code: 'unknown_connection' } } });
        expect((await nango.listConnections()).connections.map((c) => c.connection_id)).toEqual(['acme']);
        await nango.createIntegration({ provider: 'sendgrid', unique_key: 'spare' } as never);
        expect((await nango.deleteIntegration('spare')).data).toEqual({ success: true });
        expect((await nango.listIntegrations()).configs.map((c) => c.unique_key)).toEqual(['tracker']);
        expect(await nango.getEnvironmentVariables()).toEqual([]);
    });
});
