import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, makeTempDir, runFerry, type CliResult } from '../support/cli.js';
import { TEMPLATE_TREE, startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';

const REPO = 'NangoHQ/integration-templates';
const TOKEN = 'ghp_clone-test-token-0123456789';

/** Every file under `dir` (except node_modules) with its bytes, to prove a tree did not change. */
async function snapshot(dir: string, base = dir): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (entry.name === 'node_modules') continue;
        const full = join(dir, entry.name);
        if (entry.isDirectory()) Object.assign(out, await snapshot(full, base));
        else out[full.slice(base.length + 1)] = (await readFile(full)).toString('base64');
    }
    return out;
}

describe('ferry clone', () => {
    let tmp: string;
    let cleanup: () => Promise<void>;
    let github: FakeGitHub;
    let count = 0;

    beforeAll(async () => {
        ({ dir: tmp, cleanup } = await makeTempDir('ferry-clone-e2e-'));
        github = await startFakeGitHub({
            repos: {
                [REPO]: { main: TEMPLATE_TREE, 'v1.0.0': { 'integrations/github/actions/get-issue.ts': TEMPLATE_TREE['integrations/github/actions/get-issue.ts']! } },
                'acme/templates': { v2: TEMPLATE_TREE }
            }
        });
    });
    afterAll(async () => {
        await github?.close();
        await cleanup?.();
    });

    /** A minimal functions project: index.ts, .nango/, package.json, tsconfig.json, zod linked in. */
    const makeProject = async (): Promise<string> => {
        const root = join(tmp, `project-${count++}`);
        await mkdir(join(root, '.nango'), { recursive: true });
        await mkdir(join(root, 'node_modules'), { recursive: true });
        await symlink(join(REPO_ROOT, 'node_modules/zod'), join(root, 'node_modules/zod'), 'dir');
        await writeFile(join(root, 'index.ts'), '');
        await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'functions', private: true, type: 'module' }, null, 2));
        await writeFile(
            join(root, 'tsconfig.json'),
            JSON.stringify({ compilerOptions: { target: 'es2022', module: 'node16', moduleResolution: 'node16', strict: true, noEmit: true, skipLibCheck: true } }, null, 2)
        );
        return root;
    };

    const clone = (cwd: string, args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> =>
        runFerry(['clone', ...args], { cwd, env: { ...github.env, ...env } });

    let single: string;

    it('clones one function with its helper, recursively, registers it, and sends GITHUB_TOKEN without printing it', async () => {
        single = await makeProject();
        const before = github.requests.length;
        const result = await clone(single, ['github/actions/list-repos'], { GITHUB_TOKEN: TOKEN });
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        for (const path of [
            'github/actions/list-repos.ts',
            'github/helpers/paginate.ts',
            'github/helpers/constants.ts',
            'github/mappers/index.ts',
            'github/mappers/to-repo.ts',
            'github/models.ts',
            'github/types.ts'
        ]) {
            expect(await readFile(join(single, path), 'utf8')).toBe(TEMPLATE_TREE[`integrations/${path}`]);
        }
        expect(existsSync(join(single, 'github/actions/get-issue.ts'))).toBe(false);
        expect(existsSync(join(single, 'github/actions/list-repos.md'))).toBe(false);
        expect(await readFile(join(single, 'index.ts'), 'utf8')).toBe("import './github/actions/list-repos.js';\n");
        expect(result.stdout).toContain(`Cloned github/actions/list-repos from ${REPO}@HEAD`);
        expect(result.stdout).toContain('+ github/helpers/paginate.ts');
        expect(result.stdout).toContain('Registered 1 function in index.ts: github/actions/list-repos.ts');
        // No Ferry installed in the project: `npx ferry` would download another npm package.
        expect(result.stdout).toContain('7 files written. Next: ferry compile\n');
        expect(result.stdout).not.toContain('npx');

        const requests = github.requests.slice(before);
        expect(requests.length).toBeGreaterThan(0);
        for (const request of requests) expect(request.headers['authorization']).toBe(`Bearer ${TOKEN}`);
        // One function needs no listing: raw downloads only, which do not count against the API limit.
        expect(requests.filter((r) => !r.path.startsWith('/raw/'))).toEqual([]);
        expect(result.stdout + result.stderr).not.toContain(TOKEN);
    });

    it('skips identical files silently when cloned again and registers nothing twice', async () => {
        const result = await clone(single, ['github/actions/list-repos', '--json', '--debug'], { GITHUB_TOKEN: TOKEN });
        expect(result.code).toBe(0);
        // Debug logs show every request, never the token.
        expect(result.stderr).toContain('GET http://127.0.0.1');
        expect(result.stdout + result.stderr).not.toContain(TOKEN);
        const doc = JSON.parse(result.stdout);
        expect(doc.written).toEqual([]);
        expect(doc.registered).toEqual([]);
        expect(doc.conflicts).toEqual([]);
        expect(doc.skipped).toHaveLength(7);
        expect(await readFile(join(single, 'index.ts'), 'utf8')).toBe("import './github/actions/list-repos.js';\n");
    });

    it('refuses files that differ, lists them, and leaves the tree byte-for-byte unchanged', async () => {
        await writeFile(join(single, 'github/helpers/paginate.ts'), '// my own pagination\n');
        await writeFile(join(single, 'github/models.ts'), '// my models\n');
        const before = await snapshot(single);
        const result = await clone(single, ['github/actions']);
        expect(result.code).toBe(1);
        expect(result.stdout).toBe('');
        expect(result.stderr).toContain('github/helpers/paginate.ts');
        expect(result.stderr).toContain('github/models.ts');
        expect(result.stderr).toMatch(/2 files of 'github\/actions' already exist with different content.*--force/);
        expect(await snapshot(single)).toEqual(before);

        const json = await clone(single, ['github/actions', '--json']);
        expect(json.code).toBe(1);
        const doc = JSON.parse(json.stdout);
        expect(doc.error.code).toBe('CLONE_CONFLICT');
        expect(doc.error.details.conflicts).toEqual(['github/helpers/paginate.ts', 'github/models.ts']);
        expect(await snapshot(single)).toEqual(before);
    });

    it('overwrites them with --force', async () => {
        const result = await clone(single, ['github/actions', '--force', '--json']);
        expect(result.code).toBe(0);
        const doc = JSON.parse(result.stdout);
        expect(doc.conflicts).toEqual(['github/helpers/paginate.ts', 'github/models.ts']);
        expect(doc.written).toEqual(expect.arrayContaining(['github/actions/get-issue.ts', 'github/helpers/paginate.ts', 'github/models.ts']));
        expect(doc.registered).toEqual(['github/actions/get-issue.ts']);
        expect(doc.source).toEqual({ repo: REPO, ref: 'HEAD' });
        expect(await readFile(join(single, 'github/models.ts'), 'utf8')).toBe(TEMPLATE_TREE['integrations/github/models.ts']);
        expect(await readFile(join(single, 'index.ts'), 'utf8')).toBe("import './github/actions/list-repos.js';\nimport './github/actions/get-issue.js';\n");
    });

    let whole: string;

    it('clones a type folder and a whole integration', async () => {
        whole = await makeProject();
        const folder = await clone(whole, ['github/syncs', '--json']);
        expect(folder.code).toBe(0);
        expect(JSON.parse(folder.stdout).registered).toEqual(['github/syncs/issues.ts']);

        const result = await clone(whole, ['github', '--json']);
        expect(result.code).toBe(0);
        const doc = JSON.parse(result.stdout);
        expect(doc.registered).toEqual(['github/actions/get-issue.ts', 'github/actions/list-repos.ts', 'github/on-events/post-connection.ts']);
        expect(doc.functions).toHaveLength(4);
        expect(doc.skipped).toEqual(expect.arrayContaining(['github/syncs/issues.ts', 'github/helpers/paginate.ts']));
        const index = await readFile(join(whole, 'index.ts'), 'utf8');
        expect(index.trim().split('\n')).toHaveLength(4);
        expect(existsSync(join(whole, 'slack'))).toBe(false);
    });

    it('produces a project that compiles', async () => {
        const bundled = await runFerry(['compile', '--no-typecheck', '--json'], { cwd: whole });
        expect(bundled.stderr).not.toMatch(/not available in this version/);
        expect(bundled.code).toBe(0);
        const manifest = JSON.parse(await readFile(join(whole, '.nango/nango.json'), 'utf8')) as { providerConfigKey: string; syncs: { name: string }[]; actions: { name: string }[] }[];
        const github = manifest.find((i) => i.providerConfigKey === 'github')!;
        expect(github.syncs.map((s) => s.name)).toEqual(['issues']);
        expect(github.actions.map((a) => a.name).sort()).toEqual(['get-issue', 'list-repos']);
    });

    it('works in a project made by `ferry init`, and the result type-checks', async () => {
        const init = await runFerry(['init', 'made', '--no-install'], { cwd: tmp });
        expect(init.code).toBe(0);
        const root = join(tmp, 'made');
        await mkdir(join(root, 'node_modules'), { recursive: true });
        await symlink(join(REPO_ROOT, 'node_modules/zod'), join(root, 'node_modules/zod'), 'dir');
        const indexBefore = await readFile(join(root, 'index.ts'), 'utf8');

        const result = await clone(root, ['github/actions']);
        expect(result.code).toBe(0);
        expect(await readFile(join(root, 'index.ts'), 'utf8')).toBe(
            `${indexBefore}import './github/actions/get-issue.js';\nimport './github/actions/list-repos.js';\n`
        );
        const compiled = await runFerry(['compile'], { cwd: root });
        expect(compiled.code, compiled.stderr).toBe(0);
        expect(existsSync(join(root, 'build/github_actions_list-repos.cjs'))).toBe(true);

        // The scaffolded example has a sync of the same name: a conflict, refused.
        const whole = await clone(root, ['github']);
        expect(whole.code).toBe(1);
        expect(whole.stderr).toContain('github/syncs/issues.ts');
    });

    it('says which template it could not find and suggests close names', async () => {
        const result = await clone(single, ['github/actions/list-repo']);
        expect(result.code).toBe(1);
        expect(result.stderr.trim().split('\n')).toHaveLength(1);
        expect(result.stderr).toContain("Template 'github/actions/list-repo' not found");
        expect(result.stderr).toContain("Did you mean 'github/actions/list-repos'?");

        const integration = await clone(single, ['githb']);
        expect(integration.code).toBe(1);
        expect(integration.stderr).toContain("'github'");
    });

    it('repeats --repo and --ref in the command it suggests, and counts what the folder holds', async () => {
        const result = await clone(single, ['github/actions/zzzzzz', '--repo', 'acme/templates', '--ref', 'v2']);
        expect(result.code).toBe(1);
        expect(result.stderr.trim().split('\n')).toHaveLength(1);
        expect(result.stderr).toContain(
            'Run `ferry clone github/actions --repo acme/templates --ref v2` to clone all 2, or pick one of: get-issue, list-repos.'
        );
        // The default repository needs no --repo.
        const onDefault = await clone(single, ['github/syncs/zzzzzz']);
        expect(onDefault.stderr).toContain('The only sync there is issues: run `ferry clone github/syncs/issues`.');
    });

    it('explains an unknown ref and an unknown repository', async () => {
        const ref = await clone(single, ['github/actions', '--ref', 'nope']);
        expect(ref.code).toBe(1);
        expect(ref.stderr).toContain(`${REPO} has no branch, tag or commit 'nope'`);

        const repo = await clone(single, ['github/actions', '--repo', 'someone/elsewhere']);
        expect(repo.code).toBe(1);
        expect(repo.stderr).toContain('GitHub has no repository someone/elsewhere');
    });

    it('clones from a tag with --ref', async () => {
        const root = await makeProject();
        const result = await clone(root, ['github/actions/get-issue', '--ref', 'v1.0.0']);
        // That tag has only the function, not its models: the missing imports are reported.
        expect(result.code).toBe(0);
        expect(result.stderr).toContain("imports '../models.js', which is not in NangoHQ/integration-templates@v1.0.0");
        expect(github.rawRequests().some((r) => r.path.includes('/v1.0.0/'))).toBe(true);
    });

    it("reports GitHub's rate limit with the reset time and the GITHUB_TOKEN hint, writing nothing", async () => {
        const root = await makeProject();
        const before = await snapshot(root);
        github.rateLimitReset = Math.floor(Date.parse('2030-01-01T14:05:00Z') / 1000);
        github.rateLimited = true;
        try {
            const result = await clone(root, ['github/actions']);
            expect(result.code).toBe(1);
            expect(result.stderr.trim().split('\n')).toHaveLength(1);
            expect(result.stderr).toContain("GitHub's API rate limit is used up; it resets at 14:05 UTC");
            expect(result.stderr).toContain('GITHUB_TOKEN');
        } finally {
            github.rateLimited = false;
        }
        expect(await snapshot(root)).toEqual(before);
    });

    it('leaves the project unchanged when a download fails part-way', async () => {
        const root = await makeProject();
        const before = await snapshot(root);
        github.brokenFiles.add('integrations/github/mappers/to-repo.ts');
        try {
            const result = await clone(root, ['github']);
            expect(result.code).toBe(1);
            expect(result.stderr.trim().split('\n')).toHaveLength(1);
            expect(result.stderr).toMatch(/The connection to http:\/\/127\.0\.0\.1:\d+ was cut/);
            expect(result.stderr).toContain('Nothing was written');
        } finally {
            github.brokenFiles.clear();
        }
        const unreachable = await clone(root, ['github'], { FERRY_GITHUB_API_URL: 'http://127.0.0.1:9', FERRY_GITHUB_RAW_URL: 'http://127.0.0.1:9' });
        expect(unreachable.code).toBe(1);
        expect(unreachable.stderr).toContain('Cannot reach http://127.0.0.1:9 (ECONNREFUSED)');
        expect(await snapshot(root)).toEqual(before);
    });

    it('clones from a local checkout with --from, offline', async () => {
        const checkout = join(tmp, 'checkout');
        for (const [path, content] of Object.entries(TEMPLATE_TREE)) {
            await mkdir(join(checkout, path, '..'), { recursive: true });
            await writeFile(join(checkout, path), content);
        }
        const root = await makeProject();
        const offline = { FERRY_GITHUB_API_URL: 'http://127.0.0.1:9', FERRY_GITHUB_RAW_URL: 'http://127.0.0.1:9' };
        const result = await runFerry(['clone', 'github/syncs/issues', '--from', checkout, '--json'], { cwd: root, env: offline });
        expect(result.code).toBe(0);
        const doc = JSON.parse(result.stdout);
        expect(doc.source).toEqual({ folder: checkout });
        expect(doc.written).toEqual(['github/syncs/issues.ts', 'github/helpers/constants.ts', 'github/helpers/paginate.ts', 'github/models.ts', 'github/types.ts']);
        expect(await readFile(join(root, 'index.ts'), 'utf8')).toBe("import './github/syncs/issues.js';\n");

        // Its integrations/ folder works too.
        const fromFolder = await runFerry(['clone', 'slack', '--from', join(checkout, 'integrations'), '--json'], { cwd: root, env: offline });
        expect(fromFolder.code).toBe(0);
        expect(JSON.parse(fromFolder.stdout).registered).toEqual(['slack/actions/send-message.ts']);

        // A wrong name: the suggested command keeps --from, and one function is not "all 1".
        const missing = await runFerry(['clone', 'github/syncs/nope', '--from', checkout], { cwd: root, env: offline });
        expect(missing.code).toBe(1);
        expect(missing.stderr.trim()).toBe(
            `error Template 'github/syncs/nope' not found in ${checkout}: no sync 'nope' in github/syncs. The only sync there is issues: run \`ferry clone github/syncs/issues --from ${checkout}\`.`
        );
    });

    it('suggests `npx ferry` once the project has Ferry installed', async () => {
        const checkout = join(tmp, 'checkout');
        const root = await makeProject();
        await mkdir(join(root, 'node_modules/.bin'), { recursive: true });
        await symlink(join(REPO_ROOT, 'bin/ferry.js'), join(root, 'node_modules/.bin/ferry'));
        const result = await runFerry(['clone', 'slack', '--from', checkout], { cwd: root });
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toContain('Next: npx ferry compile\n');
    });

    it('refuses to run outside a project, and bad arguments, before any request', async () => {
        const outside = join(tmp, 'not-a-project');
        await mkdir(outside, { recursive: true });
        const before = github.requests.length;
        const result = await clone(outside, ['github/actions/list-repos']);
        expect(result.code).toBe(1);
        expect(result.stderr.trim().split('\n')).toHaveLength(1);
        expect(result.stderr).toContain('is not inside a functions project');

        const badType = await clone(single, ['github/webhooks/x']);
        expect(badType.code).toBe(1);
        expect(badType.stderr).toContain("'webhooks' is not a function type");
        const both = await clone(single, ['github', '--from', tmp, '--ref', 'main']);
        expect(both.code).toBe(1);
        expect(both.stderr).toContain('--from cannot be combined with --repo or --ref');
        expect(github.requests.length).toBe(before);
    });
});
