import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, makeTempDir, runFerry } from '../support/cli.js';
import { readFixtureFiles } from '../support/function-project.js';

type Files = Record<string, string>;

/** The project every case starts from; the sources also serve as the text cases edit. */
const PROJECT: Files = await readFixtureFiles('compile');
const SYNC = PROJECT['github/syncs/issues.ts']!;
const ACTION = PROJECT['github/actions/create-issue.ts']!;
const ON_EVENT = PROJECT['github/on-events/setup.ts']!;
const HELPERS = PROJECT['github/helpers.ts']!;

/** A project folder whose only package is a symlink to the repo's zod: no ferry, no nango installed. */
async function writeProject(dir: string, files: Files): Promise<void> {
    for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), content);
    }
    await mkdir(join(dir, 'node_modules'), { recursive: true });
    await symlink(join(REPO_ROOT, 'node_modules/zod'), join(dir, 'node_modules/zod'), 'dir');
}

/** Every file compile owns (build/ without Ferry's cache, and the manifest), hashed. */
async function snapshot(dir: string): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    const add = async (path: string): Promise<void> => {
        out[path] = createHash('sha1').update(await readFile(join(dir, path))).digest('hex');
    };
    for (const name of await readdir(join(dir, 'build'))) if (name.endsWith('.cjs')) await add(`build/${name}`);
    if (existsSync(join(dir, '.nango/nango.json'))) await add('.nango/nango.json');
    return out;
}

interface JsonResult {
    ok: boolean;
    functions: { type: string; integration: string; name: string; bundlePath: string; size: number; cached: boolean }[];
    errors: { file: string | null; line: number | null; column: number | null; code: string; message: string; function?: string }[];
    removed: string[];
}

async function compileJson(dir: string, args: string[] = []): Promise<{ code: number | null; json: JsonResult; stderr: string }> {
    const result = await runFerry(['compile', '--json', ...args], { cwd: dir });
    return { code: result.code, json: JSON.parse(result.stdout) as JsonResult, stderr: result.stderr };
}

const readManifest = async (dir: string): Promise<any[]> => JSON.parse(await readFile(join(dir, '.nango/nango.json'), 'utf8'));

