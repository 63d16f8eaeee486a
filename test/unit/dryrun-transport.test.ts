import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { PlatformClient } from '../../src/platform/client.js';
import { publicConnection, withoutCredentials } from '../../src/secrets/credentials.js';
import { fetchConnection, fetchIntegration } from '../../src/platform/connections.js';
import { createProxyTransport, proxyPath, ProxyNetworkError } from '../../src/dryrun/proxy-transport.js';
import { startFakePlatform, type FakePlatform } from '../support/fake-platform.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';

describe('the /proxy transport against the fake platform and provider', () => {
    let platform: FakePlatform;
    let provider: FakeProvider;
    let client: PlatformClient;
    const connection = { connection_id: 'conn-1', provider_config_key: 'github' };

    beforeAll(async () => {
        provider = await startFakeProvider({ retryAfter: '0' });
        platform = await startFakePlatform({
            providerUrl: provider.url,
            connections: [{ ...connection, metadata: { owner: 'o' }, connection_config: { subdomain: 'x' } }],
            integrations: [{ unique_key: 'github', provider: 'github' }]
        });
        provider.setToken(platform.providerToken);
        client = new PlatformClient({ host: platform.url, secretKey: platform.secretKey, exitCode: ExitCode.Dryrun });
    });
    afterAll(async () => {
        await client.close();
        await platform.close();
        await provider.close();
    });

    it('sends one attempt through /proxy with the proxy headers of docs/platform-api.md; the provider sees only the injected token', async () => {
        const transport = createProxyTransport({ client, connection });
        const response = await transport.send({ method: 'GET', endpoint: '/repos/o/r/issues', params: { per_page: 2, state: ['open', 'closed'] }, headers: { 'X-Custom': 'yes' } });
        expect(response.status).toBe(200);
        expect(Array.isArray(response.data)).toBe(true);
        expect((response.data as { number: number }[]).map((i) => i.number)).toEqual([1, 2]);
        expect(response.headers['link']).toContain('rel="next"');

        const atPlatform = platform.requests.at(-1)!;
        expect(atPlatform.path).toBe('/proxy/repos/o/r/issues');
        expect(atPlatform.query.getAll('state')).toEqual(['open', 'closed']);
        expect(atPlatform.headers['authorization']).toBe(`Bearer ${platform.secretKey}`);
        expect(atPlatform.headers['connection-id']).toBe('conn-1');
        expect(atPlatform.headers['provider-config-key']).toBe('github');
        expect(atPlatform.headers['nango-proxy-x-custom']).toBe('yes');
        expect(atPlatform.headers['retries']).toBeUndefined();

        const atProvider = provider.requests.at(-1)!;
        expect(atProvider.headers['authorization']).toBe(platform.providerToken);
        expect(atProvider.headers['x-custom']).toBe('yes');
        expect(JSON.stringify(atProvider.headers)).not.toContain(platform.secretKey);
    });

    it('returns a 429 as an answer (retrying is the runtime\'s job) and posts JSON bodies', async () => {
        const transport = createProxyTransport({ client, connection });
        const limited = await transport.send({ method: 'GET', endpoint: '/flaky/429/unit' });
        expect(limited.status).toBe(429);
        expect(limited.headers['retry-after']).toBe('0');
        const created = await transport.send({ method: 'POST', endpoint: '/repos/o/r/issues', data: { title: 'Hello' } });
        expect(created.status).toBe(201);
        expect((created.data as { title: string }).title).toBe('Hello');
    });

    it('surfaces a network failure as an error with a code', async () => {
        const dead = new PlatformClient({ host: 'http://127.0.0.1:9', secretKey: 'sk', exitCode: ExitCode.Dryrun });
        const transport = createProxyTransport({ client: dead, connection });
        const error = await transport.send({ method: 'GET', endpoint: '/user' }).catch((e: unknown) => e);
        await dead.close();
        expect(error).toBeInstanceOf(ProxyNetworkError);
        expect((error as ProxyNetworkError).code).toBe('ECONNREFUSED');
        expect((error as Error).message).not.toContain('sk');
    });

    it('reports a header Node refuses to send as the request\'s fault, not a network failure', async () => {
        const transport = createProxyTransport({ client, connection });
        const error = await transport.send({ method: 'GET', endpoint: '/user', headers: { 'X-Bad': 'a\nb' } }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Error);
        expect(error).not.toBeInstanceOf(ProxyNetworkError);
        expect((error as Error).message).toMatch(/GET \/proxy\/user was not sent: .*X-Bad/i);
    });

    it('looks up a connection and drops its credentials; 404 names the connection and integration', async () => {
        const { value: found, secrets } = await fetchConnection(client, { connectionId: 'conn-1', integration: 'github', environment: 'dev', exitCode: ExitCode.Dryrun });
        expect(found.connection_id).toBe('conn-1');
        // The values it dropped come back apart, for the redactor to mask.
        expect(secrets).toContain(platform.providerToken.replace('Bearer ', ''));
        expect(found.metadata).toEqual({ owner: 'o' });
        expect(found['credentials']).toBeUndefined();
        expect(JSON.stringify(found)).not.toContain(platform.providerToken.replace('Bearer ', ''));
        const missing = await fetchConnection(client, { connectionId: 'nope', integration: 'github', environment: 'prod', exitCode: ExitCode.Dryrun }).catch((e: unknown) => e);
        expect((missing as { code: string }).code).toBe('CONNECTION_NOT_FOUND');
        expect((missing as Error).message).toMatch(/'nope'.*'github'.*'prod'/);
        expect((await fetchIntegration(client, 'github', ExitCode.Dryrun)).value.provider).toBe('github');
    });

    it('builds proxy paths and strips credentials at any depth', () => {
        expect(proxyPath({ endpoint: 'user' })).toBe('/proxy/user');
        expect(proxyPath({ endpoint: '/a?x=1', params: { y: 2 } })).toBe('/proxy/a?x=1&y=2');
        expect(withoutCredentials({ a: 1, credentials: { x: 1 }, nested: { access_token: 't', refresh_token: 'r', client_secret: 's', keep: true }, provider_config_key: 'k' })).toEqual({
            a: 1,
            nested: { keep: true },
            provider_config_key: 'k'
        });
    });

    it('shows a connection without credentials but with the metadata the user set, as is', () => {
        const connection = {
            connection_id: 'c',
            provider_config_key: 'github',
            provider: 'github',
            credentials: { access_token: 't' },
            connection_config: { org: 'acme', client_secret: 's' },
            metadata: { webhookSecret: 'mine', repo: 'r' }
        };
        expect(publicConnection(connection)).toEqual({
            connection_id: 'c',
            provider_config_key: 'github',
            provider: 'github',
            connection_config: { org: 'acme' },
            metadata: { webhookSecret: 'mine', repo: 'r' }
        });
    });
});

