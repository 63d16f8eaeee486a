import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePlatform, type FakePlatform } from '../support/fake-platform.js';

describe('the fake platform (test support other suites rely on)', () => {
    let platform: FakePlatform;
    const call = (path: string, init: RequestInit = {}, key = platform.secretKey): Promise<Response> =>
        fetch(platform.url + path, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });

    beforeAll(async () => {
        platform = await startFakePlatform({
            connections: [
                { connection_id: 'a', provider_config_key: 'github', provider: 'github', metadata: { x: 1 } },
                { connection_id: 'b', provider_config_key: 'slack', provider: 'slack' }
            ],
            integrations: [{ unique_key: 'github', provider: 'github' }],
            environmentVariables: [{ name: 'REGION', value: 'eu' }],
            extraRoutes: [(req) => (req.path === '/connections/a' && req.query.get('override') ? { body: { overridden: true } } : undefined)]
        });
    });
    afterAll(() => platform.close());

    it('rejects a wrong key on every route, extra routes included', async () => {
        for (const path of ['/connections/a?provider_config_key=github', '/proxy/user', '/sync/deploy']) {
            expect((await call(path, {}, 'wrong')).status).toBe(401);
        }
    });

    it('serves connections (with credentials, as a real platform may), lists, integrations and env vars', async () => {
        const one = (await (await call('/connections/a?provider_config_key=github')).json()) as Record<string, unknown>;
        expect(one).toMatchObject({ connection_id: 'a', metadata: { x: 1 }, credentials: { access_token: platform.providerToken.replace('Bearer ', '') } });
        expect((await call('/connections/a?provider_config_key=slack')).status).toBe(404);
        const list = (await (await call('/connections?integrationId=slack')).json()) as { connections: Record<string, unknown>[] };
        expect(list.connections.map((c) => c['connection_id'])).toEqual(['b']);
        expect(list.connections[0]!['credentials']).toBeUndefined();
        expect(await (await call('/integrations/github')).json()).toMatchObject({ data: { provider: 'github', unique_key: 'github' } });
        expect((await call('/integrations/jira')).status).toBe(404);
        expect(await (await call('/environment-variables')).json()).toEqual([{ name: 'REGION', value: 'eu' }]);
    });

    it('tries extra routes first and falls through when they pass', async () => {
        expect(await (await call('/connections/a?provider_config_key=github&override=1')).json()).toEqual({ overridden: true });
        expect((await call('/connections/a?provider_config_key=github')).status).toBe(200);
    });

    it('records metadata writes: POST replaces, PATCH merges', async () => {
        await call('/connections/metadata', { method: 'POST', body: JSON.stringify({ connection_id: 'b', provider_config_key: 'slack', metadata: { a: 1 } }) });
        await call('/connections/metadata', { method: 'PATCH', body: JSON.stringify({ connection_id: 'b', provider_config_key: 'slack', metadata: { b: 2 } }) });
        expect(platform.connections.get('slack/b')!.metadata).toEqual({ a: 1, b: 2 });
        expect(platform.metadataWrites.map((w) => w.method)).toEqual(['POST', 'PATCH']);
    });

    it('answers /proxy with 502 when no provider is configured, and 404 for an unknown connection', async () => {
        expect((await call('/proxy/user', { headers: { 'connection-id': 'a', 'provider-config-key': 'github' } })).status).toBe(502);
        expect((await call('/proxy/user', { headers: { 'connection-id': 'zz', 'provider-config-key': 'github' } })).status).toBe(404);
    });
});
