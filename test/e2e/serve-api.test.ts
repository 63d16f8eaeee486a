/**
 * `ferry serve`'s integrations, connections and proxy end to end: the built CLI's commands with
 * `-e local` against a server started in a project (default data folder), and Nango's HTTP API,
 * with fake providers and a fake OAuth token endpoint on 127.0.0.1.
 */
import { createHash, createHmac } from 'node:crypto';
import { readdir, readFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, runFerry } from '../support/cli.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { startServer, type TestServer } from '../support/http.js';
import { startServe, type ServeProcess } from '../support/serve.js';

const TOKEN = 'ghp_localtoken_5e1f9a7c';

async function filesUnder(dir: string): Promise<string[]> {
    const entries = await readdir(dir, { withFileTypes: true, recursive: true });
    return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('ferry serve: integrations, connections, proxy', () => {
    let root: string;
    let cleanup: () => Promise<void>;
    let serve: ServeProcess;
    let provider: FakeProvider;
    let echo: TestServer;
    let tokens: TestServer;
    const ferry = (args: string[]) => runFerry([...args, '-e', 'local'], { cwd: root, timeoutMs: 30_000 });
    const proxy = (path: string, connectionId: string, integration: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}) =>
        fetch(`${serve.url}/proxy${path}`, {
            method: init.method ?? 'GET',
            headers: { authorization: `Bearer ${serve.secretKey}`, 'connection-id': connectionId, 'provider-config-key': integration, ...init.headers },
            ...(init.body === undefined ? {} : { body: init.body })
        });

    beforeAll(async () => {
        ({ dir: root, cleanup } = await makeTempDir('ferry-serve-api-'));
        await mkdir(join(root, '.nango'));
        await writeFile(join(root, 'index.ts'), '');
        provider = await startFakeProvider({ token: `Bearer ${TOKEN}` });
        echo = await startServer((req) => ({
            body: { path: req.path, query: Object.fromEntries(req.query), headers: req.headers, size: req.body.length, sha: createHash('sha256').update(req.body).digest('hex') }
        }));
        tokens = await startServer((req) => {
            if (req.headers['content-type'] === 'application/json') {
                // auth0-cc takes its token request as JSON, with its token_params filled from the connection config.
                const body = req.json<Record<string, string>>();
                const ok = body.grant_type === 'client_credentials' && body.client_id === 'cc-id' && body.client_secret === 'cc-secret' && body.audience === 'aud-1';
                return ok ? { body: { access_token: 'cc-fresh', expires_in: 3600, token_type: 'Bearer' } } : { status: 401, body: { error: 'access_denied' } };
            }
            const form = new URLSearchParams(req.body.toString('utf8'));
            if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== 'refresh-1' || form.get('client_id') !== 'cid' || form.get('client_secret') !== 'csecret') {
                return { status: 400, body: { error: 'invalid_grant' } };
            }
            return { body: { access_token: 'fresh-access', refresh_token: 'refresh-2', expires_in: 3600, token_type: 'bearer' } };
        });
        serve = await startServe([], { cwd: root });
    });
    afterAll(async () => {
        expect(await serve.stop()).toBe(0);
        await Promise.all([provider.close(), echo.close(), tokens.close()]);
        await cleanup();
    });

    it('creates, lists, gets and deletes through the CLI with -e local; credentials never printed nor stored in clear', async () => {
        expect(serve.ready['dataDir']).toBe(join(root, '.ferry', 'serve'));
        const created = await ferry(['integrations', 'create', 'gh', '--provider', 'github', '--base-url', provider.url]);
        expect(created.code, created.stderr).toBe(0);
        expect(created.stdout).toContain('Integration gh created (provider github)');
        const duplicate = await ferry(['integrations', 'create', 'gh', '--provider', 'github']);
        expect(duplicate.code).toBe(1);
        expect(duplicate.stderr).toContain('uniqueKey: Unique key already exists');
        const unknown = await ferry(['integrations', 'create', 'x', '--provider', 'no-such-provider']);
        expect(unknown.stderr).toContain('provider: Invalid provider');

        const conn = await ferry(['connections', 'create', 'gh', 'c-1', '--token', TOKEN, '--metadata', '{"owner":"o"}']);
        expect(conn.code, conn.stderr).toBe(0);
        const wrongType = await ferry(['connections', 'create', 'gh', 'c-2', '--api-key', 'k-123456']);
        expect(wrongType.code).toBe(1);
        expect(wrongType.stderr).toContain('Provider OAUTH2 does not support API_KEY auth');

        const list = await ferry(['connections', 'list', '--json']);
        expect(JSON.parse(list.stdout).connections).toMatchObject([{ connection_id: 'c-1', provider_config_key: 'gh', provider: 'github', metadata: { owner: 'o' } }]);
        const got = await ferry(['connections', 'get', 'gh', 'c-1', '--json']);
        expect(JSON.parse(got.stdout)).toMatchObject({ connection_id: 'c-1', credentials_type: 'OAUTH2' });
        const integrations = await ferry(['integrations', 'list', '--json']);
        expect(JSON.parse(integrations.stdout).integrations).toMatchObject([{ unique_key: 'gh', provider: 'github' }]);
        for (const result of [conn, list, got, integrations]) expect(result.stdout + result.stderr).not.toContain(TOKEN);
        expect(serve.stderr()).not.toContain(TOKEN);

        // Encrypted at rest: the token is in none of the data folder's files.
        for (const file of await filesUnder(join(root, '.ferry', 'serve'))) {
            expect((await readFile(file)).includes(TOKEN), file).toBe(false);
        }
        const missing = await ferry(['connections', 'get', 'gh', 'nope']);
        expect(missing.code).toBe(1);
        expect(missing.stderr).toContain("No connection 'nope' for integration 'gh'");
    });

    it("answers Nango's shapes and errors; ids are data, never SQL", async () => {
        await serve.api('POST', '/integrations', { unique_key: 'shapes', provider: 'github' });
        const odd = "x'; drop table ferry_connections; --";
        const created = await serve.api('POST', '/connections', { provider_config_key: 'shapes', connection_id: odd, credentials: { type: 'OAUTH2', access_token: 'a-token' } });
        expect(created.status).toBe(201);
        expect(created.body).toMatchObject({ connection_id: odd, provider: 'github', credentials: { type: 'OAUTH2', access_token: 'a-token' }, errors: [], end_user: null });
        const got = await serve.api('GET', `/connections/${encodeURIComponent(odd)}?provider_config_key=shapes`);
        expect(got.status).toBe(200);
        expect(got.body.created_at).toMatch(/\+00:00$/);
        expect((await serve.api('GET', '/connections/c?provider_config_key=none')).body).toEqual({ error: { code: 'unknown_provider_config', message: 'Provider does not exists' } });
        expect((await serve.api('GET', '/connections/zzz?provider_config_key=shapes')).body).toEqual({ error: { code: 'not_found', message: 'Failed to find connection' } });
        const noKey = await serve.api('GET', '/connections/zzz');
        expect(noKey.status).toBe(400);
        expect(noKey.body.error.code).toBe('invalid_query_params');
        expect((await serve.api('DELETE', '/connections/zzz?provider_config_key=shapes')).body).toEqual({ error: { code: 'unknown_connection' } });
        expect((await serve.api('GET', '/integrations/none')).body).toEqual({ error: { code: 'not_found', message: 'Integration "none" does not exist' } });
        const bad = await serve.api('POST', '/connections', { provider_config_key: 'shapes', credentials: { type: 'OAUTH2' } });
        expect(bad.status).toBe(400);
        expect(bad.body.error).toMatchObject({ code: 'invalid_body', errors: [{ path: ['credentials', 'access_token'] }] });
        expect((await serve.api('DELETE', `/connections/${encodeURIComponent(odd)}?provider_config_key=shapes`)).body).toEqual({ success: true });
        expect((await serve.api('GET', '/connections?integrationId=gh')).body.connections).toHaveLength(1);

        await serve.api('POST', '/connections', { provider_config_key: 'shapes', connection_id: 'm', credentials: { type: 'OAUTH2', access_token: 'x' }, metadata: { a: 1, b: 1 } });
        const replaced = await serve.api('POST', '/connections/metadata', { connection_id: 'm', provider_config_key: 'shapes', metadata: { b: 2 } });
        expect(replaced.status).toBe(201);
        expect((await serve.api('PATCH', '/connections/metadata', { connection_id: ['m'], provider_config_key: 'shapes', metadata: { c: 3 } })).status).toBe(200);
        expect((await serve.api('GET', '/connections/m?provider_config_key=shapes')).body.metadata).toEqual({ b: 2, c: 3 });
        const unknown = await serve.api('PATCH', '/connections/metadata', { connection_id: ['m', 'nope'], provider_config_key: 'shapes', metadata: { d: 4 } });
        expect(unknown.status).toBe(404);
        expect(unknown.body.error.code).toBe('unknown_connection');
        expect((await serve.api('GET', '/connections/m?provider_config_key=shapes')).body.metadata).toEqual({ b: 2, c: 3 });
    });

    it('proxies with the bearer token, forwards Nango-Proxy-* headers, retries when asked, streams bodies', async () => {
        const user = await proxy('/user', 'c-1', 'gh', { headers: { 'Nango-Proxy-X-Trace': 't-1' } });
        expect(user.status).toBe(200);
        expect(await user.json()).toEqual({ login: 'octocat', id: 1 });
        const seen = provider.requests.at(-1)!;
        expect(seen.headers['authorization']).toBe(`Bearer ${TOKEN}`);
        expect(seen.headers['x-trace']).toBe('t-1');
        expect(seen.headers['connection-id']).toBeUndefined();
        expect(seen.headers['provider-config-key']).toBeUndefined();

        expect((await proxy('/flaky/500/once', 'c-1', 'gh')).status).toBe(500);
        expect((await proxy('/flaky/500/twice', 'c-1', 'gh', { headers: { Retries: '2' } })).status).toBe(200);

        const big = Buffer.alloc(3 * 1024 * 1024, 7);
        const upload = await proxy('/upload', 'c-1', 'gh', { method: 'POST', body: big, headers: { 'Base-Url-Override': echo.url, 'content-type': 'application/octet-stream' } });
        const echoed = (await upload.json()) as { size: number; sha: string };
        expect(echoed.size).toBe(big.length);
        expect(echoed.sha).toBe(createHash('sha256').update(big).digest('hex'));

        const unknown = await proxy('/user', 'c-1', 'nope');
        expect(unknown.status).toBe(404);
        expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('unknown_provider_config');
        const missingHeaders = await fetch(`${serve.url}/proxy/user`, { headers: { authorization: `Bearer ${serve.secretKey}` } });
        expect(missingHeaders.status).toBe(400);
        expect(((await missingHeaders.json()) as { error: { code: string } }).error.code).toBe('invalid_headers');
    });

    it('injects API keys in the header or query the provider defines, and basic credentials', async () => {
        await serve.api('POST', '/integrations', { unique_key: 'ai', provider: 'openai', custom: { base_url: echo.url } });
        await serve.api('POST', '/integrations', { unique_key: 'bw', provider: 'builtwith', custom: { base_url: echo.url } });
        await serve.api('POST', '/integrations', { unique_key: 'ash', provider: 'ashby', custom: { base_url: echo.url } });
        expect((await ferry(['connections', 'create', 'ai', 'k', '--api-key', 'sk-openai-1'])).code).toBe(0);
        expect((await ferry(['connections', 'create', 'bw', 'k', '--api-key', 'bw-key-2'])).code).toBe(0);
        expect((await ferry(['connections', 'create', 'ash', 'k', '--basic', 'alice:pa:ss'])).code).toBe(0);

        const openai = (await (await proxy('/v1/models', 'k', 'ai')).json()) as { headers: Record<string, string> };
        expect(openai.headers['authorization']).toBe('Bearer sk-openai-1');
        const builtwith = (await (await proxy('/v21/api.json?LOOKUP=x.com', 'k', 'bw')).json()) as { query: Record<string, string>; headers: Record<string, string> };
        expect(builtwith.query).toEqual({ LOOKUP: 'x.com', KEY: 'bw-key-2' });
        expect(builtwith.headers['authorization']).toBeUndefined();
        const ashby = (await (await proxy('/candidate.list', 'k', 'ash', { method: 'POST', body: '{}' })).json()) as { headers: Record<string, string> };
        expect(ashby.headers['authorization']).toBe(`Basic ${Buffer.from('alice:pa:ss').toString('base64')}`);
    });

    it("tries imported API keys and basic credentials on the provider's verification endpoint first, and refuses them with Nango's error when it does not answer 2xx", async () => {
        const basic = `Basic ${Buffer.from('alice:right').toString('base64')}`;
        const checks = await startServer((req) => (req.headers['authorization'] === 'Bearer sk-good' || req.headers['authorization'] === basic ? { body: { ok: true } } : { status: 401, body: { error: 'invalid_api_key' } }));
        try {
            await serve.api('POST', '/integrations', { unique_key: 'ai-check', provider: 'openai', custom: { base_url: checks.url } });
            await serve.api('POST', '/integrations', { unique_key: 'ash-check', provider: 'ashby', custom: { base_url: checks.url } });
            const refused = await serve.api('POST', '/connections', { provider_config_key: 'ai-check', connection_id: 'bad', credentials: { type: 'API_KEY', apiKey: 'sk-bad' } });
            expect(refused.status).toBe(400);
            expect(refused.body).toEqual({ error: { code: 'connection_test_failed', message: 'The given credentials were found to be invalid. Please check the credentials and try again.' } });
            expect((await serve.api('GET', '/connections/bad?provider_config_key=ai-check')).status).toBe(404);
            const cli = await ferry(['connections', 'create', 'ai-check', 'bad-cli', '--api-key', 'sk-bad']);
            expect(cli.code).toBe(1);
            expect(cli.stderr).toContain('The given credentials were found to be invalid');
            expect((await serve.api('POST', '/connections', { provider_config_key: 'ai-check', connection_id: 'good', credentials: { type: 'API_KEY', apiKey: 'sk-good' } })).status).toBe(201);

            const wrongPassword = await serve.api('POST', '/connections', { provider_config_key: 'ash-check', connection_id: 'b', credentials: { type: 'BASIC', username: 'alice', password: 'wrong' } });
            expect(wrongPassword.body.error.code).toBe('connection_test_failed');
            expect((await serve.api('POST', '/connections', { provider_config_key: 'ash-check', connection_id: 'b', credentials: { type: 'BASIC', username: 'alice', password: 'right' } })).status).toBe(201);
            // OpenAI's check is GET /v1/models; Ashby's a POST of JSON to apiKey.info.
            expect(checks.requests.map((r) => [r.method, r.path])).toEqual([
                ['GET', '/v1/models'],
                ['GET', '/v1/models'],
                ['GET', '/v1/models'],
                ['POST', '/apiKey.info'],
                ['POST', '/apiKey.info']
            ]);
            expect(checks.requests[3]!.headers['content-type']).toBe('application/json');
        } finally {
            await checks.close();
        }
    });

    it("retries as the provider's definition says: GitHub's own codes only, after its x-ratelimit-reset time", async () => {
        let limited = true;
        let reset = 0;
        const arrivals: number[] = [];
        const github = await startServer((req) => {
            arrivals.push(Date.now());
            if (req.path === '/missing') return { status: 404, body: { message: 'Not Found' } };
            if (limited) {
                limited = false;
                reset = Math.floor(Date.now() / 1000) + 1;
                return { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }, body: { message: 'API rate limit exceeded' } };
            }
            return { body: { ok: true } };
        });
        try {
            await serve.api('POST', '/integrations', { unique_key: 'gh-limits', provider: 'github', custom: { base_url: github.url } });
            await serve.api('POST', '/connections', { provider_config_key: 'gh-limits', connection_id: 'l-1', credentials: { type: 'OAUTH2', access_token: 'tok' } });
            const answer = await proxy('/user', 'l-1', 'gh-limits', { headers: { Retries: '3' } });
            expect(answer.status).toBe(200);
            expect(arrivals).toHaveLength(2);
            // Not sent again before the time the provider named.
            expect(arrivals[1]!).toBeGreaterThanOrEqual(reset * 1000);
            // A 404 is not in GitHub's list: answered as it is, once.
            expect((await proxy('/missing', 'l-1', 'gh-limits', { headers: { Retries: '3' } })).status).toBe(404);
            expect(arrivals).toHaveLength(3);
        } finally {
            await github.close();
        }
    });

    it('signs OAuth 1.0a and NetSuite TBA connections through the proxy; refuses credentials it cannot use yet with a Nango-shaped error', async () => {
        await serve.api('POST', '/integrations', { unique_key: 'trello', provider: 'trello', credentials: { type: 'OAUTH1', client_id: 'ck', client_secret: 'cs' }, custom: { base_url: echo.url } });
        const imported = await serve.api('POST', '/connections', { provider_config_key: 'trello', connection_id: 't-1', credentials: { type: 'OAUTH1', oauth_token: 'tk', oauth_token_secret: 'ts' } });
        expect(imported.status).toBe(201);
        const echoed = (await (await proxy('/1/members/me?fields=id', 't-1', 'trello')).json()) as { headers: Record<string, string> };
        const header = echoed.headers['authorization']!;
        const fields = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], decodeURIComponent(m[2]!)]));
        expect(fields).toMatchObject({ oauth_consumer_key: 'ck', oauth_token: 'tk', oauth_signature_method: 'HMAC-SHA1', oauth_version: '1.0' });
        // The signature of RFC 5849 over the request as sent (method, URL without query, oauth and query parameters).
        const params = Object.entries({ ...fields, fields: 'id' })
            .filter(([key]) => key !== 'oauth_signature')
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
            .join('&');
        const base = ['GET', encodeURIComponent(`${echo.url}/1/members/me`), encodeURIComponent(params)].join('&');
        expect(fields['oauth_signature']).toBe(createHmac('sha1', 'cs&ts').update(base).digest('base64'));

        await serve.api('POST', '/integrations', { unique_key: 'trello-bare', provider: 'trello', custom: { base_url: echo.url } });
        await serve.api('POST', '/connections', { provider_config_key: 'trello-bare', connection_id: 't-2', credentials: { type: 'OAUTH1', oauth_token: 'tk', oauth_token_secret: 'ts' } });
        const noClient = await proxy('/1/members/me', 't-2', 'trello-bare');
        expect(noClient.status).toBe(400);
        expect(((await noClient.json()) as { error: { code: string } }).error.code).toBe('unsupported_auth');

        // NetSuite's token-based auth: HMAC-SHA256, the account id as realm, the integration's client as consumer.
        await serve.api('POST', '/integrations', { unique_key: 'ns', provider: 'netsuite-tba', credentials: { type: 'TBA', client_id: 'nck', client_secret: 'ncs' }, custom: { base_url: echo.url } });
        const noAccount = await serve.api('POST', '/connections', { provider_config_key: 'ns', connection_id: 'n-1', credentials: { type: 'TBA', token_id: 'ti', token_secret: 'tsec' } });
        expect(noAccount.body.error).toEqual({ code: 'invalid_body', message: 'Missing accountId in connection_config. This is required to create a TBA connection.' });
        const tba = await serve.api('POST', '/connections', { provider_config_key: 'ns', connection_id: 'n-1', credentials: { type: 'TBA', token_id: 'ti', token_secret: 'tsec' }, connection_config: { accountId: '123-sb1' } });
        expect(tba.status).toBe(201);
        const netsuite = ((await (await proxy('/customer', 'n-1', 'ns')).json()) as { headers: Record<string, string> }).headers['authorization']!;
        expect(netsuite.startsWith('OAuth realm="123_SB1", ')).toBe(true);
        const nsFields = Object.fromEntries([...netsuite.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], decodeURIComponent(m[2]!)]));
        expect(nsFields).toMatchObject({ oauth_consumer_key: 'nck', oauth_token: 'ti', oauth_signature_method: 'HMAC-SHA256' });
        const nsParams = Object.entries(nsFields)
            .filter(([key]) => key !== 'oauth_signature' && key !== 'realm')
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`)
            .join('&');
        const nsBase = ['GET', encodeURIComponent(`${echo.url}/customer`), encodeURIComponent(nsParams)].join('&');
        expect(nsFields['oauth_signature']).toBe(createHmac('sha256', 'ncs&tsec').update(nsBase).digest('base64'));

        await serve.api('POST', '/integrations', { unique_key: 'gh-app', provider: 'github-app' });
        const app = await serve.api('POST', '/connections', { provider_config_key: 'gh-app', connection_id: 'a-1', credentials: { type: 'APP', app_id: '1', installation_id: '2' } });
        expect(app.status).toBe(400);
        expect(app.body.error).toEqual({ code: 'invalid_body', message: 'Unsupported auth type APP: ferry serve stores OAUTH2, OAUTH2_CC, OAUTH1, TBA, API_KEY, BASIC and NONE credentials' });
        const mismatch = await serve.api('POST', '/connections', { provider_config_key: 'trello', connection_id: 't-3', credentials: { type: 'TBA', token_id: 'a', token_secret: 'b' } });
        expect(mismatch.body.error).toEqual({ code: 'invalid_body', message: 'Provider OAUTH1 does not support TBA auth' });
    });

    it('refreshes an expired OAuth2 token with its refresh token at the token endpoint', async () => {
        await serve.api('POST', '/integrations', {
            unique_key: 'gh-oauth',
            provider: 'github',
            credentials: { type: 'OAUTH2', client_id: 'cid', client_secret: 'csecret' },
            custom: { base_url: echo.url, token_url: `${tokens.url}/token` }
        });
        const expired = new Date(Date.now() - 60_000).toISOString();
        const created = await serve.api('POST', '/connections', {
            provider_config_key: 'gh-oauth',
            connection_id: 'o-1',
            credentials: { type: 'OAUTH2', access_token: 'stale-access', refresh_token: 'refresh-1', expires_at: expired }
        });
        expect(created.status).toBe(201);
        const [a, b] = await Promise.all([proxy('/me', 'o-1', 'gh-oauth'), proxy('/me', 'o-1', 'gh-oauth')]);
        for (const answer of [a, b]) expect(((await answer.json()) as { headers: Record<string, string> }).headers['authorization']).toBe('Bearer fresh-access');
        // Both requests waited for one refresh.
        expect(tokens.requests).toHaveLength(1);
        const got = await serve.api('GET', '/connections/o-1?provider_config_key=gh-oauth');
        expect(got.body.credentials).toMatchObject({ type: 'OAUTH2', access_token: 'fresh-access' });
        expect(got.body.credentials.refresh_token).toBeUndefined();
        const withRefresh = await serve.api('GET', '/connections/o-1?provider_config_key=gh-oauth&refresh_token=true');
        expect(withRefresh.body.credentials.refresh_token).toBe('refresh-2');
        expect(new Date(withRefresh.body.credentials.expires_at).getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
        expect(serve.stderr()).not.toContain('fresh-access');
    });

    it('fetches a new client-credentials token when the stored one expired', async () => {
        await serve.api('POST', '/integrations', { unique_key: 'cc', provider: 'auth0-cc', custom: { base_url: echo.url, token_url: `${tokens.url}/oauth/token` } });
        const created = await serve.api('POST', '/connections', {
            provider_config_key: 'cc',
            connection_id: 'cc-1',
            connection_config: { hostname: 'tenant.example', audience: 'aud-1' },
            credentials: { type: 'OAUTH2_CC', token: 'cc-stale', client_id: 'cc-id', client_secret: 'cc-secret', expires_at: new Date(Date.now() - 1000).toISOString() }
        });
        expect(created.status).toBe(201);
        const seen = (await (await proxy('/api/v2/users', 'cc-1', 'cc')).json()) as { headers: Record<string, string> };
        expect(seen.headers['authorization']).toBe('Bearer cc-fresh');
    });
});
