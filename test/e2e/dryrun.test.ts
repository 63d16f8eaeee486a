/**
 * `ferry dryrun` end to end: the built CLI against a fake platform and a fake GitHub-like provider
 * on 127.0.0.1. Every case uses its own connection id, so cases run side by side and each one's
 * requests can be told apart on the shared servers.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, FERRY_BIN, makeTempDir, REPO_ROOT, runFerry, type CliResult } from '../support/cli.js';
import { startFakePlatform, type FakePlatform } from '../support/fake-platform.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { startServer, type TestServer } from '../support/http.js';
import { copyFixtureProject, readFixture } from '../support/function-project.js';

async function writeProject(root: string, platformUrl: string, secretKey: string): Promise<void> {
    await copyFixtureProject('dryrun', root);
    await writeFile(join(root, '.env'), `NANGO_SECRET_KEY_DEV=${secretKey}\nNANGO_HOSTPORT=${platformUrl}\n`);
}

const CONNECTIONS = [
    'compiled', 'state', 'interrupt', 'peek', 'broken', 'action', 'sync', 'cursor', 'retry', 'server', 'validate', 'warn', 'save', 'save-action', 'json', 'out', 'timeout',
    'throws', 'refuse', 'meta', 'env-echo', 'echo-auth', 'echo-key', 'slow', 'slow-term', 'save-invalid', 'save-twice', 'save-blocked', 'out-bad',
    'stall'
];
/** The platform holds these lookups this long: only an interrupt ends the run sooner. */
const SLOW_LOOKUP_MS = 15_000;

