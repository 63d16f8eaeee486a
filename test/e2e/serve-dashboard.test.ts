/**
 * The dashboard of `ferry serve` in a real headless browser (Debian's Chromium through
 * playwright-core): the built CLI serves a project with an integration, a connection to a fake
 * provider and deployed functions; the page logs in with the secret key, shows them without
 * credentials, runs an action with a JSON input (its output, its run and logs), triggers a sync and
 * sees its run with the record count, sees runs started elsewhere arrive over the event stream (and
 * by polling when the stream cannot be had), opens and searches the records, and re-sends a webhook.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserMissing, launchChromium, type TestBrowser } from '../support/browser.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { startServer, type TestServer } from '../support/http.js';
import type { ServeProcess } from '../support/serve.js';
import { runLocal, serveFixtureProject } from '../support/serve-project.js';

const TOKEN = 'ghp_dashboard_token_5e2a';
// Markup in a value must reach the page as text: if it ran, window.__pwned would be set.
const MARKUP = '<img src=x onerror=window.__pwned=1>';
// What the page shows after a click may take a while on a loaded machine; this bounds the wait, it asserts no speed.
const SOON = { timeout: 20_000 };

/** Screenshots for a person to look at, when FERRY_TEST_SCREENSHOTS names a folder. */
async function shot(page: Page, name: string): Promise<void> {
    const folder = process.env['FERRY_TEST_SCREENSHOTS'];
    if (folder) await page.screenshot({ path: join(folder, `dashboard-${name}.png`), fullPage: true });
}

