/**
 * `ferry deploy` end to end: the built CLI against the fake platform with its deploy routes, on
 * one small project that the cases change in turn (first deploy, redeploy, single function,
 * deleted sync...). Cases run in order and build on what the platform has from the previous ones.
 */
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, makeTempDir, runFerry, type CliResult } from '../support/cli.js';
import { createDeployRoutes, type FakeDeployState } from '../support/fake-platform-deploy.js';
import { startFakePlatform, type FakePlatform } from '../support/fake-platform.js';
import { copyFixture, readFixtureFiles } from '../support/function-project.js';

const SECRET_KEY = 'sk-test-deploy-0f1e2d3c4b5a69788796';
const OTHER_SECRET = 'ghp_dotenv_secret_value_5566778899';
const PLAIN_VALUE = 'plain-dotenv-value-not-for-upload-4242';
const PRIVATE_MARKER = 'PRIVATE-NOTES-MARKER-7b1c9e';

const PROJECT = await readFixtureFiles('deploy');
const ISSUES = PROJECT['github/syncs/issues.ts']!;
const SETUP = PROJECT['github/on-events/setup.ts']!;
const INDEX_ALL = PROJECT['index.ts']!;
/** The action with its output field named `field` (the fixture's is `id`). */
const createIssue = (field: string): string => PROJECT['github/actions/create-issue.ts']!.replaceAll('{ id:', `{ ${field}:`);

interface DeployDocument {
    environment: string;
    plan: {
        syncs: Record<'new' | 'updated' | 'deleted', { name: string; integration: string; connections: number }[]>;
        actions: Record<'new' | 'updated' | 'deleted', { name: string }[]>;
        onEventScripts: Record<'new' | 'updated' | 'deleted', { name: string; event: string }[]>;
        deletedModels: string[];
        connectionsAffected: number;
    } | null;
    destructive: boolean;
    deployed: { name: string; version: string | null; type: string; integration: string }[];
    payloadBytes: number;
    dryRun: boolean;
    error?: { code: string; message: string; hint?: string };
}

