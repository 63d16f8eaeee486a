/**
 * `ferry connect` end to end: the built CLI against `ferry serve` and a local fake authorization
 * server. The test plays the browser: it reads the printed authorization URL, follows the fake's
 * redirect back to the server's /oauth/callback, and checks what was stored and sent: a granted
 * consent (PKCE checked by the token endpoint), a refused one, a forged `state`, and a server
 * restarted between the authorization redirect and the callback.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, FERRY_BIN, makeTempDir, runFerry } from '../support/cli.js';
import { startFakeOAuth, type FakeOAuth } from '../support/fake-oauth.js';
import { addProjectSetup, copyFixture } from '../support/function-project.js';
import { startServer, type TestServer } from '../support/http.js';
import { startServe, type ServeProcess } from '../support/serve.js';
import { runLocal } from '../support/serve-project.js';
import { waitFor } from '../support/wait.js';

/** `ferry connect` running in the background: its authorization URL once printed, and its end. */
function connect(args: string[], cwd: string) {
    const child = spawn(process.execPath, [FERRY_BIN, 'connect', ...args, '-e', 'local', '--json'], { cwd, env: baseEnv({ FERRY_NO_BROWSER: '1' }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
    const url = waitFor('the authorization URL', () => /^(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)$/m.exec(stderr)?.[1]);
    return { url, done, child };
}

/** The browser: the authorization page redirects to the callback, which answers with a page. */
async function browse(authorizationUrl: string): Promise<{ callback: URL; status: number; page: string }> {
    const consent = await fetch(authorizationUrl, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const callback = new URL(consent.headers.get('location')!);
    const answer = await fetch(callback, { redirect: 'manual' });
    return { callback, status: answer.status, page: await answer.text() };
}

describe('ferry connect: OAuth connections through ferry serve', () => {
    let root: string;
    let cleanup: () => Promise<void>;
    let serve: ServeProcess;
    let oauth: FakeOAuth;
    let app: TestServer;
    let api: TestServer;
    const getConnection = (id: string) => serve.api('GET', `/connections/${id}?provider_config_key=goo&refresh_token=true`);
    /** The browser consents at `url`: the page says connected, `ferry connect` prints the connection, and the server holds it. */
    const consentCompletes = async (run: ReturnType<typeof connect>, url: string, id: string) => {
        const { status, page } = await browse(url);
        expect(status, serve.stderr()).toBe(200);
        expect(page).toContain('Connected');
        const result = await run.done;
        expect(result.code, result.stderr).toBe(0);
        expect(JSON.parse(result.stdout)).toEqual({ connection_id: id, provider_config_key: 'goo' });
        const stored = await getConnection(id);
        expect(stored.status).toBe(200);
        return { result, stored };
    };

    beforeAll(async () => {
        ({ dir: root, cleanup } = await makeTempDir('ferry-serve-oauth-'));
        // The integration's on-event scripts: they run when `ferry connect` stores a connection.
        await copyFixture('serve-on-events', join(root, 'goo/on-events'));
        await addProjectSetup(root);
        await writeFile(join(root, 'index.ts'), "import './goo/on-events/check.js';\nimport './goo/on-events/welcome.js';\n");
        oauth = await startFakeOAuth({ id: 'client-1', secret: 'client-secret-1' });
        // The provider's API: answers only the tokens the fake authorization server issued.
        api = await startServer((req) => {
            const token = String(req.headers['authorization'] ?? '').replace(/^Bearer /, '');
            return oauth.issued.has(token) ? { body: { email: 'someone@example.test' } } : { status: 401, body: { error: 'unauthorized' } };
        });
        app = await startServer(() => ({ status: 200 }));
        serve = await startServe(['--webhook-url', `${app.url}/hooks`], { cwd: root });
        await runLocal(root, [
            ['integrations', 'create', 'goo', '--provider', 'google', '--client-id', 'client-1', '--client-secret', 'client-secret-1', '--scopes', 'email,profile', '--authorization-url', oauth.authorizeUrl, '--token-url', oauth.tokenUrl, '--base-url', api.url],
            ['deploy', '--auto-confirm', '--json']
        ]);
    });
    afterAll(async () => {
        await serve.stop();
        await Promise.all([oauth.close(), app.close(), api.close()]);
        await cleanup();
    });

    it('connects: consent granted, code exchanged with PKCE, connection stored, auth webhook sent to the override', async () => {
        const run = connect(['goo', 'conn-1', '--webhook-url-override', `${app.url}/override`], root);
        const url = new URL(await run.url);
        expect(url.searchParams.get('client_id')).toBe('client-1');
        expect(url.searchParams.get('scope')).toBe('email profile');
        expect(url.searchParams.get('redirect_uri')).toBe(`${serve.url}/oauth/callback`);
        expect(url.searchParams.get('code_challenge_method')).toBe('S256');
        // google's authorization_params from the provider catalog
        expect(url.searchParams.get('access_type')).toBe('offline');
        const { result, stored } = await consentCompletes(run, url.toString(), 'conn-1');
        const token = stored.body.credentials.access_token as string;
        expect(oauth.issued.get(token)).toMatchObject({ verifierChecked: true });
        expect(stored.body.credentials).toMatchObject({ type: 'OAUTH2', refresh_token: expect.stringMatching(/^rt-/), expires_at: expect.any(String) });
        expect(stored.body.webhook_url_override).toBe(`${app.url}/override`);
        expect(result.stdout + result.stderr).not.toContain(token);

        const hook = await waitFor('the auth webhook', () => app.requests.find((r) => r.path === '/override'));
        expect(hook.json()).toEqual({ from: 'nango', type: 'auth', connectionId: 'conn-1', providerConfigKey: 'goo', authMode: 'OAUTH2', provider: 'google', environment: 'dev', operation: 'creation', success: true });
        expect(app.requests.filter((r) => r.path === '/hooks')).toHaveLength(0);

        // post-connection-creation ran with the new connection, its call authorised with the new token.
        const welcomed = await waitFor('the on-event call', () => api.requests.find((r) => r.path === '/user' && r.query.get('from') === 'conn-1'), 60_000);
        expect(welcomed.headers['authorization']).toBe(`Bearer ${token}`);
    });

    it('a connection that validate-connection refuses is not stored, and the CLI says why', async () => {
        const run = connect(['goo', 'bad'], root);
        const { status, page } = await browse(await run.url);
        expect(status, serve.stderr()).toBe(400);
        expect(page).toContain('refused by check');
        const result = await run.done;
        expect(result.code).toBe(1);
        expect(result.stderr).toContain('Connection bad was not created: The connection did not pass validation');
        expect((await getConnection('bad')).status).toBe(404);
    });

    it('a refused consent: a clear error, nothing stored', async () => {
        oauth.mode = 'deny';
        try {
            const run = connect(['goo', 'conn-2'], root);
            const { callback, status, page } = await browse(await run.url);
            expect(callback.searchParams.get('error')).toBe('access_denied');
            expect(status).toBe(400);
            expect(page).toContain('access_denied');
            const result = await run.done;
            expect(result.code).toBe(1);
            expect(result.stderr).toContain('Connection conn-2 was not created: The provider did not authorize the connection: access_denied (The user refused access)');
            expect((await getConnection('conn-2')).status).toBe(404);
        } finally {
            oauth.mode = 'grant';
        }
    });

    it('a forged state is refused and stores nothing; the real one still completes', async () => {
        const run = connect(['goo', 'conn-3'], root);
        const real = new URL(await run.url);
        const forged = new URL(real);
        forged.searchParams.set('state', 'forged-state');
        const refused = await browse(forged.toString());
        expect(refused.status).toBe(400);
        expect(refused.page).toContain('invalid_oauth_state');
        expect((await getConnection('conn-3')).status).toBe(404);
        expect(await fetch(`${serve.url}/oauth/callback?code=x`).then((r) => r.status)).toBe(400);

        const granted = await browse(real.toString());
        expect(granted.status, serve.stderr()).toBe(200);
        expect((await run.done).code).toBe(0);
        // A state is good once: replaying the callback is refused.
        expect((await fetch(granted.callback)).status).toBe(400);
        expect((await getConnection('conn-3')).status).toBe(200);
    });

    it('finishes a flow across a server restart between the authorization redirect and the callback', async () => {
        const run = connect(['goo', 'conn-restart'], root);
        const url = await run.url;
        const port = new URL(serve.url).port;
        const secretKey = serve.secretKey;
        expect(await serve.stop()).toBe(0);
        // The same data folder and port (the provider's redirect URI names it); ferry connect keeps waiting meanwhile.
        serve = await startServe(['--port', port, '--webhook-url', `${app.url}/hooks`], { cwd: root, ...(secretKey ? { secretKey } : {}) });
        expect(serve.url).toBe(`http://127.0.0.1:${port}`);
        const { stored } = await consentCompletes(run, url, 'conn-restart');
        // The PKCE verifier kept in the database reached the token endpoint after the restart.
        expect(oauth.issued.get(stored.body.credentials.access_token as string)).toMatchObject({ verifierChecked: true });
    });

    it('says what is wrong when the integration cannot do OAuth', async () => {
        await serve.api('POST', '/integrations', { unique_key: 'keyed', provider: 'openai' });
        const result = await runFerry(['connect', 'keyed', '-e', 'local'], { cwd: root, env: { FERRY_NO_BROWSER: '1' } });
        expect(result.code).toBe(1);
        expect(result.stderr).toContain('does not use OAUTH2');
        const missing = await runFerry(['connect', 'nope', '-e', 'local'], { cwd: root, env: { FERRY_NO_BROWSER: '1' } });
        expect(missing.stderr).toContain("The platform has no integration 'nope'");
    });
});
