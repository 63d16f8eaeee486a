/**
 * `ferry dryrun -e local` through `ferry serve`: the project's own server holds the connection,
 * the dry run finds it with no key copied anywhere, and every provider call goes through the
 * server's /proxy, which adds the token (the fake provider refuses anything else).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, runFerry } from '../support/cli.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { copyFixture } from '../support/function-project.js';
import type { ServeProcess } from '../support/serve.js';
import { runLocal, serveFixtureProject } from '../support/serve-project.js';
import { waitFor } from '../support/wait.js';

const TOKEN = 'ghp_dryrun_local_token_93c1';

describe('ferry dryrun -e local', () => {
    let root: string;
    let cleanup: () => Promise<void>;
    let serve: ServeProcess;
    let provider: FakeProvider;

    beforeAll(async () => {
        provider = await startFakeProvider({ token: `Bearer ${TOKEN}` });
        ({ root, cleanup, serve } = await serveFixtureProject('serve-dryrun'));
        await runLocal(root, [
            ['integrations', 'create', 'github', '--provider', 'github', '--base-url', provider.url],
            ['connections', 'create', 'github', 'conn-1', '--token', TOKEN]
        ]);
    });
    afterAll(async () => {
        expect(await serve.stop()).toBe(0);
        await provider.close();
        await cleanup();
    });

    it('runs an action and a sync through the local proxy', async () => {
        const action = await runFerry(['dryrun', 'whoami', 'conn-1', '-e', 'local', '--input', '{}', '--json'], { cwd: root, timeoutMs: 60_000 });
        expect(action.code, action.stderr).toBe(0);
        expect(JSON.parse(action.stdout)).toMatchObject({ ok: true, output: { login: 'octocat', connection: 'conn-1' } });
        expect(provider.requests.at(-1)!.headers['authorization']).toBe(`Bearer ${TOKEN}`);

        const sync = await runFerry(['dryrun', 'issues', 'conn-1', '-e', 'local', '--json'], { cwd: root, timeoutMs: 60_000 });
        expect(sync.code, sync.stderr).toBe(0);
        const doc = JSON.parse(sync.stdout) as { records?: Record<string, unknown>; [key: string]: unknown };
        expect(JSON.stringify(doc)).toContain('Issue number 6');
        expect(action.stdout + action.stderr + sync.stdout + sync.stderr).not.toContain(TOKEN);
    });

    it('says how to start the server when none runs for the project', async () => {
        const { dir, cleanup: done } = await makeTempDir('ferry-serve-none-');
        try {
            await mkdir(join(dir, '.nango'));
            await writeFile(join(dir, 'index.ts'), '');
            const result = await runFerry(['connections', 'list', '-e', 'local'], { cwd: dir, env: { XDG_DATA_HOME: join(dir, 'xdg') } });
            expect(result.code).toBe(1);
            expect(result.stderr).toContain("Environment 'local' is the ferry serve of this project, and none is running");
        } finally {
            await done();
        }
    });

    it('deploys with ferry deploy -e local: the plan, versions, and what a redeploy without a function removes', async () => {
        const first = await runFerry(['deploy', '-e', 'local', '--auto-confirm', '--json'], { cwd: root, timeoutMs: 90_000 });
        expect(first.code, first.stderr).toBe(0);
        expect(JSON.parse(first.stdout)).toMatchObject({
            plan: { syncs: { new: [{ name: 'issues', integration: 'github', connections: 1 }] }, actions: { new: [{ name: 'whoami' }] } },
            destructive: false,
            // No version in the functions: the platform assigns 1, as Nango does.
            deployed: expect.arrayContaining([expect.objectContaining({ name: 'issues', type: 'sync', version: '1' }), expect.objectContaining({ name: 'whoami', type: 'action', version: '1' })])
        });

        const again = await runFerry(['deploy', '-e', 'local', '--dry-run', '--json'], { cwd: root, timeoutMs: 90_000 });
        expect(again.code, again.stderr).toBe(0);
        expect(JSON.parse(again.stdout)).toMatchObject({ plan: { syncs: { new: [], updated: [{ name: 'issues' }] }, actions: { new: [], updated: [{ name: 'whoami' }] } }, dryRun: true });

        // Without the sync, the deploy deletes it: refused unless allowed, since it has a connection.
        await writeFile(join(root, 'index.ts'), "import './github/actions/whoami.js';\n");
        const destructive = await runFerry(['deploy', '-e', 'local', '--auto-confirm', '--json'], { cwd: root, timeoutMs: 90_000 });
        expect(destructive.code).toBe(11);
        expect(JSON.parse(destructive.stdout)).toMatchObject({ plan: { syncs: { deleted: [{ name: 'issues', connections: 1 }] } }, destructive: true });
        const allowed = await runFerry(['deploy', '-e', 'local', '--auto-confirm', '--allow-destructive', '--json'], { cwd: root, timeoutMs: 90_000 });
        expect(allowed.code, allowed.stderr).toBe(0);
        const after = await runFerry(['deploy', '-e', 'local', '--dry-run', '--json'], { cwd: root, timeoutMs: 90_000 });
        expect(JSON.parse(after.stdout)).toMatchObject({ plan: { syncs: { new: [], updated: [], deleted: [] }, actions: { updated: [{ name: 'whoami' }] } }, destructive: false });
    });

    it('runs a deployed action on POST /action/trigger, its provider calls through the local proxy', async () => {
        const headers = { 'Connection-Id': 'conn-1', 'Provider-Config-Key': 'github' };
        const ran = await serve.api('POST', '/action/trigger', { action_name: 'whoami', input: {} }, headers);
        expect(ran.status, JSON.stringify(ran.body)).toBe(200);
        expect(ran.body).toEqual({ login: 'octocat', connection: 'conn-1' });
        expect(provider.requests.at(-1)!.headers['authorization']).toBe(`Bearer ${TOKEN}`);
        const missing = await serve.api('POST', '/action/trigger', { action_name: 'nope', input: {} }, headers);
        expect(missing.status).toBe(404);
        expect(missing.body.error.code).toBe('not_found');
        const noConnection = await serve.api('POST', '/action/trigger', { action_name: 'whoami', input: {} }, { ...headers, 'Connection-Id': 'other' });
        expect(noConnection.body).toEqual({ error: { code: 'unknown_connection', message: 'Failed to find connection' } });

        const queued = await serve.api('POST', '/action/trigger', { action_name: 'whoami', input: {} }, { ...headers, 'X-Async': 'true' });
        expect(queued.status).toBe(202);
        expect(queued.body.statusUrl).toBe(`/action/${queued.body.id}`);
        expect(queued.headers.get('location')).toBe(queued.body.statusUrl);
        const done = await waitFor('the queued action', async () => {
            const answer = await serve.api('GET', queued.body.statusUrl);
            return answer.status === 200 && answer;
        });
        expect(done).toEqual(expect.objectContaining({ status: 200, body: { login: 'octocat', connection: 'conn-1' } }));
        expect((await serve.api('GET', '/action/7d7c8a3e-1b2c-4d5e-8f90-123456789abc')).body.error.code).toBe('not_found');
    });

    it('runs on-event scripts: validate-connection refuses a connection, post-connection-creation runs after one is made', async () => {
        await copyFixture('serve-on-events', join(root, 'github/on-events'));
        await writeFile(join(root, 'index.ts'), ["import './github/actions/whoami.js';", "import './github/on-events/check.js';", "import './github/on-events/welcome.js';", ''].join('\n'));
        const deployed = await runFerry(['deploy', '-e', 'local', '--auto-confirm', '--json'], { cwd: root, timeoutMs: 90_000 });
        expect(deployed.code, deployed.stderr).toBe(0);
        expect(JSON.parse(deployed.stdout).plan.onEventScripts.new.map((s: { name: string }) => s.name).sort()).toEqual(['check', 'welcome']);

        const refused = await serve.api('POST', '/connections', { provider_config_key: 'github', connection_id: 'bad', credentials: { type: 'OAUTH2', access_token: TOKEN } });
        expect(refused.status).toBe(400);
        expect(refused.body.error.code).toBe('connection_validation_failed');
        expect(refused.body.error.message).toContain('refused by check');
        expect((await serve.api('GET', '/connections/bad?provider_config_key=github')).status).toBe(404);

        const welcomed = () => provider.requests.filter((r) => r.path === '/user' && r.query.get('from') === 'good').length;
        expect(welcomed()).toBe(0);
        const made = await serve.api('POST', '/connections', { provider_config_key: 'github', connection_id: 'good', credentials: { type: 'OAUTH2', access_token: TOKEN } });
        expect(made.status).toBe(201);
        await waitFor('the post-connection-creation call', () => welcomed() > 0);
        expect(welcomed()).toBe(1);
    });
});