describe.skipIf(browserMissing)('ferry serve dashboard in Chromium', () => {
    let root: string;
    let cleanup: () => Promise<void>;
    let serve: ServeProcess;
    let provider: FakeProvider;
    let app: TestServer;
    let browser: TestBrowser;
    let page: Page;

    beforeAll(async () => {
        provider = await startFakeProvider({ token: `Bearer ${TOKEN}` });
        app = await startServer(() => ({ status: 200, body: { ok: true } }));
        // The default data folder, inside the project: how `-e local` finds the server.
        ({ root, cleanup, serve } = await serveFixtureProject('serve-dashboard', ['--webhook-url', `${app.url}/hooks`]));
        await runLocal(root, [
            ['integrations', 'create', 'github', '--provider', 'github', '--base-url', provider.url],
            ['connections', 'create', 'github', 'conn-1', '--token', TOKEN, '--metadata', JSON.stringify({ team: MARKUP })],
            // Nango routes an `unauthenticated` integration's webhooks by the body's connectionId.
            ['integrations', 'create', 'hooks', '--provider', 'unauthenticated'],
            ['connections', 'create', 'hooks', 'hook-1', '--credentials', '{"type":"NONE"}'],
            ['deploy', '--auto-confirm', '--json']
        ]);
        browser = await launchChromium();
        page = await browser.context.newPage();
    }, 180_000);
    afterAll(async () => {
        await browser?.close();
        expect(await serve?.stop()).toBe(0);
        await provider?.close();
        await app?.close();
        await cleanup?.();
    });

    it('keeps its data behind a login: no session, a wrong key, a request from another origin', async () => {
        expect(serve.stderr()).toContain(`dashboard: ${serve.url}/ (log in with the secret key)`);
        const anonymous = await fetch(`${serve.url}/dashboard/api/overview`);
        expect(anonymous.status).toBe(401);
        const wrong = await fetch(`${serve.url}/dashboard/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'nope' }) });
        expect(wrong.status).toBe(401);
        expect(wrong.headers.get('set-cookie')).toBeNull();
        const foreign = await fetch(`${serve.url}/dashboard/api/action`, {
            method: 'POST',
            headers: { authorization: `Bearer ${serve.secretKey}`, 'content-type': 'application/json', origin: 'http://evil.example' },
            body: JSON.stringify({ integration: 'github', connection: 'conn-1', action: 'whoami', input: { note: 'x' } })
        });
        expect(foreign.status).toBe(400);

        await page.goto(serve.url);
        await page.locator('#login-token').fill('not-the-key');
        await page.getByRole('button', { name: 'Log in' }).click();
        await expect.poll(() => page.locator('#login-error').textContent(), SOON).toContain('unauthorized');
        expect(await page.locator('#overview').isHidden()).toBe(true);
    });

    it('logs in with the secret key and shows integrations, connections and functions without credentials', async () => {
        await page.locator('#login-token').fill(serve.secretKey!);
        await page.getByRole('button', { name: 'Log in' }).click();
        await page.locator('#functions').getByRole('cell', { name: 'whoami', exact: true }).waitFor();
        const [cookie] = await browser.context.cookies(serve.url);
        expect(cookie).toMatchObject({ name: 'ferry_dashboard', httpOnly: true, sameSite: 'Strict' });
        expect(cookie!.value).not.toContain(serve.secretKey!);
        await expect.poll(() => page.locator('#integrations').textContent(), SOON).toContain('github');
        expect(await page.locator('#connections').textContent()).toContain('conn-1');
        // The metadata is shown as text: the markup in it neither renders nor runs.
        expect(await page.locator('#connections').textContent()).toContain(MARKUP);
        expect(await page.locator('#connections img').count()).toBe(0);
        expect(await page.locator('#functions').textContent()).toMatch(/sync[\s\S]*issues/);
        const html = await page.content();
        expect(html).not.toContain(TOKEN);
        expect(html).not.toContain(serve.secretKey!);
        await shot(page, 'overview');
    });

    it('runs an action with a JSON input, shows its output, and its run with the logs', async () => {
        await page.locator('#run-function').selectOption({ label: 'action github/whoami' });
        await page.locator('#run-input').fill(JSON.stringify({ note: MARKUP }));
        await page.getByRole('button', { name: 'Run action' }).click();
        await expect.poll(() => page.locator('#run-result').textContent(), { timeout: 60_000 }).toContain('"login": "octocat"');
        expect(await page.locator('#run-result').textContent()).toContain(MARKUP);
        await shot(page, 'action');

        await page.getByRole('button', { name: 'Runs' }).click();
        const row = page.locator('#runs-table tbody tr', { hasText: 'github/whoami' }).first();
        await expect.poll(() => row.locator('.status').textContent(), { timeout: 60_000 }).toBe('success');
        expect(await row.textContent()).toContain('conn-1');
        await row.click();
        await expect.poll(() => page.locator('#run-logs').textContent(), SOON).toContain('whoami ran for octocat');
        expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    });

    it('lists the webhooks sent to the app and re-sends one', async () => {
        // Creating the two connections sent the app an auth webhook each.
        await expect.poll(() => app.requests.length, { timeout: 30_000 }).toBe(2);
        await page.getByRole('button', { name: 'Webhooks' }).click();
        const row = page.locator('#webhooks-table tbody tr', { hasText: 'conn-1' }).first();
        await expect.poll(() => row.locator('.status').textContent(), { timeout: 30_000 }).toBe('delivered');
        await row.getByRole('button', { name: 'Re-send' }).click();
        await expect.poll(() => app.requests.length, { timeout: 30_000 }).toBe(3);
        const first = app.requests.find((r) => r.body.toString().includes('conn-1'))!;
        expect(app.requests[2]!.body.toString()).toBe(first.body.toString());
        expect(app.requests[2]!.headers['x-nango-hmac-sha256']).toBe(first.headers['x-nango-hmac-sha256']);
        await expect.poll(() => page.locator('#webhooks-table tbody tr').count(), SOON).toBe(3);
        await shot(page, 'webhooks');
    });

    it('triggers a sync, sees its run appear with its record count, and opens the records', async () => {
        await page.getByRole('button', { name: 'Overview' }).click();
        await page.locator('#run-function').selectOption({ label: 'sync github/issues' });
        await page.locator('#run-connection').selectOption({ label: 'conn-1' });
        await page.getByRole('button', { name: 'Trigger sync' }).click();
        // The page moves to the runs, refreshed while they happen.
        const row = page.locator('#runs-table tbody tr', { hasText: 'github/issues' }).first();
        await row.waitFor({ timeout: 60_000 });
        await expect.poll(() => row.locator('.status').textContent(), { timeout: 90_000 }).toBe('success');
        expect(await row.locator('.counts').textContent()).toBe('+6 ~0 -0');
        await row.click();
        await expect.poll(() => page.locator('#run-models').textContent(), SOON).toBe('Issue: +6 ~0 -0');
        await shot(page, 'sync-run');

        await page.getByRole('button', { name: 'Records' }).click();
        await page.locator('#records-connection').selectOption({ label: 'github / conn-1' });
        await expect.poll(() => page.locator('#records-table tbody tr').count(), SOON).toBe(6);
        expect(await page.locator('#records-model option:checked').textContent()).toBe('Issue (6)');
        expect(await page.locator('#records-table').textContent()).toContain('Issue number 4');
    });

    it('shows a run started elsewhere as it starts and finishes, through the event stream: no reload, no polling', async () => {
        await page.getByRole('button', { name: 'Runs' }).click();
        await expect.poll(() => page.locator('#runs-live').textContent(), SOON).toBe('(live)');
        const before = await page.locator('#runs-table tbody tr', { hasText: 'github/issues' }).count();
        const listed: string[] = [];
        const onRequest = (request: { url(): string }) => {
            if (new URL(request.url()).pathname === '/dashboard/api/runs') listed.push(request.url());
        };
        page.on('request', onRequest);
        try {
            const triggered = await serve.api('POST', '/sync/trigger', { provider_config_key: 'github', connection_id: 'conn-1', syncs: ['issues'] });
            expect(triggered.status).toBe(200);
            const rows = page.locator('#runs-table tbody tr', { hasText: 'github/issues' });
            await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(before + 1);
            // The newest run is first; its counts arrive with its finish (the same six issues: nothing changed).
            await expect.poll(() => rows.first().locator('.status').textContent(), { timeout: 90_000 }).toBe('success');
            expect(await rows.first().locator('.counts').textContent()).toBe('+0 ~0 -0');
            expect(listed).toEqual([]);
        } finally {
            page.off('request', onRequest);
        }
    });

    it('falls back to polling when the event stream cannot be had, and still shows new runs', async () => {
        await page.route('**/dashboard/api/events', (route) => route.abort());
        try {
            await page.getByRole('button', { name: 'Overview' }).click();
            await page.getByRole('button', { name: 'Runs' }).click();
            await expect.poll(() => page.locator('#runs-live').textContent(), SOON).toBe('(refreshed every 1.5 s)');
            const rows = page.locator('#runs-table tbody tr', { hasText: 'github/issues' });
            const before = await rows.count();
            expect((await serve.api('POST', '/sync/trigger', { provider_config_key: 'github', connection_id: 'conn-1', syncs: ['issues'] })).status).toBe(200);
            await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(before + 1);
        } finally {
            await page.unroute('**/dashboard/api/events');
        }
    });

    it('opens the records of a connection per model, with a search', async () => {
        // A provider's webhook runs the sync's onWebhook, which saves records.
        const issues = [
            { id: 901, title: 'Login page is slow' },
            { id: 902, title: `Crash on ${MARKUP}` },
            { id: 903, title: 'Login button misaligned' }
        ];
        const sent = await fetch(`${serve.url}/webhook/dev/hooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'issues', connectionId: 'hook-1', issues }) });
        expect(sent.status).toBe(200);
        const stored = async () => (await serve.api('GET', '/records?model=Issue', undefined, { 'Connection-Id': 'hook-1', 'Provider-Config-Key': 'hooks' })).body.records?.length;
        await expect.poll(stored, { timeout: 60_000 }).toBe(3);

        await page.getByRole('button', { name: 'Overview' }).click();
        await page.locator('#connections tr', { hasText: 'hook-1' }).getByRole('button', { name: 'Records' }).click();
        await expect.poll(() => page.locator('#records-table tbody tr').count(), SOON).toBe(3);
        expect(await page.locator('#records-model option:checked').textContent()).toBe('Issue (3)');
        expect(await page.locator('#records-table').textContent()).toContain(MARKUP);
        await page.locator('#records-search').fill('login');
        await page.getByRole('button', { name: 'Show' }).click();
        await expect.poll(() => page.locator('#records-table tbody tr').count(), SOON).toBe(2);
        expect(await page.locator('#records-table').textContent()).not.toContain('Crash');
        expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
        await shot(page, 'records');
    });
});
