/**
 * `ferry serve --webhook-url`: Nango's `auth` webhook on connection creation and override, to the
 * primary and secondary URLs, signed as Nango signs (checked here with openssl, not with Ferry's
 * code), retried on 5xx and network errors, not on 4xx, kept across a restart, settings and
 * signing key changed through the API.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/cli.js';
import { startServer, type TestRequest, type TestServer } from '../support/http.js';
import { startServe, type ServeProcess } from '../support/serve.js';
import { waitFor } from '../support/wait.js';

/** HMAC-SHA256 and the legacy sha256(key + body), computed by openssl from the raw bytes received. */
function opensslHmac(key: string, body: Buffer): string {
    return execFileSync('openssl', ['dgst', '-sha256', '-hmac', key], { input: body }).toString('utf8').trim().split(/\s+/).pop()!;
}
function opensslLegacy(key: string, body: Buffer): string {
    return execFileSync('openssl', ['dgst', '-sha256'], { input: Buffer.concat([Buffer.from(key), body]) }).toString('utf8').trim().split(/\s+/).pop()!;
}

async function freePort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
}

describe('ferry serve: webhooks to the app', () => {
    let root: string;
    let cleanup: () => Promise<void>;
    let serve: ServeProcess;
    let app: TestServer;
    let flakyCalls = 0;
    let signingKey: string;
    const to = (path: string): TestRequest[] => app.requests.filter((r) => r.path === path);
    const connection = (id: string) =>
        serve.api('POST', '/connections', { provider_config_key: 'gh', connection_id: id, credentials: { type: 'OAUTH2', access_token: `tok-${id}` } });

    beforeAll(async () => {
        ({ dir: root, cleanup } = await makeTempDir('ferry-serve-webhooks-'));
        await mkdir(join(root, '.nango'));
        await writeFile(join(root, 'index.ts'), '');
        app = await startServer((req) => {
            if (req.path === '/flaky') return { status: ++flakyCalls === 1 ? 503 : 200, body: {} };
            if (req.path === '/gone') return { status: 410, body: {} };
            if (req.path === '/moved') return { status: 302, headers: { location: `${app.url}/primary` } };
            return { status: 200, body: { ok: true } };
        });
        serve = await startServe(['--webhook-url', `${app.url}/primary`, '--webhook-url', `${app.url}/secondary`], { cwd: root });
        signingKey = String(serve.ready['webhookSigningKey']);
        expect((await serve.api('POST', '/integrations', { unique_key: 'gh', provider: 'github' })).status).toBe(200);
    });
    afterAll(async () => {
        await serve.stop();
        await app.close();
        await cleanup();
    });

    it('prints a generated signing key distinct from the secret key, and refuses a third URL', async () => {
        expect(signingKey).toMatch(/^[0-9a-f-]{36}$/);
        expect(signingKey).not.toBe(serve.secretKey);
        const three = await startServe(['--webhook-url', 'http://a.test/1', '--webhook-url', 'http://a.test/2', '--webhook-url', 'http://a.test/3'], { cwd: root }).catch((error: Error) => error);
        expect(String(three)).toContain('at most two');
    });

    it('sends the auth webhook of a created connection to both URLs, signed as Nango signs it', async () => {
        expect((await connection('c-1')).status).toBe(201);
        const [primary, secondary] = await waitFor('both deliveries', () => to('/primary').length >= 1 && to('/secondary').length >= 1 && [to('/primary')[0]!, to('/secondary')[0]!]);
        expect(primary.body.equals(secondary.body)).toBe(true);
        expect(primary.json()).toEqual({
            from: 'nango',
            type: 'auth',
            connectionId: 'c-1',
            providerConfigKey: 'gh',
            authMode: 'OAUTH2',
            provider: 'github',
            environment: 'dev',
            operation: 'creation',
            success: true
        });
        // Keys in alphabetical order, as Nango's stable serialisation sends them.
        expect(Object.keys(primary.json() as object)).toEqual([...Object.keys(primary.json() as object)].sort());
        expect(primary.headers['content-type']).toBe('application/json');
        expect(primary.headers['x-nango-hmac-sha256']).toBe(opensslHmac(signingKey, primary.body));
        expect(primary.headers['x-nango-signature']).toBe(opensslLegacy(signingKey, primary.body));
        expect(primary.headers['x-nango-hmac-sha256']).not.toBe(opensslHmac(serve.secretKey!, primary.body));
        expect(JSON.stringify(primary.headers)).not.toContain(serve.secretKey!);
    });

    it('sends operation override when a connection is imported again', async () => {
        const before = to('/primary').length;
        expect((await connection('c-1')).status).toBe(201);
        const next = await waitFor('override', () => to('/primary').length > before && to('/primary')[before]!);
        expect(next.json()).toMatchObject({ type: 'auth', connectionId: 'c-1', operation: 'override', success: true });
    });

    it('changes URLs through the API; retries a 5xx, not a 4xx nor a redirect', async () => {
        const patched = await serve.api('PATCH', '/api/v1/environments/webhook', { primary_url: `${app.url}/flaky`, secondary_url: '' });
        expect(patched).toMatchObject({ status: 200, body: { success: true } });
        expect((await serve.api('PATCH', '/api/v1/environments/webhook', {})).body).toEqual({ error: { code: 'invalid_body', message: 'Nothing to update' } });
        expect((await serve.api('PATCH', '/api/v1/environments/webhook', { primary_url: 'not a url' })).body.error.code).toBe('invalid_body');
        expect((await connection('c-2')).status).toBe(201);
        await waitFor('the retry', () => to('/flaky').length >= 2);
        const [first, second] = to('/flaky');
        expect(first!.body.equals(second!.body)).toBe(true);
        expect(second!.headers['x-nango-hmac-sha256']).toBe(opensslHmac(signingKey, second!.body));
        await waitFor('delivered line', () => /webhook auth delivered \(200, attempt 2\)/.test(serve.stderr()));

        await serve.api('PATCH', '/api/v1/environments/webhook', { primary_url: `${app.url}/gone` });
        await connection('c-3');
        await waitFor('the 410 outcome', () => /webhook auth not delivered: status 410 \(not retried\)/.test(serve.stderr()));
        expect(to('/gone')).toHaveLength(1);

        await serve.api('PATCH', '/api/v1/environments/webhook', { primary_url: `${app.url}/moved` });
        const primaryBefore = to('/primary').length;
        await connection('c-4');
        await waitFor('the 302 outcome', () => /webhook auth not delivered: status 302 \(not retried\)/.test(serve.stderr()));
        expect(to('/moved')).toHaveLength(1);
        expect(to('/primary')).toHaveLength(primaryBefore);
    });

    it('does not send auth creation webhooks once turned off', async () => {
        await serve.api('PATCH', '/api/v1/environments/webhook', { primary_url: `${app.url}/primary`, on_auth_creation: false });
        expect((await serve.api('GET', '/api/v1/environments/webhook')).body.data).toMatchObject({ primary_url: `${app.url}/primary`, secondary_url: null, on_auth_creation: false });
        const before = to('/primary').length;
        await connection('c-5');
        // An override is still sent: it proves the queue ran after the creation was skipped.
        await connection('c-5');
        const sent = await waitFor('override', () => to('/primary').length > before && to('/primary').slice(before));
        expect(sent.map((r) => (r.json() as { operation: string }).operation)).toEqual(['override']);
        await serve.api('PATCH', '/api/v1/environments/webhook', { on_auth_creation: true });
    });

    it('sends auth with operation refresh and success false when an OAuth2 refresh fails', async () => {
        const tokens = await startServer(() => ({ status: 400, body: { error: 'invalid_grant' } }));
        try {
            const integration = await serve.api('POST', '/integrations', { unique_key: 'gh-refresh', provider: 'github', custom: { token_url: `${tokens.url}/token` }, credentials: { type: 'OAUTH2', client_id: 'cid', client_secret: 'csecret' } });
            expect(integration.status).toBe(200);
            const expired = new Date(Date.now() - 60_000).toISOString();
            const imported = await serve.api('POST', '/connections', { provider_config_key: 'gh-refresh', connection_id: 'r-1', credentials: { type: 'OAUTH2', access_token: 'old', refresh_token: 'refresh-1', expires_at: expired } });
            expect(imported.status).toBe(201);
            const before = to('/primary').length;
            expect((await serve.api('GET', '/connections/r-1?provider_config_key=gh-refresh')).body.error.code).toBe('invalid_credentials');
            const sent = await waitFor('the refresh webhook', () => to('/primary').slice(before).find((r) => (r.json() as { operation: string }).operation === 'refresh'));
            expect(sent.json()).toEqual({
                from: 'nango',
                type: 'auth',
                connectionId: 'r-1',
                providerConfigKey: 'gh-refresh',
                authMode: 'OAUTH2',
                provider: 'github',
                environment: 'dev',
                operation: 'refresh',
                success: false,
                error: { type: 'refresh_token_external_error', description: 'refreshing the token of connection r-1 failed (invalid_grant)' }
            });
        } finally {
            await tokens.close();
        }
    });

    it('rotates the signing key through the API; later webhooks are signed with the new one', async () => {
        const rotated = await serve.api('POST', '/environment/webhook-signing-key/rotate');
        expect(rotated.status).toBe(200);
        const key = rotated.body.data.webhook_signing_key as string;
        expect(key).not.toBe(signingKey);
        const before = to('/primary').length;
        await connection('c-6');
        const next = await waitFor('delivery', () => to('/primary').length > before && to('/primary')[before]!);
        expect(next.headers['x-nango-hmac-sha256']).toBe(opensslHmac(key, next.body));
        signingKey = key;
    });

    it('keeps retrying a network error, and delivers after a restart what was still pending', async () => {
        const port = await freePort();
        await serve.api('PATCH', '/api/v1/environments/webhook', { primary_url: `http://127.0.0.1:${port}/late` });
        await connection('c-7');
        await waitFor('a network error', () => /webhook auth: network error .*retrying/.test(serve.stderr()));
        expect(await serve.stop()).toBe(0);
        // The same port, now answering: a receiver that was down while the server stopped.
        const receiver = await new Promise<{ requests: TestRequest[]; close(): Promise<void> }>((resolve) => {
            const requests: TestRequest[] = [];
            void import('node:http').then(({ createServer: create }) => {
                const server = create((req, res) => {
                    const chunks: Buffer[] = [];
                    req.on('data', (c: Buffer) => chunks.push(c));
                    req.on('end', () => {
                        const body = Buffer.concat(chunks);
                        requests.push({ method: req.method ?? '', path: req.url ?? '', query: new URLSearchParams(), headers: req.headers, body, json: () => JSON.parse(body.toString('utf8')) });
                        res.writeHead(200).end();
                    });
                });
                server.listen(port, '127.0.0.1', () => resolve({ requests, close: () => new Promise((done) => server.close(() => done())) }));
            });
        });
        serve = await startServe([], { cwd: root, secretKey: serve.secretKey! });
        expect(serve.ready['webhookSigningKey']).toBeUndefined();
        const got = await waitFor('the delivery after restart', () => receiver.requests[0]);
        expect(got.json()).toMatchObject({ type: 'auth', connectionId: 'c-7', operation: 'creation' });
        expect(got.headers['x-nango-hmac-sha256']).toBe(opensslHmac(signingKey, got.body));
        await receiver.close();
    });
});
