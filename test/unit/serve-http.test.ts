/** ferry serve's small pieces: the route table, provider templates, credential headers, refresh timing. */
import { describe, expect, it } from 'vitest';
import { Router } from '../../src/serve/http.js';
import { needsRefresh } from '../../src/serve/oauth-refresh.js';
import { addAuthQuery, authHeaders, interpolate, providerBaseUrl } from '../../src/serve/provider-auth.js';

describe('Router', () => {
    const router = new Router();
    const handler = () => undefined;
    router.add({ method: 'GET', path: '/connections/:connectionId', handler });
    router.add({ method: '*', path: '/proxy/*', handler });

    it('matches named segments (decoded) and the proxy rest (kept as sent); says which methods a path has', () => {
        const found = router.match('GET', '/connections/a%2Fb%20c');
        expect('params' in found && found.params).toEqual({ connectionId: 'a/b c' });
        const proxy = router.match('PATCH', '/proxy/repos/o/r%2Fx');
        expect('params' in proxy && proxy.params).toEqual({ rest: 'repos/o/r%2Fx' });
        expect(router.match('DELETE', '/connections/x')).toEqual({ allowed: ['GET'] });
        expect(router.match('GET', '/connections')).toEqual({ allowed: [] });
    });
});

describe('provider templates', () => {
    it('fills ${...} paths and refuses a template it cannot fill', () => {
        expect(interpolate('Bearer ${apiKey}', { apiKey: 'k' })).toBe('Bearer k');
        expect(interpolate('https://${connectionConfig.sub}.x.com', { connectionConfig: { sub: 'acme' } })).toBe('https://acme.x.com');
        expect(interpolate('${connectionConfig.missing}', { connectionConfig: {} })).toBeUndefined();
    });

    it('picks the first base URL whose connection config is set', () => {
        const provider = { name: 'p', auth_mode: 'API_KEY', proxy: { base_url: 'https://${connectionConfig.region}.api.com || https://api.com' } };
        expect(providerBaseUrl(provider, { region: 'eu' })).toBe('https://eu.api.com');
        expect(providerBaseUrl(provider, {})).toBe('https://api.com');
    });

    it('builds the credential headers and query of each auth mode', () => {
        const none = { name: 'p', auth_mode: 'X' };
        expect(authHeaders(none, { type: 'BASIC', username: 'u', password: 'p:w' }, {}, null)).toEqual({ authorization: `Basic ${Buffer.from('u:p:w').toString('base64')}` });
        expect(authHeaders(none, { type: 'OAUTH2', access_token: 'at' }, {}, null)).toEqual({ authorization: 'Bearer at' });
        expect(authHeaders(none, { type: 'OAUTH2_CC', token: 'cc' }, {}, null)).toEqual({ authorization: 'Bearer cc' });
        const apiKey = { name: 'p', auth_mode: 'API_KEY', proxy: { headers: { 'X-Api-Key': '${apiKey}', 'X-Account': '${connectionConfig.account}' }, query: { key: '${apiKey}' } } };
        expect(authHeaders(apiKey, { type: 'API_KEY', apiKey: 'k1' }, { account: 'a1' }, null)).toEqual({ 'x-api-key': 'k1', 'x-account': 'a1' });
        expect(authHeaders(apiKey, { type: 'API_KEY', apiKey: 'k1' }, {}, null)).toEqual({ 'x-api-key': 'k1' });
        const url = new URL('https://api.com/x?a=1');
        addAuthQuery(url, apiKey, { type: 'API_KEY', apiKey: 'k 2' }, {});
        expect(url.search).toBe('?a=1&key=k+2');
    });
});

describe('needsRefresh', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    it('refreshes OAuth2 tokens expiring within 15 minutes, nothing else', () => {
        expect(needsRefresh({ type: 'OAUTH2', expires_at: '2026-01-01T00:10:00Z' }, now)).toBe(true);
        expect(needsRefresh({ type: 'OAUTH2', expires_at: '2026-01-01T00:20:00Z' }, now)).toBe(false);
        expect(needsRefresh({ type: 'OAUTH2' }, now)).toBe(false);
        expect(needsRefresh({ type: 'OAUTH2_CC', expires_at: '2025-12-31T00:00:00Z' }, now)).toBe(true);
        expect(needsRefresh({ type: 'API_KEY', expires_at: '2025-12-31T00:00:00Z' }, now)).toBe(false);
    });
});