describe('ferry compile', () => {
    let base: string;
    let cleanup: () => Promise<void>;
    let project: string;
    let ferryProject: string;
    let first: { code: number | null; json: JsonResult; stderr: string };
    let ferryFirst: { code: number | null; json: JsonResult; stderr: string };

    beforeAll(async () => {
        ({ dir: base, cleanup } = await makeTempDir('ferry-compile-'));
        project = join(base, 'nango-project');
        ferryProject = join(base, 'ferry-project');
        await writeProject(project, PROJECT);
        await writeProject(ferryProject, Object.fromEntries(Object.entries(PROJECT).map(([path, content]) => [path, content.replace(/from 'nango'/g, "from 'ferry'")])));
        // Both type-checked: the SDK mapping must serve 'nango' and 'ferry' with neither installed.
        [first, ferryFirst] = await Promise.all([compileJson(project), compileJson(ferryProject)]);
    });
    afterAll(() => cleanup());

    it('compiles a project with nothing but zod installed and writes the manifest', async () => {
        expect(first.stderr).toBe('');
        expect(first.code).toBe(0);
        expect(existsSync(join(project, 'node_modules/nango'))).toBe(false);
        expect(existsSync(join(project, 'node_modules/ferry'))).toBe(false);
        expect(first.json.ok).toBe(true);
        expect(first.json.functions.map((f) => `${f.type} ${f.integration}/${f.name} ${f.bundlePath}`).sort()).toEqual([
            'action github/check build/github_actions_check.cjs',
            'action github/create-issue build/github_actions_create-issue.cjs',
            'onEvent github/setup build/github_on-events_setup.cjs',
            'sync github/issues build/github_syncs_issues.cjs'
        ]);
        for (const f of first.json.functions) {
            const bytes = (await readFile(join(project, f.bundlePath))).length;
            expect(f.size).toBe(bytes);
        }

        const manifest = await readManifest(project);
        expect(manifest).toHaveLength(1);
        const github = manifest[0];
        expect(github.providerConfigKey).toBe('github');
        expect(github.onEventScripts).toEqual({ 'post-connection-creation': ['setup'], 'pre-connection-deletion': [], 'validate-connection': [] });
        // index.ts order, as Nango writes it.
        expect(github.actions.map((a: { name: string }) => a.name)).toEqual(['create-issue', 'check']);

        const sync = github.syncs[0];
        expect(sync).toMatchObject({
            type: 'sync',
            name: 'issues',
            description: 'Fetches the issues of a repository',
            runs: 'every hour',
            // Nango writes auto_start: true only when the sync says so.
            auto_start: false,
            track_deletes: false,
            sync_type: 'full',
            endpoints: [{ method: 'GET', path: '/issues' }],
            input: 'SyncMetadata_github_issues',
            output: ['GithubIssue'],
            usedModels: ['GithubIssue', 'SyncMetadata_github_issues'],
            webhookSubscriptions: [],
            scopes: []
        });
        expect(sync.json_schema.definitions.GithubIssue.properties).toEqual({
            id: { type: 'string' },
            title: { type: 'string', description: 'Issue title' },
            createdAt: { type: 'string', format: 'date-time' },
            labels: { type: 'array', items: { type: 'string' } }
        });
        expect(sync.json_schema.definitions.GithubIssue.required).toEqual(['id', 'title', 'createdAt']);
        expect(sync.json_schema.definitions.SyncMetadata_github_issues.properties).toEqual({ repo: { type: 'string' } });

        const create = github.actions[0];
        expect(create).toMatchObject({
            type: 'action',
            name: 'create-issue',
            endpoint: { method: 'POST', path: '/issues' },
            input: 'ActionInput_github_createissue',
            output: ['ActionOutput_github_createissue']
        });
        expect(Object.keys(create.json_schema.definitions).sort()).toEqual(['ActionInput_github_createissue', 'ActionOutput_github_createissue']);
        expect(github.actions[1].json_schema.definitions.ActionInput_github_check).toEqual({ type: 'null' });
    });

    it("compiles a project importing from 'ferry' to the same manifest", async () => {
        expect(await readFile(join(ferryProject, 'github/syncs/issues.ts'), 'utf8')).toContain("import { createSync } from 'ferry';");
        expect(ferryFirst.stderr).toBe('');
        expect(ferryFirst.code).toBe(0);
        expect(await readManifest(ferryProject)).toEqual(await readManifest(project));
    });

    it('writes bundles that load with plain node and nothing but zod', async () => {
        const runtime = join(base, 'runtime');
        await mkdir(join(runtime, 'node_modules'), { recursive: true });
        await symlink(join(REPO_ROOT, 'node_modules/zod'), join(runtime, 'node_modules/zod'), 'dir');
        for (const f of first.json.functions) await copyFile(join(project, f.bundlePath), join(runtime, f.bundlePath.replace('build/', '')));
        const script = `
            const fs = require('node:fs');
            const out = {};
            for (const file of fs.readdirSync('.').filter((f) => f.endsWith('.cjs')).sort()) {
                const def = require('./' + file).default;
                out[file] = { type: def.type, exec: typeof def.exec, description: def.description };
            }
            console.log(JSON.stringify(out));
        `;
        const child = spawnSync(process.execPath, ['-e', script], { cwd: runtime, encoding: 'utf8', env: { PATH: process.env['PATH'] } });
        expect(child.stderr).toBe('');
        expect(JSON.parse(child.stdout)).toEqual({
            'github_actions_check.cjs': { type: 'action', exec: 'function', description: 'Checks the connection' },
            'github_actions_create-issue.cjs': { type: 'action', exec: 'function', description: 'Creates an issue' },
            'github_on-events_setup.cjs': { type: 'onEvent', exec: 'function', description: 'Registers a webhook' },
            'github_syncs_issues.cjs': { type: 'sync', exec: 'function', description: 'Fetches the issues of a repository' }
        });
        const bundle = await readFile(join(project, 'build/github_syncs_issues.cjs'), 'utf8');
        expect(bundle).toContain('require("zod")');
        expect(bundle).not.toMatch(/require\("(nango|ferry)"\)/);
        expect(bundle).toContain('//# sourceMappingURL=data:application/json;base64,');
    });

    it('skips unchanged functions, rebuilds what a changed helper feeds, and --no-cache rebuilds all', async () => {
        const warm = await compileJson(project, ['--no-typecheck']);
        expect(warm.code).toBe(0);
        expect(warm.json.functions.every((f) => f.cached)).toBe(true);

        await writeFile(join(project, 'github/helpers.ts'), `${HELPERS}\nexport const VERSION = 2;\n`);
        const partial = await compileJson(project, ['--no-typecheck']);
        expect(partial.code).toBe(0);
        expect(partial.json.functions.filter((f) => !f.cached).map((f) => f.name)).toEqual(['issues']);
        await writeFile(join(project, 'github/helpers.ts'), HELPERS);

        const full = await compileJson(project, ['--no-cache', '--no-typecheck']);
        expect(full.code).toBe(0);
        expect(full.json.functions.every((f) => !f.cached)).toBe(true);
    });

    it('removes the bundle of a function taken out of index.ts', async () => {
        const copy = join(base, 'removal');
        await writeProject(copy, PROJECT);
        expect((await compileJson(copy, ['--no-typecheck'])).code).toBe(0);
        await writeFile(join(copy, 'index.ts'), PROJECT['index.ts']!.replace("import './github/actions/check.js';\n", ''));
        const result = await compileJson(copy, ['--no-typecheck']);
        expect(result.code).toBe(0);
        expect(result.json.removed).toEqual(['build/github_actions_check.cjs']);
        expect(existsSync(join(copy, 'build/github_actions_check.cjs'))).toBe(false);
        expect((await readManifest(copy))[0].actions.map((a: { name: string }) => a.name)).toEqual(['create-issue']);
    });

    it('compiles the `ferry init` scaffold, type-checked, with only zod installed', async () => {
        const init = await runFerry(['init', 'scaffold', '--no-install'], { cwd: base });
        expect(init.code).toBe(0);
        const scaffold = join(base, 'scaffold');
        await mkdir(join(scaffold, 'node_modules'), { recursive: true });
        await symlink(join(REPO_ROOT, 'node_modules/zod'), join(scaffold, 'node_modules/zod'), 'dir');
        const result = await compileJson(scaffold);
        expect(result.json.errors).toEqual([]);
        expect(result.code).toBe(0);
        const manifest = await readManifest(scaffold);
        const names = manifest.flatMap((i) => [...i.syncs, ...i.actions].map((f: { name: string }) => `${i.providerConfigKey}/${f.name}`));
        expect(names.length).toBeGreaterThanOrEqual(2);
        expect(result.json.functions.length).toBeGreaterThanOrEqual(3);
        for (const f of result.json.functions) expect(existsSync(join(scaffold, f.bundlePath))).toBe(true);
    });

    it('type-checks the scaffold with nothing installed: the SDK and zod come from Ferry, and their types are real', async () => {
        const init = await runFerry(['init', 'bare', '--no-install'], { cwd: base });
        expect(init.code).toBe(0);
        const bare = join(base, 'bare');
        expect(existsSync(join(bare, 'node_modules'))).toBe(false);
        const clean = await compileJson(bare);
        expect(clean.json.errors).toEqual([]);
        expect(clean.code).toBe(0);

        // A record that breaks its zod model must fail: zod's types resolved, not degraded to any.
        const sync = join(bare, 'github/syncs/issues.ts');
        const source = await readFile(sync, 'utf8');
        expect(source).toMatch(/batchSave\(/);
        await writeFile(sync, source.replace(/batchSave\(([^,]+),/, 'batchSave([{ id: 1 }],'));
        const broken = await compileJson(bare);
        expect(broken.code).toBe(10);
        expect(broken.json.errors.some((e) => e.code.startsWith('TS') && e.file?.endsWith('github/syncs/issues.ts') === true)).toBe(true);
    });

    it('without a tsconfig, type-checks the globals functions get (console, URL, crypto) and no Node globals', async () => {
        const dir = join(base, 'no-tsconfig-globals');
        const helpers = `export const newId = (): string => crypto.randomUUID();\nexport const hostOf = (url: string): string => new URL(url).host;\nexport const note = (text: string): void => console.log(text);\n${HELPERS}`;
        await writeProject(dir, { ...PROJECT, 'github/helpers.ts': helpers });
        const clean = await compileJson(dir);
        expect(clean.json.errors).toEqual([]);
        expect(clean.code).toBe(0);
        await writeFile(join(dir, 'github/helpers.ts'), `export const env = (): unknown => process.env;\n${helpers}`);
        const nodeGlobal = await compileJson(dir);
        expect(nodeGlobal.code).toBe(10);
        expect(nodeGlobal.json.errors).toMatchObject([{ file: 'github/helpers.ts', line: 1, code: expect.stringMatching(/^TS/) }]);
    });

    describe('bad input fails with exit 10 and leaves the previous build intact', () => {
        // `fn`: the `function` the error names (`<integration>/<name>`), null when it names none (a shared helper, index.ts).
        const cases: { name: string; typecheck?: boolean; alone?: boolean; change: Files; code: string; file: string; line?: number; message: RegExp; fn?: string | null }[] = [
            {
                name: 'syntax error',
                typecheck: true,
                change: { 'github/syncs/issues.ts': SYNC.replace("description: 'Fetches the issues of a repository',", "description: 'Fetches'") },
                code: 'BUNDLE_ERROR',
                file: 'github/syncs/issues.ts',
                line: 14,
                message: /Expected "}" but found "frequency"/,
                fn: 'github/issues'
            },
            {
                name: 'type error',
                typecheck: true,
                change: { 'github/actions/create-issue.ts': ACTION.replace('return { id: String(response.data.id) };', 'return { id: response.data.id };') },
                code: 'TS2322',
                file: 'github/actions/create-issue.ts',
                line: 9,
                message: /Type 'number' is not assignable to type 'string'/,
                fn: 'github/create-issue'
            },
            {
                name: 'no default export',
                change: { 'github/on-events/setup.ts': ON_EVENT.replace('export default createOnEvent', 'export const setup = createOnEvent') },
                code: 'NO_DEFAULT_EXPORT',
                file: 'github/on-events/setup.ts',
                message: /has no default export: end the file with `export default createOnEvent/,
                fn: 'github/setup'
            },
            {
                // A sync and an action may share a name (Nango allows it); their endpoints still may not.
                name: 'an action named as a sync, with an endpoint another action uses',
                change: {
                    'github/actions/issues.ts': ACTION,
                    'index.ts': `${PROJECT['index.ts']}import './github/actions/issues.js';\n`
                },
                code: 'DUPLICATE_ENDPOINT',
                file: 'github/actions/issues.ts',
                message: /uses endpoint POST \/issues, which github\/actions\/create-issue\.ts already uses/
            },
            {
                name: 'bad frequency',
                change: { 'github/syncs/issues.ts': SYNC.replace("'every hour'", "'every 10 seconds'") },
                code: 'BAD_FREQUENCY',
                file: 'github/syncs/issues.ts',
                line: 14,
                message: /runs more often than the platform allows \('every 10 seconds' is 10\.0 s\): use at least 'every 30 seconds'/
            },
            {
                name: 'frequency the platform refuses',
                change: { 'github/syncs/issues.ts': SYNC.replace("'every hour'", "'every 2 weeks'") },
                code: 'BAD_FREQUENCY',
                file: 'github/syncs/issues.ts',
                line: 14,
                message: /has frequency 'every 2 weeks', which the platform does not accept/
            },
            {
                name: 'unknown on-event name',
                change: { 'github/on-events/setup.ts': ON_EVENT.replace("'post-connection-creation'", "'connection-created'") },
                code: 'BAD_EVENT',
                file: 'github/on-events/setup.ts',
                line: 5,
                message: /has event 'connection-created': use one of 'post-connection-creation', 'pre-connection-deletion', 'validate-connection'/
            },
            {
                name: 'lower-case model name',
                change: { 'github/syncs/issues.ts': SYNC.replace('models: { GithubIssue }', 'models: { githubIssue: GithubIssue }').replace("'GithubIssue');", "'githubIssue');") },
                code: 'BAD_MODEL_NAME',
                file: 'github/syncs/issues.ts',
                message: /model 'githubIssue': model names start with an upper-case letter.*'GithubIssue'/
            },
            {
                name: 'disallowed import',
                change: { 'github/helpers.ts': `import chunk from 'lodash-es/chunk';\nexport const pages = chunk;\n${HELPERS}` },
                code: 'DISALLOWED_IMPORT',
                file: 'github/helpers.ts',
                line: 1,
                message: /'lodash-es\/chunk' is not provided by the platform/,
                fn: null
            },
            {
                name: 'a platform module the project has no types for',
                typecheck: true,
                change: { 'github/helpers.ts': `import { randomUUID } from 'node:crypto';\nexport const newId = () => randomUUID();\n${HELPERS}` },
                code: 'TS2591',
                file: 'github/helpers.ts',
                line: 1,
                message: /^'node:crypto' is provided at run time, but this project has no types for it: use the global `crypto`.*npm i -D @types\/node/,
                fn: null
            },
            {
                name: 'index.ts importing a missing file',
                change: { 'index.ts': `${PROJECT['index.ts']}import './github/syncs/missing.js';\n` },
                code: 'ENTRY_NOT_FOUND',
                file: 'index.ts',
                line: 5,
                message: /github\/syncs\/missing\.ts does not exist/,
                fn: null
            },
            {
                name: 'package.json that is not JSON (reported once, not as a type error per import)',
                typecheck: true,
                alone: true,
                change: { 'package.json': '{ "type": "module", ' },
                code: 'PACKAGE_JSON_INVALID',
                file: 'package.json',
                line: 1,
                message: /package\.json is not valid JSON/
            }
        ];

        let dir: string;
        let before: Record<string, string>;
        beforeAll(async () => {
            dir = join(base, 'bad-input');
            await writeProject(dir, PROJECT);
            expect((await compileJson(dir)).code).toBe(0);
            before = await snapshot(dir);
            expect(Object.keys(before)).toHaveLength(5);
        });

        for (const testCase of cases) {
            it(testCase.name, async () => {
                const originals: Record<string, string | undefined> = {};
                for (const [path, content] of Object.entries(testCase.change)) {
                    originals[path] = existsSync(join(dir, path)) ? await readFile(join(dir, path), 'utf8') : undefined;
                    await writeFile(join(dir, path), content);
                }
                try {
                    const result = await compileJson(dir, testCase.typecheck ? [] : ['--no-typecheck']);
                    expect(result.code).toBe(10);
                    expect(result.json.ok).toBe(false);
                    // One clear error, not the same problem twice (tsc echoing esbuild, say).
                    expect(result.json.errors.map((e) => e.code)).toContain(testCase.code);
                    const error = result.json.errors.find((e) => e.code === testCase.code)!;
                    if (error.line !== null) expect(result.json.errors.filter((e) => e.file === error.file && e.line === error.line)).toHaveLength(1);
                    expect(error.file).toBe(testCase.file);
                    if (testCase.line !== undefined) expect(error.line).toBe(testCase.line);
                    expect(error.message).toMatch(testCase.message);
                    if (testCase.fn === null) expect(error).not.toHaveProperty('function');
                    else if (testCase.fn !== undefined) expect(error.function).toBe(testCase.fn);
                    if (testCase.alone) expect(result.json.errors).toHaveLength(1);
                    expect(await snapshot(dir)).toEqual(before);
                } finally {
                    for (const [path, content] of Object.entries(originals)) {
                        if (content === undefined) await rm(join(dir, path));
                        else await writeFile(join(dir, path), content);
                    }
                }
            });
        }

        it('reports a syntax error in one function and a bad definition in another in the same run', async () => {
            const setup = join(dir, 'github/on-events/setup.ts');
            const issues = join(dir, 'github/syncs/issues.ts');
            await writeFile(setup, ON_EVENT.replace("event: 'post-connection-creation',", "event: 'post-connection-creation'"));
            await writeFile(issues, SYNC.replace("'every hour'", "'every 10 seconds'"));
            try {
                const result = await compileJson(dir, ['--no-typecheck']);
                expect(result.code).toBe(10);
                expect(result.json.errors.map((e) => `${e.file} ${e.code}`).sort()).toEqual(['github/on-events/setup.ts BUNDLE_ERROR', 'github/syncs/issues.ts BAD_FREQUENCY']);
                expect(await snapshot(dir)).toEqual(before);
            } finally {
                await writeFile(setup, ON_EVENT);
                await writeFile(issues, SYNC);
            }
        });

        it('prints type errors as file:line:col  message and recovers once fixed', async () => {
            const path = join(dir, 'github/actions/create-issue.ts');
            await writeFile(path, ACTION.replace('return { id: String(response.data.id) };', 'return { id: response.data.id };'));
            const failed = await runFerry(['compile'], { cwd: dir });
            expect(failed.code).toBe(10);
            expect(failed.stdout).toBe('');
            expect(failed.stderr).toMatch(/^error github\/actions\/create-issue\.ts:9:5 {2}Type '\(nango: ActionNango/m);
            expect(failed.stderr).toMatch(/Type 'number' is not assignable to type 'string'\. \[TS2322\]$/m);
            expect(failed.stderr).toMatch(/compile failed with 1 error .*left unchanged/);
            await writeFile(path, ACTION);
            const fixed = await runFerry(['compile'], { cwd: dir });
            expect(fixed.code).toBe(0);
            expect(fixed.stdout).toMatch(/^✓ compiled 4 functions in .* \(0 built, 4 cached, /m);
            expect(await snapshot(dir)).toEqual(before);
        });
    });
});
