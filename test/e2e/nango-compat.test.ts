/**
 * Issue 13 end to end, on the built CLI: dry-running a webhook (and replaying its recording),
 * --diagnostics, pull from an environment, generate:docs, generate:tests filters, version,
 * completion, and output cut short by `head`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, FERRY_BIN, makeTempDir, runFerry } from '../support/cli.js';
import { startFakePlatform, type FakePlatform } from '../support/fake-platform.js';
import { startServer, type TestServer } from '../support/http.js';
import { createDeployRoutes } from '../support/fake-platform-deploy.js';
import { copyFixtureProject, readFixture } from '../support/function-project.js';

const PULLED_SOURCE = `import { createAction } from 'nango';\nimport { z } from 'zod';\nexport default createAction({ description: 'deployed', input: z.object({}), output: z.object({}), exec: async () => ({}) });\n`;

describe('Nango compatibility (issue 13)', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    let platform: FakePlatform;
    let provider: TestServer;
    const deployRoutes = createDeployRoutes();
    const ferry = (args: string[], input?: string) => runFerry(args, { cwd: dir, ...(input !== undefined ? { input } : {}), timeoutMs: 120_000 });

    beforeAll(async () => {
        ({ dir, cleanup } = await makeTempDir('ferry-nango-compat-'));
        provider = await startServer((req) => ({ body: { id: Number(req.path.split('/').pop()), title: `Issue ${req.path.split('/').pop()}` } }));
        platform = await startFakePlatform({
            providerUrl: provider.url,
            connections: [{ connection_id: 'conn-1', provider_config_key: 'github', provider: 'github' }],
            extraRoutes: [
                deployRoutes.handler,
                (req) => {
                    const found = /^\/integrations\/([^/]+)\/functions\/([^/]+)\/code$/.exec(req.path);
                    if (!found) return undefined;
                    if (found[2] === 'deployed-action') return { body: { type: 'action', code: PULLED_SOURCE } };
                    if (found[2] === 'twin' && !req.query.get('type')) return { status: 400, body: { error: { code: 'ambiguous_function', message: 'Several functions are named twin' } } };
                    return { status: 404, body: { error: { code: 'not_found', message: 'Function not found' } } };
                }
            ]
        });
        await copyFixtureProject('nango-compat', dir);
        await writeFile(join(dir, '.env'), `NANGO_SECRET_KEY_DEV=${platform.secretKey}\nNANGO_HOSTPORT=${platform.url}\nNANGO_SECRET_KEY_STAGING=x\n`);
        await writeFile(join(dir, 'payload.json'), JSON.stringify({ action: 'opened', issue: { id: 7 } }));
    }, 60_000);
    afterAll(async () => {
        await platform?.close();
        await provider?.close();
        await cleanup?.();
    });

    it("dryrun --webhook runs the sync's onWebhook with the payload, prints like any dryrun, and --save records a fixture ferry test replays", async () => {
        const run = await ferry(['dryrun', 'issues', 'conn-1', '--webhook', 'payload.json', '--save']);
        expect(run.stderr).toContain('webhook for opened');
        expect(run.code).toBe(0);
        expect(run.stdout).toContain('Issue 7');
        const fixture = JSON.parse(await readFile(join(dir, 'github/tests/issues.webhook.test.json'), 'utf8')) as Record<string, any>;
        expect(fixture['webhook']).toEqual({ action: 'opened', issue: { id: 7 } });
        expect(fixture['nango'].batchSave.Issue).toEqual([{ id: '7', title: 'Issue 7' }]);
        const replay = await ferry(['test', '--json']);
        expect(replay.code, replay.stderr).toBe(0);
        expect(replay.stdout).toContain('issues.webhook.test.json');
    });

    it('--webhook - reads the payload from stdin; --json is the usual document', async () => {
        const run = await ferry(['dryrun', 'issues', 'conn-1', '--webhook', '-', '--json'], JSON.stringify({ action: 'edited', issue: { id: 9 } }));
        expect(run.code, run.stderr).toBe(0);
        const doc = JSON.parse(run.stdout) as Record<string, any>;
        expect(JSON.stringify(doc)).toContain('Issue 9');
    });

    it('a sync without onWebhook is a clear error (exit 12); an action is a usage error (exit 1)', async () => {
        const plain = await ferry(['dryrun', 'plain', 'conn-1', '--webhook', 'payload.json']);
        expect(plain.code).toBe(12);
        expect(plain.stderr).toContain('has no onWebhook handler');
        const action = await ferry(['dryrun', 'add-label', 'conn-1', '--webhook', 'payload.json']);
        expect(action.code).toBe(1);
        expect(action.stderr).toContain("--webhook runs a sync's onWebhook");
    });

    it('--diagnostics prints duration and memory, and --json carries them', async () => {
        const human = await ferry(['dryrun', 'plain', 'conn-1', '--diagnostics', '--validation']);
        expect(human.code, human.stderr).toBe(0);
        expect(human.stderr).toMatch(/Diagnostics Summary[\s\S]*Duration: \d+\.\d\ds[\s\S]*Memory \(RSS\):\n\s+Average: [\d.]+ MB\n\s+Peak:/);
        const json = await ferry(['dryrun', 'plain', 'conn-1', '--diagnostics', '--json']);
        const doc = JSON.parse(json.stdout) as { diagnostics: { durationMs: number; memory: { rss: { peakBytes: number } } } };
        expect(doc.diagnostics.durationMs).toBeGreaterThan(0);
        expect(doc.diagnostics.memory.rss.peakBytes).toBeGreaterThan(1_000_000);
    });

    it('pull writes the deployed source and registers it; an ambiguous name asks for --sync/--action/--on-event', async () => {
        const pulled = await ferry(['pull', 'github', 'deployed-action', '-e', 'dev']);
        expect(pulled.code, pulled.stderr).toBe(0);
        expect(await readFile(join(dir, 'github/actions/deployed-action.ts'), 'utf8')).toBe(PULLED_SOURCE);
        expect(await readFile(join(dir, 'index.ts'), 'utf8')).toContain("import './github/actions/deployed-action.js';");
        const twin = await ferry(['pull', 'github', 'twin']);
        expect(twin.code).toBe(1);
        expect(twin.stderr).toMatch(/Several functions are named twin.*--sync, --action or --on-event/);
        const missing = await ferry(['pull', 'github', 'nope']);
        expect(missing.code).toBe(1);
        expect(missing.stderr).toContain('Function not found');
        expect((await ferry(['pull', 'github', 'twin', '-c', '-e', 'dev'])).stderr).toContain('-c and -e cannot be combined');
        expect((await ferry(['pull', 'github', 'twin', '-s', '-a'])).stderr).toContain('at most one of --sync, --action and --on-event');
        // A file of other content: refused without -f (nothing changed), replaced with --auto-confirm as with -f.
        await writeFile(join(dir, 'github/actions/deployed-action.ts'), '// mine\n');
        expect((await ferry(['pull', 'github', 'deployed-action'])).code).toBe(1);
        expect(await readFile(join(dir, 'github/actions/deployed-action.ts'), 'utf8')).toBe('// mine\n');
        expect((await ferry(['pull', 'github', 'deployed-action', '--auto-confirm'])).code).toBe(0);
        expect(await readFile(join(dir, 'github/actions/deployed-action.ts'), 'utf8')).toBe(PULLED_SOURCE);
    });

    it('generate:docs writes a page per integration from the manifest, keeping what the user wrote below the marker', async () => {
        expect((await ferry(['compile', '--no-typecheck'])).code).toBe(0);
        const first = await ferry(['generate:docs']);
        expect(first.code, first.stderr).toBe(0);
        const page = await readFile(join(dir, 'github/github.md'), 'utf8');
        expect(page).toContain('### issues (sync)');
        expect(page).toContain('Issues, kept current by webhooks');
        expect(page).toContain('`repo`');
        expect(page).toContain('### add-label (action)');
        expect(page).toMatch(/\| `label` \| string \| yes \| the label name \|/);
        expect(page).toContain('### Issue');
        await writeFile(join(dir, 'github/github.md'), `${page}\nNotes of my own.\n`);
        expect((await ferry(['generate:docs'])).code).toBe(0);
        expect(await readFile(join(dir, 'github/github.md'), 'utf8')).toContain('Notes of my own.');
    });

    it('generate:tests -s writes only that sync\'s files', async () => {
        const run = await ferry(['generate:tests', '-s', 'issues', '--json']);
        expect(run.code, run.stderr).toBe(0);
        expect((JSON.parse(run.stdout) as { written: string[] }).written).toEqual(['github/tests/issues.webhook.replay.test.mjs']);
        // The webhook recording is replayed (onWebhook), from its own file.
        const file = await readFile(join(dir, 'github/tests/issues.webhook.replay.test.mjs'), 'utf8');
        expect(file).toContain("replayFixture(new URL('./issues.webhook.test.json', import.meta.url))");
        const vitest = await ferry(['test', '--vitest']);
        expect(vitest.code, vitest.stdout + vitest.stderr).toBe(0);
        expect(vitest.stdout + vitest.stderr).toMatch(/1 passed/);
        const none = await ferry(['generate:tests', '-a', 'add-label']);
        expect(none.code).toBe(1);
        expect(none.stderr).toContain('for action add-label');
    });

    it("version prints Ferry's version, and the platform's state when a key is set", async () => {
        const run = await ferry(['version']);
        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(/^Ferry version: \d+\.\d+\.\d+/);
        expect(run.stdout).toContain(`Platform (dev, ${platform.url}): reachable`);
        const outside = await runFerry(['version', '--json'], { cwd: dirname(dir) });
        expect(JSON.parse(outside.stdout)).toEqual({ ferry: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    });

    it('completion completes commands, flags, function names, integrations and environments', async () => {
        const ask = async (...words: string[]) => (await ferry(['__complete', ...words])).stdout.split('\n').filter(Boolean);
        expect(await ask('dry')).toEqual(['dryrun']);
        expect(await ask('dryrun', '--sa')).toEqual(['--save', '--save-responses']);
        expect(await ask('dryrun', '')).toEqual(['add-label', 'deployed-action', 'issues', 'plain']);
        expect(await ask('dryrun', 'issues', 'conn-1', '-e', '')).toEqual(['dev', 'local', 'prod', 'staging']);
        expect(await ask('deploy', '-i', 'g')).toEqual(['github']);
        expect(await ask('completion', '')).toEqual(['bash', 'fish', 'zsh']);
        expect(await ask('integrations', '')).toEqual(['create', 'delete', 'get', 'list']);
        for (const shell of ['bash', 'zsh', 'fish']) {
            const script = await ferry(['completion', shell]);
            expect(script.code).toBe(0);
            expect(script.stdout).toContain('ferry __complete');
        }
    });

    it('the bash script completes through ferry __complete in a real bash', () => {
        const script = [
            `ferry() { "${process.execPath}" "${FERRY_BIN}" "$@"; }`,
            'source <(ferry completion bash)',
            'COMP_WORDS=(ferry dryrun i); COMP_CWORD=2; _ferry_complete; echo "${COMPREPLY[*]}"',
            'COMP_WORDS=(ferry dep); COMP_CWORD=1; _ferry_complete; echo "${COMPREPLY[*]}"'
        ].join('\n');
        const run = spawnSync('bash', ['-c', script], { cwd: dir, env: baseEnv(), encoding: 'utf8' });
        expect(run.stderr).toBe('');
        expect(run.stdout.split('\n').slice(0, 2)).toEqual(['issues', 'deploy']);
    });

    it('pull -c takes a function from the template catalog (here a local checkout), probing its type', async () => {
        const templates = join(dir, '..', 'templates-checkout');
        await mkdir(join(templates, 'integrations/github/actions'), { recursive: true });
        await writeFile(join(templates, 'integrations/github/actions/list-repos.ts'), (await readFixture('nango-compat', 'github/actions/add-label.ts')).replace('Add a label to an issue', 'List repositories').replace("path: '/labels'", "path: '/repos'"));
        const pulled = await ferry(['pull', 'github', 'list-repos', '-c', '--from', templates]);
        expect(pulled.code, pulled.stderr).toBe(0);
        expect(await readFile(join(dir, 'github/actions/list-repos.ts'), 'utf8')).toContain('List repositories');
        expect(await readFile(join(dir, 'index.ts'), 'utf8')).toContain("import './github/actions/list-repos.js';");
        const none = await ferry(['pull', 'github', 'nothing-here', '-c', '--from', templates]);
        expect(none.code).toBe(1);
        expect(none.stderr).toContain('The catalog has no function nothing-here for github');
    });

    it("create --sync writes a sync as generate does; help <command> is nango's help command", async () => {
        const created = await ferry(['create', 'github', 'labels', '--sync']);
        expect(created.code, created.stderr).toBe(0);
        expect(existsSync(join(dir, 'github/syncs/labels.ts'))).toBe(true);
        const none = await ferry(['create', 'github', 'labels2']);
        expect(none.code).toBe(1);
        expect(none.stderr).toContain('create needs --sync, --action or --on-event');
        const help = await ferry(['help', 'dryrun']);
        expect(help.code).toBe(0);
        expect(help.stdout).toContain('--save, --save-responses');
    });

    it('compile --sourcemap false leaves no inline source map in the bundles', async () => {
        const run = await ferry(['compile', '--no-typecheck', '--sourcemap', 'false']);
        expect(run.code, run.stderr).toBe(0);
        const bundle = await readFile(join(dir, 'build/github_syncs_issues.cjs'), 'utf8');
        expect(bundle).not.toContain('sourceMappingURL');
        expect((await ferry(['compile', '--no-typecheck'])).code).toBe(0);
        expect(await readFile(join(dir, 'build/github_syncs_issues.cjs'), 'utf8')).toContain('sourceMappingURL=data:');
    });

    it('deploy -v stamps the version; --sourcemap false uploads bundles without their source map', async () => {
        const run = await ferry(['deploy', '-v', '2.0.0', '--sourcemap', 'false', '--auto-confirm', '--json']);
        expect(run.code, run.stderr).toBe(0);
        const body = deployRoutes.state.deploys.at(-1)!;
        expect(body.flowConfigs.length).toBeGreaterThan(0);
        for (const flow of body.flowConfigs) {
            expect(flow.version).toBe('2.0.0');
            expect(flow.fileBody.js).not.toContain('sourceMappingURL');
        }
        expect((await ferry(['deploy', '-s', 'issues', '--auto-confirm'])).code).toBe(0);
        expect(deployRoutes.state.deploys.at(-1)!.flowConfigs[0]!.fileBody.js).toContain('sourceMappingURL=data:');
    });

    it('a NANGO_CLI_TLS_* variable that points nowhere is one line naming it, from any platform command', async () => {
        for (const args of [['integrations', 'list'], ['dryrun', 'plain', 'conn-1'], ['pull', 'github', 'deployed-action']]) {
            const run = await runFerry(args, { cwd: dir, env: { NANGO_CLI_TLS_CERT: join(dir, 'missing.pem') } });
            expect(run.code, args.join(' ')).not.toBe(0);
            expect(run.stderr.trim().split('\n')).toHaveLength(1);
            expect(run.stderr).toMatch(/^error NANGO_CLI_TLS_CERT: cannot read .*missing\.pem \(ENOENT\)/);
        }
    });

    it('NANGO_INTEGRATIONS_LOCATION points at the project from elsewhere; NANGO_CLI_DEBUG=true is --debug', async () => {
        const away = await runFerry(['compile', '--no-typecheck', '--json'], { cwd: dirname(dir), env: { NANGO_INTEGRATIONS_LOCATION: dir.split('/').pop()! } });
        expect(away.code, away.stderr).toBe(0);
        expect((JSON.parse(away.stdout) as { root: string }).root).toBe(dir);
        const debug = await runFerry(['compile', '--no-typecheck'], { cwd: dir, env: { NANGO_CLI_DEBUG: 'true' } });
        expect(debug.stderr).toMatch(/\[compile\]/);
        const quiet = await runFerry(['compile', '--no-typecheck'], { cwd: dir });
        expect(quiet.stderr).not.toMatch(/\[compile\]/);
    });

    it('output cut short by head is no failure (exit 0, nothing on stderr)', async () => {
        // Far more than a pipe holds (64 KB): the writer is still writing when head has gone.
        const big = join(dir, 'big');
        await mkdir(join(big, '.nango'), { recursive: true });
        await writeFile(join(big, 'index.ts'), Array.from({ length: 20_000 }, (_, i) => `import './github/syncs/sync-${i}.js';`).join('\n'));
        const piped = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${FERRY_BIN}" __complete dryrun '' | head -1`], { cwd: big, env: baseEnv(), encoding: 'utf8' });
        expect(piped.stderr).toBe('');
        expect(piped.status).toBe(0);
        expect(piped.stdout).toBe('sync-0\n');
        const help = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${FERRY_BIN}" dryrun --help | head -1 >/dev/null`], { cwd: dir, env: baseEnv(), encoding: 'utf8' });
        expect(help.status, help.stderr).toBe(0);
        expect(existsSync(dir)).toBe(true);
    });
});