describe('ferry dryrun', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    let platform: FakePlatform;
    let provider: FakeProvider;
    /** A provider that answers every request with the headers it received, credentials included. */
    let echo: TestServer;

    beforeAll(async () => {
        ({ dir, cleanup } = await makeTempDir('ferry-dryrun-'));
        provider = await startFakeProvider();
        echo = await startServer((req) => ({ body: { authorization: req.headers['authorization'] ?? null } }));
        platform = await startFakePlatform({
            extraRoutes: [
                // A platform that quotes the Authorization header it was sent in an error.
                (req) => (req.path === '/proxy/echo-key' ? { status: 500, body: { message: `cannot forward with Authorization: ${req.headers['authorization']}` } } : undefined),
                async (req) => {
                    if (/^\/connections\/conn-slow/.test(req.path)) await new Promise((resolve) => setTimeout(resolve, SLOW_LOOKUP_MS).unref());
                }
            ],
            providerUrl: provider.url,
            connections: CONNECTIONS.map((id) => ({
                connection_id: `conn-${id}`,
                provider_config_key: 'github',
                // One connection leaves the provider out, so the CLI has to ask /integrations.
                ...(id === 'action' ? {} : { provider: 'github' }),
                metadata: { owner: 'octo' },
                connection_config: { org: 'acme' }
            })),
            integrations: [{ unique_key: 'github', provider: 'github' }],
            // Named like anything but a secret: the platform's variables are secret all the same.
            environmentVariables: [{ name: 'WEBHOOK_URL', value: 'https://hooks.example/T0-platform-only-value' }]
        });
        provider.setToken(platform.providerToken);
        // Credentials as a Slack install returns them: the raw answer holds ids, names and URLs
        // that records carry too, beside the token the platform injects.
        platform.connections.set('github/conn-out-mask', {
            connection_id: 'conn-out-mask',
            provider_config_key: 'github',
            provider: 'github',
            metadata: {},
            credentials: {
                type: 'OAUTH2',
                access_token: platform.providerToken.replace(/^Bearer\s+/, ''),
                raw: {
                    ok: true,
                    app_id: 'A0KRD7HC3',
                    authed_user: { id: 'U0G9QF9C6', email: 'dev@example.com', token_type: 'user' },
                    token_type: 'bot',
                    team: { id: 'T9TK3CUKW', name: 'Slack Softworks' },
                    instance_url: 'https://acme.my.salesforce.com'
                }
            }
        });
        await writeProject(dir, platform.url, platform.secretKey);
    });
    afterAll(async () => {
        await platform?.close();
        await provider?.close();
        await echo?.close();
        await cleanup?.();
    });

    const ferry = (args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> => runFerry(['dryrun', ...args], { cwd: dir, env });
    const proxiedFor = (connection: string) => platform.proxied.filter((call) => call.headers['connection-id'] === connection);
    const tokenValue = (): string => platform.providerToken.replace(/^Bearer\s+/, '');
    const expectNoSecrets = (...texts: string[]): void => {
        for (const text of texts) {
            expect(text).not.toContain(platform.secretKey);
            expect(text).not.toContain(tokenValue());
        }
    };

    describe.concurrent('against the fake servers', () => {
        it('runs an action with input through /proxy, credentials injected by the platform', async () => {
            const result = await ferry(['create-issue', 'conn-action', '--input', '{"title":"Hello from ferry"}']);
            expect(result.stderr).toMatch(/POST \/repos\/o\/r\/issues 201 \d+ ms/);
            expect(result.code, result.stderr).toBe(0);
            expect(result.stdout).toContain('"title": "Hello from ferry"');
            expect(result.stderr).toContain('creating in conn-action owner octo');
            const calls = proxiedFor('conn-action');
            expect(calls).toHaveLength(1);
            expect(calls[0]!.headers['authorization']).toBe(`Bearer ${platform.secretKey}`);
            // The provider only answers the token the platform injects: Ferry never had it.
            const atProvider = provider.requests.find((r) => r.method === 'POST' && r.json<{ title: string }>()?.title === 'Hello from ferry');
            expect(atProvider?.headers['authorization']).toBe(platform.providerToken);
            expect(platform.requests.some((r) => r.path === '/integrations/github')).toBe(true);
            expectNoSecrets(result.stdout, result.stderr);
        });

        it('runs a sync over three Link-header pages, reporting counts, would-be writes and the checkpoint', async () => {
            const result = await ferry(['issues', 'conn-sync']);
            expect(result.code, result.stderr).toBe(0);
            const lines = result.stderr.split('\n').filter((l) => /^GET \/repos\/o\/r\/issues 200 \d+ ms/.test(l));
            expect(lines).toHaveLength(3);
            expect(proxiedFor('conn-sync').map((c) => c.query.get('page') ?? '1')).toEqual(['1', '2', '3']);
            expect(result.stdout).toMatch(/Issue: 6 saved, 0 updated, 0 deleted/);
            expect(result.stdout).toContain('"title":"Issue number 1"');
            expect(result.stdout).toMatch(/setMetadata .*"syncedPages":3/);
            expect(result.stdout).toMatch(/Checkpoint: \{"lastPage":3\}/);
            expect(platform.metadataWrites.filter((w) => w.connectionId === 'conn-sync')).toHaveLength(0);
        });

        it('follows cursor pagination in the body', async () => {
            const result = await ferry(['pulls', 'conn-cursor']);
            expect(result.code, result.stderr).toBe(0);
            expect(proxiedFor('conn-cursor')).toHaveLength(3);
            expect(result.stdout).toMatch(/PullRequest: 6 saved/);
            // The sync declares no checkpoint and saved none: nothing to say about it.
            expect(result.stdout).not.toContain('Checkpoint');
        });

        it('retries after a 429, honouring Retry-After', async () => {
            const result = await ferry(['rate-limited', 'conn-retry', '-i', '{"key":"e2e-429"}']);
            expect(result.code, result.stderr).toBe(0);
            const calls = provider.requests.filter((r) => r.path === '/flaky/429/e2e-429');
            expect(calls).toHaveLength(2);
            expect(calls[1]!.receivedAt - calls[0]!.receivedAt).toBeGreaterThanOrEqual(900);
            expect(result.stdout).toContain('"key": "e2e-429"');
        });

        it('retries after a 500', async () => {
            const result = await ferry(['server-error', 'conn-server', '-i', '{"key":"e2e-500"}']);
            expect(result.code, result.stderr).toBe(0);
            expect(provider.requests.filter((r) => r.path === '/flaky/500/e2e-500')).toHaveLength(2);
        });

        it('exits 12 when --validate finds a record that fails its model, and only warns without it', async () => {
            const strict = await ferry(['bad-records', 'conn-validate', '--validate', '--save']);
            expect(strict.code).toBe(12);
            expect(strict.stderr).toMatch(/title/);
            expect(strict.stderr).toMatch(/no fixture written/);
            await expect(stat(join(dir, 'github/tests/bad-records.test.json'))).rejects.toThrow();
            const lenient = await ferry(['bad-records', 'conn-warn']);
            expect(lenient.code).toBe(0);
            expect(lenient.stderr).toMatch(/^warning .*title.*t2|^warning .*t2.*title/m);
            expect(lenient.stderr).toContain('1 validation issue (warnings only; --validate makes them fatal)');
        });

        it('--save writes a fixture with no secret key and no provider token anywhere', async () => {
            const result = await ferry(['issues', 'conn-save', '--save']);
            expect(result.code, result.stderr).toBe(0);
            const file = join(dir, 'github/tests/issues.test.json');
            expect(result.stdout).toContain(`Saved fixture ${file}`);
            const text = await readFile(file, 'utf8');
            expectNoSecrets(text, result.stdout, result.stderr);
            expect(text.toLowerCase()).not.toContain('authorization');
            const fixture = JSON.parse(text);
            const pages = fixture.api.get['/repos/o/r/issues'];
            expect(Array.isArray(pages)).toBe(true);
            expect(pages).toHaveLength(3);
            expect(pages.map((p: { request: { params: Record<string, unknown> } }) => String(p.request.params['page'] ?? '1'))).toEqual(['1', '2', '3']);
            for (const page of pages) {
                expect(page.status).toBe(200);
                expect(page.hash).toMatch(/^[0-9a-f]{40}$/);
                expect(page.response).toHaveLength(2);
            }
            expect(new Set(pages.map((p: { hash: string }) => p.hash)).size).toBe(3);
            expect(fixture.nango.batchSave.Issue).toHaveLength(6);
            expect(Object.values(fixture.nango.batchDelete ?? {}).flat()).toEqual([]);
            expect(fixture.nango.getMetadata).toEqual({ owner: 'octo' });
            expect(fixture.nango.getConnection).toMatchObject({ connection_id: 'conn-save', provider_config_key: 'github' });
            expect(fixture.nango.getConnection.credentials).toBeUndefined();
        });

        it('--save on an action records input and output', async () => {
            const result = await ferry(['create-issue', 'conn-save-action', '--input', '{"title":"Saved"}', '--save']);
            expect(result.code, result.stderr).toBe(0);
            const text = await readFile(join(dir, 'github/tests/create-issue.test.json'), 'utf8');
            expectNoSecrets(text);
            const fixture = JSON.parse(text);
            expect(fixture.input).toEqual({ title: 'Saved' });
            expect(fixture.output).toMatchObject({ title: 'Saved', number: 7 });
            expect(fixture.api.post['/repos/o/r/issues']).toMatchObject({ status: 201, request: { data: { title: 'Saved' } } });
        });

        it('--json prints exactly one JSON document on stdout', async () => {
            const result = await ferry(['issues', 'conn-json', '--json']);
            expect(result.code, result.stderr).toBe(0);
            const doc = JSON.parse(result.stdout);
            expect(doc).toMatchObject({
                ok: true,
                function: 'issues',
                type: 'sync',
                integration: 'github',
                connection: { connectionId: 'conn-json', provider: 'github' },
                checkpoint: { lastPage: 3 },
                error: null,
                validation: []
            });
            expect(doc.records.Issue).toMatchObject({ saved: 6, updated: 0, deleted: 0 });
            expect(doc.records.Issue.first[0]).toMatchObject({ id: '1001', title: 'Issue number 1' });
            expect(doc.requests).toHaveLength(3);
            expect(doc.requests[0]).toMatchObject({ method: 'GET', endpoint: '/repos/o/r/issues', status: 200 });
            expect(doc.writes).toEqual([{ kind: 'setMetadata', args: { syncedPages: 3 } }]);
            expect(doc.logs.map((l: { message: string }) => l.message)).toContain('pages 3');
            expect(typeof doc.durationMs).toBe('number');
            expectNoSecrets(result.stdout, result.stderr);
        });

        it('--out streams every record as JSON lines', async () => {
            const result = await ferry(['many', 'conn-out', '--out', 'records/many.jsonl', '--json']);
            expect(result.code, result.stderr).toBe(0);
            const lines = (await readFile(join(dir, 'records/many.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
            expect(lines).toHaveLength(2501);
            expect(lines[0]).toEqual({ model: 'Row', op: 'save', record: { id: 'r0', n: 0 } });
            expect(lines.at(-1)).toMatchObject({ model: 'Row', op: 'delete', record: { id: 'r0' } });
            const doc = JSON.parse(result.stdout);
            expect(doc.records.Row).toMatchObject({ saved: 2500, deleted: 1 });
            expect(doc.out).toMatchObject({ records: 2501 });
        });

        it('--out masks the provider token in a record and leaves its ids, names, emails and URLs as they are', async () => {
            const result = await ferry(['echo-records', 'conn-out-mask', '-m', JSON.stringify({ base: echo.url }), '--out', 'masked/seen.jsonl', '--json']);
            expect(result.code, result.stderr).toBe(0);
            const text = await readFile(join(dir, 'masked/seen.jsonl'), 'utf8');
            expectNoSecrets(text, result.stdout, result.stderr);
            const ordinary = { id: 'U0G9QF9C6', email: 'dev@example.com', team: 'T9TK3CUKW', teamName: 'Slack Softworks', app: 'A0KRD7HC3', instance: 'https://acme.my.salesforce.com' };
            expect(text.trim().split('\n').map((line) => JSON.parse(line))).toEqual([{ model: 'Seen', op: 'save', record: { ...ordinary, auth: 'Bearer ***' } }]);
            expect(JSON.parse(result.stdout).records.Seen.first).toEqual([{ ...ordinary, auth: 'Bearer ***' }]);
        });

        it('Ctrl-C (twice) while the function runs with --json: one document, 130, the --out target untouched, no temporary file', async () => {
            const folder = join(dir, 'interrupted-json');
            await mkdir(folder, { recursive: true });
            await writeFile(join(folder, 'rows.jsonl'), 'kept\n');
            const child = spawn(process.execPath, [FERRY_BIN, 'dryrun', 'stall', 'conn-stall', '--out', 'interrupted-json/rows.jsonl', '--json'], { cwd: dir, env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
            let stdout = '';
            let stderr = '';
            child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
            child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
            child.on('error', () => undefined);
            const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
            // Records in the temporary file: the function is running (it then waits forever).
            const written = async (): Promise<boolean> => {
                for (const name of await readdir(folder)) if (name.endsWith('.tmp') && (await stat(join(folder, name))).size > 0) return true;
                return false;
            };
            for (let i = 0; i < 300 && !(await written()); i++) await new Promise((r) => setTimeout(r, 50));
            expect(await written()).toBe(true);
            // The second one lands while the run cleans up: it must not meet Node's default handler.
            child.kill('SIGINT');
            for (let i = 0; i < 20 && child.exitCode === null && child.signalCode === null; i++) {
                await new Promise((r) => setTimeout(r, 5));
                if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
            }
            expect(await exited, stderr).toEqual({ code: 130, signal: null });
            expect(JSON.parse(stdout)).toMatchObject({ error: { code: 'INTERRUPTED', message: 'Dry run interrupted' } });
            expect(await readdir(folder)).toEqual(['rows.jsonl']);
            expect(await readFile(join(folder, 'rows.jsonl'), 'utf8')).toBe('kept\n');
        });

        it('stops a function that hangs with --timeout and exits 12', async () => {
            const result = await ferry(['hang', 'conn-timeout', '--timeout', '1s', '--json']);
            expect(result.code, result.stderr).toBe(12);
            const doc = JSON.parse(result.stdout);
            expect(doc.error).toMatchObject({ kind: 'timeout', code: 'TIMEOUT', hint: expect.stringContaining('Raise --timeout') });
            // Measured inside the run: the wall clock of a spawned CLI on a loaded machine says little.
            expect(doc.durationMs).toBeGreaterThanOrEqual(900);
            expect(doc.durationMs).toBeLessThan(5_000);
        });

        it('Ctrl-C stops the run, exits 130 and leaves no --out file behind', async () => {
            const child = spawn(process.execPath, [FERRY_BIN, 'dryrun', 'hang', 'conn-interrupt', '--out', 'interrupted/x.jsonl'], { cwd: dir, env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
            let stderr = '';
            child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
            const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
            // Once the connection was looked up, the function is about to run or running.
            for (let i = 0; i < 300 && !platform.requests.some((r) => r.path === '/connections/conn-interrupt'); i++) await new Promise((r) => setTimeout(r, 50));
            await new Promise((r) => setTimeout(r, 500));
            child.kill('SIGINT');
            expect(await exited, stderr).toBe(130);
            expect(stderr).toContain('Dry run interrupted');
            expect(await readdir(join(dir, 'interrupted'))).toEqual([]);
        });

        it('exits 12 when the function throws, with the stack mapped to the .ts source', async () => {
            const result = await ferry(['throws', 'conn-throws']);
            expect(result.code, result.stderr).toBe(12);
            expect(result.stderr).toContain('kaboom from the function');
            expect(result.stderr).toMatch(/github\/actions\/throws\.ts:5/);
        });

        it('shows no value of the platform environment variables, even in what the function returns', async () => {
            const result = await ferry(['env-echo', 'conn-env-echo', '--json']);
            expect(result.code, result.stderr).toBe(0);
            expect(result.stdout + result.stderr).not.toContain('T0-platform-only-value');
            expect(JSON.parse(result.stdout).output.value).toContain('***');
        });

        it('--save refuses a recording that holds a value of the platform environment variables', async () => {
            const result = await ferry(['env-echo', 'conn-env-echo', '--save']);
            expect(result.code, result.stderr).toBe(12);
            expect(result.stderr).toMatch(/platform environment variable WEBHOOK_URL/);
            expect(result.stderr).not.toContain('T0-platform-only-value');
            expect(existsSync(join(dir, 'github/tests/env-echo.test.json'))).toBe(false);
        });

        it('exits 12 on an ActionError and shows its payload', async () => {
            const result = await ferry(['refuse', 'conn-refuse', '--json']);
            expect(result.code, result.stderr).toBe(12);
            const doc = JSON.parse(result.stdout);
            expect(doc.ok).toBe(false);
            expect(doc.actionError).toEqual({ message: 'not allowed', code: 'forbidden' });
            expect(doc.error).toMatchObject({ kind: 'action_error', code: 'ACTION_ERROR' });
        });

        it('the function sees neither the secret key nor the provider token', async () => {
            const cacheDir = join(dir, 'user-cache');
            const result = await ferry(['peek', 'conn-peek', '--json'], { FERRY_CACHE_DIR: cacheDir });
            // The worker loaded Ferry's bundled zod and kept its code cache in the user's cache folder.
            expect((await readdir(cacheDir)).filter((name) => /^zod-[0-9a-f]+-v[\d.]+-\w+\.v8cache$/.test(name))).toHaveLength(1);
            expect(result.code, result.stderr).toBe(0);
            const doc = JSON.parse(result.stdout);
            const seen = JSON.parse(doc.output.seen);
            expect(seen.connection).toMatchObject({ connection_id: 'conn-peek', provider_config_key: 'github', connection_config: { org: 'acme' } });
            expect(seen.connection.credentials).toBeUndefined();
            expect(seen.integration).toMatchObject({ unique_key: 'github', provider: 'github', display_name: 'github' });
            expect(seen.env.NANGO_SECRET_KEY_DEV).toBeUndefined();
            expect(seen.env.NANGO_HOSTPORT).toBeUndefined();
            expect(seen.escaped).toMatch(/^refused: /);
            expectNoSecrets(result.stdout, result.stderr);
        });

        it('a function that does not build exits 10 with the bundler\'s message, before running anything', async () => {
            const result = await ferry(['broken', 'conn-broken', '--json']);
            expect(result.code, result.stderr).toBe(10);
            expect(result.stderr).toMatch(/github\/actions\/broken\.ts does not build: .*left-pad/);
            // The same code as `ferry compile` and `ferry test` give it.
            expect(JSON.parse(result.stdout).error.code).toBe('BUNDLE_ERROR');
            expect(result.stderr).not.toContain('[info]');
            expect(proxiedFor('conn-broken')).toHaveLength(0);
        });

        it('passes --checkpoint, --lastSyncDate and --variant to the function', async () => {
            const result = await ferry(['echo-state', 'conn-state', '-c', '{"since":"2024-01-01"}', '-l', '2024-01-31', '--variant', 'eu', '-i', '{"ignored":true}', '--json']);
            expect(result.code, result.stderr).toBe(0);
            const doc = JSON.parse(result.stdout);
            expect(JSON.parse(doc.logs[0].message)).toEqual({ checkpoint: { since: '2024-01-01' }, lastSyncDate: '2024-01-31T00:00:00.000Z', variant: 'eu' });
            expect(doc.checkpoint).toEqual({ since: 'end' });
            expect(doc.warnings).toEqual(['--input is ignored: github/echo-state is a sync, only actions take input']);
        });

        it('reuses the bundle `ferry compile` left in build/ while the sources are unchanged', async () => {
            const root = join(dir, 'compiled-project');
            await mkdir(join(root, 'github/actions'), { recursive: true });
            await mkdir(join(root, '.nango'), { recursive: true });
            await mkdir(join(root, 'node_modules'), { recursive: true });
            await symlink(join(REPO_ROOT, 'node_modules/zod'), join(root, 'node_modules/zod'), 'dir');
            await writeFile(join(root, 'package.json'), '{"type":"module","private":true}');
            await writeFile(join(root, 'index.ts'), "import './github/actions/create-issue.js';\n");
            await writeFile(join(root, '.env'), `NANGO_SECRET_KEY_DEV=${platform.secretKey}\nNANGO_HOSTPORT=${platform.url}\n`);
            const source = await readFixture('dryrun', 'github/actions/create-issue.ts');
            await writeFile(join(root, 'github/actions/create-issue.ts'), source);
            const compiled = await runFerry(['compile', '--no-typecheck'], { cwd: root });
            expect(compiled.code, compiled.stderr).toBe(0);

            const args = ['dryrun', 'create-issue', 'conn-compiled', '-i', '{"title":"cached"}', '--debug', '--json'];
            const reused = await runFerry(args, { cwd: root });
            expect(reused.code, reused.stderr).toBe(0);
            expect(reused.stderr).toContain('bundle read from build/');
            expect(JSON.parse(reused.stdout).output).toMatchObject({ title: 'cached' });

            await writeFile(join(root, 'github/actions/create-issue.ts'), source.replace('title: res.data.title,', "title: res.data.title + ' (edited)',"));
            const rebuilt = await runFerry(args, { cwd: root });
            expect(rebuilt.code, rebuilt.stderr).toBe(0);
            expect(rebuilt.stderr).not.toContain('bundle read from build/');
            expect(rebuilt.stderr).toMatch(/\[dryrun\] bundled at/);
            expect(JSON.parse(rebuilt.stdout).output).toMatchObject({ title: 'cached (edited)' });
        });

        it('masks the connection\'s token when the provider echoes it: output, logs, human and --json', async () => {
            const args = ['echo-auth', 'conn-echo-auth', '-i', JSON.stringify({ base: echo.url })];
            const json = await ferry([...args, '--json']);
            expect(json.code, json.stderr).toBe(0);
            const doc = JSON.parse(json.stdout);
            // The provider did receive the token (the platform injected it); Ferry shows it masked.
            expect(echo.requests.some((r) => r.headers['authorization'] === platform.providerToken)).toBe(true);
            expect(doc.output).toEqual({ seen: 'Bearer ***' });
            expect(doc.logs.map((l: { message: string }) => l.message)).toContain('the provider saw Bearer ***');
            const human = await ferry(args);
            expect(human.code, human.stderr).toBe(0);
            expect(human.stderr).toContain('[info] the provider saw Bearer ***');
            expect(human.stdout).toContain('"seen": "Bearer ***"');
            // The recording holds the token as the provider sent it: --save refuses to write it.
            const saved = await ferry([...args, '--save', '--json']);
            expect(saved.code, saved.stderr).toBe(12);
            expect(JSON.parse(saved.stdout)).toMatchObject({ ok: true, saved: null, notSaved: expect.stringMatching(/^the recording contains the value of the connection's credentials \(/) });
            expect(existsSync(join(dir, 'github/tests/echo-auth.test.json'))).toBe(false);
            expectNoSecrets(json.stdout, json.stderr, human.stdout, human.stderr, saved.stdout, saved.stderr);
        });

        it('masks the secret key when the platform quotes it in a 500, and gives the failure a code and a hint', async () => {
            const json = await ferry(['echo-key', 'conn-echo-key', '--json']);
            expect(json.code, json.stderr).toBe(12);
            const doc = JSON.parse(json.stdout);
            expect(doc.error).toMatchObject({
                kind: 'http',
                code: 'PROVIDER_HTTP_ERROR',
                hint: expect.stringContaining('The provider failed'),
                response: { status: 500, data: { message: 'cannot forward with Authorization: Bearer ***' } }
            });
            const human = await ferry(['echo-key', 'conn-echo-key']);
            expect(human.code, human.stderr).toBe(12);
            expect(human.stderr).toContain('provider answered 500: {"message":"cannot forward with Authorization: Bearer ***"}');
            expect(human.stderr).toContain('The provider failed: try again in a moment');
            expectNoSecrets(json.stdout, json.stderr, human.stdout, human.stderr);
        });

        it('Ctrl-C while the platform holds the connection lookup exits 130 at once, with its --json document', async () => {
            const child = spawn(process.execPath, [FERRY_BIN, 'dryrun', 'issues', 'conn-slow', '--json'], { cwd: dir, env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
            let stdout = '';
            let stderr = '';
            child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
            child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
            const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
            for (let i = 0; i < 300 && !platform.requests.some((r) => r.path === '/connections/conn-slow'); i++) await new Promise((r) => setTimeout(r, 50));
            const sent = Date.now();
            child.kill('SIGINT');
            expect(await exited, stderr).toBe(130);
            // Not the platform's answer (15 s away), nor a timeout: the interrupt won.
            expect(Date.now() - sent).toBeLessThan(SLOW_LOOKUP_MS / 3);
            expect(JSON.parse(stdout)).toMatchObject({ error: { code: 'INTERRUPTED', message: 'Dry run interrupted' } });
            expect(stderr).not.toContain('PLATFORM');
        });

        it('SIGTERM while the platform holds the lookup exits 130 too', async () => {
            const child = spawn(process.execPath, [FERRY_BIN, 'dryrun', 'issues', 'conn-slow-term'], { cwd: dir, env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
            let stderr = '';
            child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
            const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
            for (let i = 0; i < 300 && !platform.requests.some((r) => r.path === '/connections/conn-slow-term'); i++) await new Promise((r) => setTimeout(r, 50));
            child.kill('SIGTERM');
            expect(await exited, stderr).toBe(130);
            expect(stderr).toContain('Dry run interrupted');
        });

        it('--save that writes nothing exits 12 and says why, even when the run itself passed', async () => {
            const result = await ferry(['bad-records', 'conn-save-invalid', '--save', '--json']);
            expect(result.code, result.stderr).toBe(12);
            const doc = JSON.parse(result.stdout);
            expect(doc).toMatchObject({ ok: true, saved: null, notSaved: '1 validation issue (a fixture records a run without any: fix it, then save again)' });
            expect(existsSync(join(dir, 'github/tests/bad-records.test.json'))).toBe(false);
            const human = await ferry(['bad-records', 'conn-save-invalid', '--save']);
            expect(human.code).toBe(12);
            expect(human.stderr).toContain('error --save: no fixture written: 1 validation issue (a fixture records a run without any: fix it, then save again)');
        });

        it('--save says when it replaced an earlier fixture', async () => {
            const file = join(dir, 'github/tests/refuse.test.json');
            const first = await ferry(['refuse', 'conn-save-twice', '--save']);
            expect(first.code, first.stderr).toBe(12);
            expect(first.stdout).toContain(`Saved fixture ${file}`);
            const second = await ferry(['refuse', 'conn-save-twice', '--save', '--json']);
            expect(JSON.parse(second.stdout)).toMatchObject({ saved: file, replaced: true, error: { code: 'ACTION_ERROR' } });
            const third = await ferry(['refuse', 'conn-save-twice', '--save']);
            expect(third.stdout).toContain(`Replaced fixture ${file}`);
        });

        it('a fixture that cannot be written is reported as notSaved, the run kept (exit 12)', async () => {
            const file = join(dir, 'github/tests/pulls.test.json');
            await mkdir(join(file, 'in-the-way'), { recursive: true });
            const result = await ferry(['pulls', 'conn-save-blocked', '--save', '--json']);
            expect(result.code, result.stderr).toBe(12);
            const doc = JSON.parse(result.stdout);
            expect(doc.records.PullRequest).toMatchObject({ saved: 6 });
            expect(doc.saved).toBeNull();
            expect(doc.notSaved).toMatch(/^cannot write .*github\/tests\/pulls\.test\.json \((EISDIR|ENOTEMPTY|EEXIST|ENOTDIR): /);
            expect(doc.notSaved).toContain(`cannot write ${file} (`);
        });

        it('--out is checked before the platform is asked: a folder-like path or an unwritable place is a usage error', async () => {
            const slash = await ferry(['issues', 'conn-out-bad', '--out', 'newdir/']);
            expect(slash.code, slash.stderr).toBe(1);
            expect(slash.stderr.trim()).toBe('error --out newdir/ names a folder. Give a file path, e.g. --out newdir/records.jsonl.');
            expect(existsSync(join(dir, 'newdir'))).toBe(false);
            const blocked = await ferry(['issues', 'conn-out-bad', '--out', 'package.json/records.jsonl', '--json']);
            expect(blocked.code, blocked.stderr).toBe(1);
            const { error } = JSON.parse(blocked.stdout);
            expect(error.code).toBe('OUT_NOT_WRITABLE');
            expect(error.message).toMatch(/^cannot write --out package\.json\/records\.jsonl in .*package\.json \((ENOTDIR|EEXIST): /);
            expect(error.hint).toContain('A file is in the way');
            expect(platform.requests.some((r) => r.path === '/connections/conn-out-bad')).toBe(false);
        });

        it('uses --metadata instead of the connection\'s', async () => {
            const result = await ferry(['create-issue', 'conn-meta', '-i', '{"title":"m"}', '-m', '{"owner":"someone-else"}']);
            expect(result.code, result.stderr).toBe(0);
            expect(result.stderr).toContain('owner someone-else');
        });
    });

    describe.concurrent('one-line errors', () => {
        const oneLine = (result: CliResult): string => {
            const lines = result.stderr.trim().split('\n');
            expect(lines).toHaveLength(1);
            return lines[0]!;
        };

        it('a missing key names the variable and the .env path (exit 1)', async () => {
            const result = await ferry(['issues', 'conn-sync', '-e', 'prod']);
            expect(result.code, result.stderr).toBe(1);
            const line = oneLine(result);
            expect(line).toContain('NANGO_SECRET_KEY_PROD');
            expect(line).toContain(join(dir, '.env'));
        });

        it('an unknown function suggests the closest name (exit 1)', async () => {
            const result = await ferry(['isues', 'conn-sync', '--json']);
            expect(result.code, result.stderr).toBe(1);
            expect(oneLine(result)).toBe("error No function 'isues' is registered in index.ts. Did you mean 'issues'?");
            expect(JSON.parse(result.stdout).error).toEqual({
                code: 'FUNCTION_NOT_FOUND',
                message: "No function 'isues' is registered in index.ts",
                hint: "Did you mean 'issues'?",
                details: { function: 'isues', suggestions: ['issues'] }
            });
        });

        it('a function file that index.ts does not import says how to register it (exit 1)', async () => {
            const result = await ferry(['orphan', 'conn-sync']);
            expect(result.code).toBe(1);
            expect(oneLine(result)).toContain("github/syncs/orphan.ts exists but index.ts does not import it. Add `import './github/syncs/orphan.js';` to index.ts.");
        });

        it('an empty connection id (an unset shell variable) is a usage error, nothing is asked of the platform (exit 1)', async () => {
            const result = await ferry(['issues', '', '--json']);
            expect(result.code, result.stderr).toBe(1);
            expect(oneLine(result)).toContain('the connection id is empty');
            expect(JSON.parse(result.stdout).error.code).toBe('USAGE');
        });

        it('a connection id a platform cannot take (non-ASCII) is refused before anything is asked of the platform (exit 1)', async () => {
            const result = await ferry(['issues', 'cönn-1', '--json']);
            expect(result.code, result.stderr).toBe(1);
            expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'CONNECTION_ID_INVALID', message: '"cönn-1" is not a connection id: it has characters a platform does not accept in a connection id' });
            // The other tests of this block run at the same time: only requests about this id count.
            expect(platform.requests.some((r) => decodeURIComponent(r.path).includes('nn-1'))).toBe(false);
            expect(platform.proxied.some((call) => call.headers['connection-id']?.includes('nn-1'))).toBe(false);
        });

        it('--out naming a folder is a usage error before the run, leaving no temporary file (exit 1)', async () => {
            const result = await ferry(['issues', 'conn-sync', '--out', 'github']);
            expect(result.code, result.stderr).toBe(1);
            expect(oneLine(result)).toContain('--out github is a folder');
            expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
        });

        it('a bad NANGO_HOSTPORT is named as such (exit 1)', async () => {
            const result = await ferry(['issues', 'conn-sync'], { NANGO_HOSTPORT: 'localhost:3003' });
            expect(result.code, result.stderr).toBe(1);
            expect(oneLine(result)).toContain("NANGO_HOSTPORT is not an http(s) URL: 'localhost:3003'");
        });

        it('a bad --input is a usage error', async () => {
            const result = await ferry(['create-issue', 'conn-action', '--input', '{"title":']);
            expect(result.code, result.stderr).toBe(1);
            expect(oneLine(result)).toMatch(/--input: the value is not valid JSON/);
        });

        it('an unknown connection says which connection and integration (exit 12)', async () => {
            const result = await ferry(['issues', 'conn-nope']);
            expect(result.code, result.stderr).toBe(12);
            expect(oneLine(result)).toMatch(/No connection 'conn-nope' for integration 'github' in environment 'dev'/);
        });

        it('a rejected key is a 401 error naming the variable, never the value (exit 12)', async () => {
            const result = await ferry(['issues', 'conn-sync'], { NANGO_SECRET_KEY_DEV: 'sk-wrong-key-value' });
            expect(result.code, result.stderr).toBe(12);
            const line = oneLine(result);
            expect(line).toMatch(/rejected the secret key \(401/);
            expect(line).toContain('NANGO_SECRET_KEY_DEV');
            expect(line).not.toContain('sk-wrong-key-value');
        });

        it('an unreachable platform (exit 12)', async () => {
            const result = await ferry(['issues', 'conn-sync', '--json'], { NANGO_HOSTPORT: 'http://127.0.0.1:9' });
            expect(result.code, result.stderr).toBe(12);
            expect(oneLine(result)).toMatch(/Cannot reach the platform at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/);
            expect(JSON.parse(result.stdout).error.code).toBe('PLATFORM_UNREACHABLE');
        });
    });
});
