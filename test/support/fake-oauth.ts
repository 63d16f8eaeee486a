/**
 * A local OAuth2 authorization server for `ferry connect` tests: `/authorize` plays the consent
 * page (grants, or refuses with `error=access_denied`, per `mode`) and redirects to the client's
 * redirect URI with the code and the state it was given; `/token` exchanges a code once, checking
 * the client id and secret, the redirect URI and, when the authorize call had a PKCE challenge,
 * that `code_verifier` hashes (S256) to it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { startServer, type TestServer } from './http.js';

export interface FakeOAuth extends TestServer {
    /** What the next /authorize does. */
    mode: 'grant' | 'deny';
    /** Tokens issued, by access token. */
    issued: Map<string, { code: string; verifierChecked: boolean }>;
    authorizeUrl: string;
    tokenUrl: string;
}

export async function startFakeOAuth(client: { id: string; secret: string }): Promise<FakeOAuth> {
    const codes = new Map<string, { redirectUri: string; challenge: string | null }>();
    const state: { mode: 'grant' | 'deny'; issued: FakeOAuth['issued'] } = { mode: 'grant', issued: new Map() };
    const server = await startServer((req) => {
        if (req.method === 'GET' && req.path === '/authorize') {
            const q = req.query;
            const redirect = q.get('redirect_uri');
            if (q.get('response_type') !== 'code' || q.get('client_id') !== client.id || !redirect) return { status: 400, body: { error: 'invalid_request' } };
            if (q.get('code_challenge') && q.get('code_challenge_method') !== 'S256') return { status: 400, body: { error: 'invalid_request' } };
            const back = new URL(redirect);
            if (state.mode === 'deny') {
                back.searchParams.set('error', 'access_denied');
                back.searchParams.set('error_description', 'The user refused access');
            } else {
                const code = randomBytes(12).toString('hex');
                codes.set(code, { redirectUri: redirect, challenge: q.get('code_challenge') });
                back.searchParams.set('code', code);
            }
            if (q.get('state') !== null) back.searchParams.set('state', q.get('state')!);
            return { status: 302, headers: { location: back.toString() } };
        }
        if (req.method === 'POST' && req.path === '/token') {
            const form = new URLSearchParams(req.body.toString('utf8'));
            const code = form.get('code') ?? '';
            const grant = codes.get(code);
            codes.delete(code);
            if (form.get('grant_type') !== 'authorization_code' || !grant) return { status: 400, body: { error: 'invalid_grant' } };
            if (form.get('client_id') !== client.id || form.get('client_secret') !== client.secret) return { status: 401, body: { error: 'invalid_client' } };
            if (form.get('redirect_uri') !== grant.redirectUri) return { status: 400, body: { error: 'invalid_grant' } };
            let verifierChecked = false;
            if (grant.challenge !== null) {
                const verifier = form.get('code_verifier') ?? '';
                if (createHash('sha256').update(verifier).digest('base64url') !== grant.challenge) return { status: 400, body: { error: 'invalid_grant', error_description: 'code_verifier' } };
                verifierChecked = true;
            }
            const accessToken = `at-${randomBytes(8).toString('hex')}`;
            state.issued.set(accessToken, { code, verifierChecked });
            return { body: { access_token: accessToken, refresh_token: `rt-${randomBytes(8).toString('hex')}`, expires_in: 3600, token_type: 'Bearer', scope: form.get('scope') ?? '' } };
        }
        return undefined;
    });
    // An accessor, so a test switching `mode` changes what the running server does.
    Object.defineProperty(server, 'mode', { get: () => state.mode, set: (value: 'grant' | 'deny') => (state.mode = value), enumerable: true });
    return Object.assign(server, { issued: state.issued, authorizeUrl: `${server.url}/authorize`, tokenUrl: `${server.url}/token` }) as FakeOAuth;
}