describe('ferry deploy', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    let platform: FakePlatform;
    let state: FakeDeployState;

    const ferry = (args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> => runFerry(['deploy', ...args], { cwd: dir, env });
    const json = (result: CliResult): DeployDocument => JSON.parse(result.stdout) as DeployDocument;
    const write = (rel: string, content: string): Promise<void> => writeFile(join(dir, rel), content);

    beforeAll(async () => {
        ({ dir, cleanup } = await makeTempDir('ferry-deploy-'));
        const deploy = createDeployRoutes();
        state = deploy.state;
        platform = await startFakePlatform({ secretKey: SECRET_KEY, extraRoutes: [deploy.handler] });
        await copyFixture('deploy', dir);
        for (const folder of ['.nango', 'notes', 'node_modules']) await mkdir(join(dir, folder), { recursive: true });
        await symlink(join(REPO_ROOT, 'node_modules/zod'), join(dir, 'node_modules/zod'), 'dir');
        await write('notes/private.txt', `${PRIVATE_MARKER}\n`);
        await write('.env', `NANGO_SECRET_KEY_DEV=${SECRET_KEY}\nNANGO_HOSTPORT=${platform.url}\nGITHUB_TOKEN=${OTHER_SECRET}\nGREETING=${PLAIN_VALUE}\n`);
    });
    afterAll(async () => {
        await platform?.close();
        await cleanup?.();
    });

    it('deploys everything as new on the first deploy and prints name@version', async () => {
        const result = await ferry([]);
        expect(result.stderr).toMatch(/Payload: [\d.]+ kB for 3 functions/);
        // Durations read as compile's do (formatDuration): '412 ms', '1.23 s'.
        expect(result.stderr).toMatch(/Compiled 3 functions \((\d+ ms|\d+\.\d\d s)\)\n/);
        expect(result.stderr).toMatch(/Deployed 3 functions to 'dev' \((\d+ ms|\d+\.\d\d s)\)\n/);
        expect(result.code).toBe(0);
        expect(result.stdout).toContain("Plan for environment 'dev':");
        expect(result.stdout).toMatch(/\+ github\/issues/);
        expect(result.stdout).toMatch(/issues@0\.0\.1/);
        expect(result.stdout).toMatch(/create-issue@0\.0\.1/);
        expect(state.confirmations).toHaveLength(1);
        expect(state.deploys).toHaveLength(1);
        const body = state.deploys[0]!;
        expect(body.deployMode).toBe('all');
        expect(body.flowConfigs.map((f) => `${f.type}:${f.syncName}`).sort()).toEqual(['action:create-issue', 'sync:issues']);
        const issues = body.flowConfigs.find((f) => f.syncName === 'issues')!;
        expect(issues).toMatchObject({ providerConfigKey: 'github', runs: 'every hour', models: ['Issue'] });
        expect(issues.models_json_schema.definitions['Issue']).toMatchObject({ type: 'object' });
        expect(issues.fileBody.ts).toBe(ISSUES);
        expect(issues.fileBody.js).toContain('sourceMappingURL=data:application/json;base64,');
        expect(body.onEventScriptsByProvider).toEqual([
            { providerConfigKey: 'github', scripts: [expect.objectContaining({ name: 'setup', event: 'post-connection-creation', fileBody: expect.objectContaining({ ts: SETUP }) })] }
        ]);
        expect(body.sdkVersion).toMatch(/-zero$/);
    });

    it('previews without deploying with --dry-run', async () => {
        const deploysBefore = state.deploys.length;
        const result = await ferry(['--dry-run', '--json']);
        expect(result.code).toBe(0);
        const doc = json(result);
        expect(doc).toMatchObject({ environment: 'dev', dryRun: true, destructive: false, deployed: [] });
        expect(doc.plan?.syncs).toEqual({ new: [], updated: [], deleted: [] });
        expect(doc.payloadBytes).toBeGreaterThan(1000);
        expect(state.deploys).toHaveLength(deploysBefore);
        expect(platform.requests.filter((r) => r.path === '/sync/deploy')).toHaveLength(deploysBefore);
    });

    it('shows only the changed function as updated on a redeploy', async () => {
        await write('github/actions/create-issue.ts', createIssue('number'));
        const result = await ferry(['--json']);
        expect(result.code).toBe(0);
        const doc = json(result);
        expect(doc.plan?.actions.updated.map((a) => a.name)).toEqual(['create-issue']);
        expect(doc.plan?.actions.new).toEqual([]);
        expect(doc.plan?.syncs).toEqual({ new: [], updated: [], deleted: [] });
        // A function that declares no version is sent with '' (as Nango sends it): the platform numbers it, a new number when it changed.
        expect(doc.deployed).toContainEqual({ name: 'create-issue', version: '0.0.2', type: 'action', integration: 'github' });
        expect(state.deploys.at(-1)!.flowConfigs.find((f) => f.syncName === 'create-issue')!.fileBody.ts).toContain('number: z.string()');
        expect(doc.deployed).toContainEqual({ name: 'issues', version: '0.0.1', type: 'sync', integration: 'github' });
    });

    it("deploys a single function with deployMode 'single' and --version", async () => {
        const result = await ferry(['-a', 'create-issue', '--version', '2.0.0', '--json']);
        expect(result.code).toBe(0);
        const body = state.deploys.at(-1)!;
        expect(body.deployMode).toBe('single');
        expect(body.flowConfigs.map((f) => [f.syncName, f.version])).toEqual([['create-issue', '2.0.0']]);
        expect(body).not.toHaveProperty('onEventScriptsByProvider');
        expect(json(result).deployed).toEqual([{ name: 'create-issue', version: '2.0.0', type: 'action', integration: 'github' }]);
    });

    it('refuses to delete a sync with connections in CI without both flags, and deploys it with both', async () => {
        state.connections['github/issues'] = 3;
        await write('index.ts', "import './github/actions/create-issue.js';\nimport './github/on-events/setup.js';\n");
        const deploysBefore = state.deploys.length;

        const refused = await ferry([]);
        expect(refused.code).toBe(11);
        expect(refused.stdout).toMatch(/- github\/issues .*3 connections/);
        const errorLines = refused.stderr.split('\n').filter((line) => line.startsWith('error'));
        expect(errorLines).toHaveLength(1);
        expect(errorLines[0]).toContain('--auto-confirm');
        expect(errorLines[0]).toContain('--allow-destructive');
        expect(errorLines[0]).toContain('nothing was deployed');

        const halfway = await ferry(['--auto-confirm', '--json']);
        expect(halfway.code).toBe(11);
        const doc = json(halfway);
        expect(doc.destructive).toBe(true);
        // auto_start as Nango writes it: false unless the sync says autoStart: true.
        expect(doc.plan?.syncs.deleted).toEqual([{ name: 'issues', integration: 'github', connections: 3, autoStart: false }]);
        expect(doc.plan?.deletedModels).toEqual(['Issue']);
        expect(doc.error?.code).toBe('DEPLOY_REFUSED');
        expect(doc.error?.message).toContain('--allow-destructive');
        expect(doc.error?.message).not.toContain('--auto-confirm');
        expect(state.deploys).toHaveLength(deploysBefore);

        const allowed = await ferry(['--allow-destructive'], { NANGO_DEPLOY_AUTO_CONFIRM: 'true' });
        expect(allowed.code).toBe(0);
        expect(state.deploys).toHaveLength(deploysBefore + 1);
        expect([...state.deployed.keys()]).not.toContain('github/sync/issues');
        await write('index.ts', INDEX_ALL);
    });

    it('retries the preview after a 503 and deploys', async () => {
        state.failNext('confirmation', { status: 503 });
        const result = await ferry(['--json']);
        expect(result.code).toBe(0);
        expect(result.stderr).toMatch(/retrying in (\d+ ms|\d+\.\d\d s) \(try 2\)/);
        expect(json(result).deployed.map((d) => d.name)).toContain('issues');
    });

    it('does not retry a deploy that may have arrived, and says so', async () => {
        state.failNext('deploy', { status: 503 });
        const deploysBefore = platform.requests.filter((r) => r.path === '/sync/deploy').length;
        const result = await ferry([]);
        expect(result.code).toBe(11);
        expect(platform.requests.filter((r) => r.path === '/sync/deploy')).toHaveLength(deploysBefore + 1);
        expect(result.stderr).toContain('may or may not have been applied');
    });

    it('explains a rejected key in one line, naming the variable', async () => {
        const before = state.deploys.length;
        const result = await ferry([], { NANGO_SECRET_KEY_DEV: 'sk-test-wrong-key-000000000' });
        expect(result.code).toBe(11);
        const lines = result.stderr.trim().split('\n');
        expect(lines.at(-1)).toMatch(/^error .*401.*NANGO_SECRET_KEY_DEV.*Nothing was deployed\.$/);
        // The key came from the shell, which overrides .env: the hint says where to look.
        expect(lines.at(-1)).toContain('NANGO_SECRET_KEY_DEV is set in your shell environment (it overrides .env)');
        expect(lines.at(-1)).not.toMatch(/\.\./);
        expect(result.stderr).not.toContain('retrying');
        expect(state.deploys).toHaveLength(before);
    });

    it('sends nothing when compile fails (exit 10)', async () => {
        const requestsBefore = platform.requests.length;
        const original = await readFile(join(dir, 'github/syncs/issues.ts'), 'utf8');
        await write('github/syncs/issues.ts', original.replace("title: 'first'", 'title: 42'));
        const result = await ferry(['--json']);
        // A flag mistake is still a usage error (exit 1), told before compiling, not a compile failure.
        const wrongKind = await ferry(['-s', 'create-issue', '--dry-run']);
        const wrongKindJson = await ferry(['-s', 'create-issue', '--dry-run', '--json']);
        await write('github/syncs/issues.ts', original);
        expect(wrongKind.code).toBe(1);
        expect(wrongKind.stderr.trim()).toBe("error 'create-issue' is an action, not a sync. Use -a create-issue.");
        expect(wrongKindJson.code).toBe(1);
        expect(json(wrongKindJson).error).toMatchObject({ code: 'USAGE', message: "'create-issue' is an action, not a sync" });
        expect(json(wrongKindJson)).not.toHaveProperty('compileErrors');
        expect(result.code).toBe(10);
        expect(json(result).error?.code).toBe('COMPILE_FAILED');
        // The same diagnostic shape as `ferry compile --json`: paths relative to the project root.
        const errors = (json(result) as { compileErrors?: { file: string | null; code: string }[] }).compileErrors ?? [];
        expect(errors.length).toBeGreaterThan(0);
        expect(errors.map((e) => e.file)).toContain('github/syncs/issues.ts');
        expect(result.stderr).toContain('issues.ts');
        expect(platform.requests).toHaveLength(requestsBefore);
    });

    it('rejects two different environments and unknown names in one line, sending nothing', async () => {
        const requestsBefore = platform.requests.length;
        const clash = await ferry(['prod', '-e', 'dev']);
        expect(clash.code).toBe(1);
        expect(clash.stderr.trim().split('\n')).toHaveLength(1);
        expect(clash.stderr).toContain("'prod' and -e 'dev'");
        const clashJson = await ferry(['prod', '-e', 'dev', '--json']);
        expect(clashJson.code).toBe(1);
        expect(json(clashJson)).toMatchObject({ plan: null, deployed: [], payloadBytes: 0, error: { code: 'USAGE' } });
        const typo = await ferry(['-s', 'isues']);
        expect(typo.code).toBe(1);
        expect(typo.stderr).toContain("Did you mean 'issues'?");
        const noKey = await ferry(['prod']);
        expect(noKey.code).toBe(11);
        expect(noKey.stderr).toContain('NANGO_SECRET_KEY_PROD');
        expect(platform.requests).toHaveLength(requestsBefore);
    });

    it('never uploads the secret key, other .env values or unrelated files', () => {
        const bodies = platform.requests.map((r) => r.body.toString('utf8'));
        expect(bodies.filter((b) => b.includes('flowConfigs')).length).toBeGreaterThan(5);
        for (const body of bodies) {
            expect(body).not.toContain(SECRET_KEY);
            expect(body).not.toContain(OTHER_SECRET);
            expect(body).not.toContain(PLAIN_VALUE);
            expect(body).not.toContain(PRIVATE_MARKER);
        }
        for (const request of platform.requests) {
            for (const [name, value] of Object.entries(request.headers)) {
                if (name !== 'authorization') expect(String(value)).not.toContain(SECRET_KEY);
            }
        }
    });
});