describe('the platform client on a bad network', () => {
    it('sends an idempotent request again on a fresh connection when a kept-alive one turns out closed', async () => {
        const { createServer } = await import('node:net');
        let connections = 0;
        // Each connection answers its first request, then drops the connection on the next one
        // without answering: what a server that closed an idle keep-alive socket looks like.
        const server = createServer((socket) => {
            connections++;
            let served = 0;
            socket.on('data', () => {
                if (served++ === 0) socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\n{}');
                else socket.destroy();
            });
        });
        await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
        const client = new PlatformClient({ host: `http://127.0.0.1:${(server.address() as { port: number }).port}`, secretKey: 'k', exitCode: ExitCode.Dryrun });
        try {
            expect((await client.raw({ method: 'GET', path: '/a' })).status).toBe(200);
            expect((await client.raw({ method: 'GET', path: '/b' })).status).toBe(200);
            expect(connections).toBe(2);
            // A POST is never sent twice: the server may have read it before the connection dropped.
            const post = await client.raw({ method: 'POST', path: '/c', body: { x: 1 } }).catch((e: unknown) => e);
            expect((post as { details: { networkCode: string } }).details.networkCode).toBe('ECONNRESET');
            expect(connections).toBe(2);
        } finally {
            await client.close();
            await new Promise((r) => server.close(r));
        }
    });

    it('times out waiting for an answer, resets and refusals, with stable network codes and no key in messages', async () => {
        const { createServer } = await import('node:net');
        const silent = createServer((socket) => socket.on('data', () => {}));
        const dropper = createServer((socket) => socket.once('data', () => socket.destroy()));
        await Promise.all([silent, dropper].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()))));
        const port = (s: typeof silent): number => (s.address() as { port: number }).port;
        const attempt = async (host: string): Promise<{ code: string; networkCode: unknown; message: string }> => {
            const client = new PlatformClient({ host, secretKey: 'sk-secret-value', exitCode: ExitCode.Deploy, timeoutMs: 300 });
            try {
                const error = (await client.raw({ method: 'POST', path: '/sync/deploy', body: { a: 1 } }).catch((e: unknown) => e)) as { code: string; details: { networkCode: unknown }; message: string; exitCode: number };
                expect(error.exitCode).toBe(ExitCode.Deploy);
                expect(error.message).not.toContain('sk-secret-value');
                return { code: error.code, networkCode: error.details.networkCode, message: error.message };
            } finally {
                await client.close();
            }
        };
        try {
            expect(await attempt(`http://127.0.0.1:${port(silent)}`)).toMatchObject({ code: 'PLATFORM_TIMEOUT', networkCode: 'UND_ERR_HEADERS_TIMEOUT' });
            expect(await attempt(`http://127.0.0.1:${port(dropper)}`)).toMatchObject({ code: 'PLATFORM_UNREACHABLE', networkCode: 'ECONNRESET' });
            expect(await attempt('http://127.0.0.1:9')).toMatchObject({ code: 'PLATFORM_UNREACHABLE', networkCode: 'ECONNREFUSED' });
        } finally {
            await Promise.all([silent, dropper].map((s) => new Promise((r) => s.close(r))));
        }
    });
});
