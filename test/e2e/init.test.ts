/** `ferry init`: the scaffold, its type-check, refusals, --force, and the dependency install. */
import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, REPO_ROOT, runFerry } from '../support/cli.js';
import { hashTree } from '../support/tree.js';
import { linkSdk, typeCheck } from '../fixtures/types/sdk-project.js';

const EXPECTED_FILES = [
    '.env',
    '.gitignore',
    '.nango/README.md',
    'AGENTS.md',
    'github/actions/create-issue.ts',
    'github/on-events/log-connection.ts',
    'github/syncs/issues.ts',
    'github/tests/create-issue.test.json',
    'github/tests/issues.test.json',
    'index.ts',
    'package.json',
    'tsconfig.json'
];

let tmp: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: tmp, cleanup } = await makeTempDir('ferry-init-')));
afterAll(() => cleanup());

const readJson = async (path: string): Promise<any> => JSON.parse(await readFile(path, 'utf8'));

describe('ferry init --no-install', () => {
    let root: string;
    let json: any;

    beforeAll(async () => {
        const result = await runFerry(['init', '--no-install', '--json'], { cwd: tmp });
        expect(result.code, result.stderr).toBe(0);
        json = JSON.parse(result.stdout);
        root = join(tmp, 'nango-integrations');
    });

    it('reports the project as JSON', () => {
        expect(json).toMatchObject({ root, installed: false, packageManager: 'npm' });
        expect([...json.files].sort()).toEqual(EXPECTED_FILES);
    });

    it('writes the reference layout and nothing else (no staging leftovers)', async () => {
        expect(Object.keys(await hashTree(root)).filter((p) => !p.endsWith('/')).sort()).toEqual(EXPECTED_FILES);
        expect((await stat(join(root, '.nango'))).isDirectory()).toBe(true);
        expect(await readdir(tmp)).toEqual(['nango-integrations']);
    });

    it('depends on this Ferry by path and on zod at Ferry’s own range', async () => {
        const pkg = await readJson(join(root, 'package.json'));
        const own = await readJson(join(REPO_ROOT, 'package.json'));
        expect(pkg.type).toBe('module');
        expect(pkg.devDependencies).toEqual({ ferry: `file:${REPO_ROOT}`, zod: own.dependencies.zod });
    });

    it('writes a strict node16 tsconfig, a placeholder .env and a .gitignore that keeps secrets out', async () => {
        const tsconfig = await readJson(join(root, 'tsconfig.json'));
        expect(tsconfig.compilerOptions).toMatchObject({ strict: true, module: 'node16', moduleResolution: 'node16', noEmit: true });
        const env = await readFile(join(root, '.env'), 'utf8');
        expect(env).toMatch(/^NANGO_SECRET_KEY_DEV=$/m);
        expect(env).toMatch(/^# NANGO_HOSTPORT=/m);
        expect(((await stat(join(root, '.env'))).mode & 0o077).toString(8)).toBe('0');
        const gitignore = (await readFile(join(root, '.gitignore'), 'utf8')).split('\n');
        expect(gitignore).toEqual(expect.arrayContaining(['.env', 'build', 'dist/', 'node_modules/', '.ferry']));
    });

    it('registers every example function in index.ts', async () => {
        const index = await readFile(join(root, 'index.ts'), 'utf8');
        for (const file of EXPECTED_FILES.filter((f) => f.startsWith('github/') && f.endsWith('.ts'))) {
            expect(index).toContain(`import './${file.replace(/\.ts$/, '.js')}';`);
        }
    });

    it('writes an example that paginates, saves a model, validates with zod and can fail with ActionError', async () => {
        const sync = await readFile(join(root, 'github/syncs/issues.ts'), 'utf8');
        expect(sync).toContain('nango.paginate');
        expect(sync).toContain("nango.batchSave(issues, 'GithubIssue')");
        expect(sync).toContain("frequency: 'every hour'");
        const action = await readFile(join(root, 'github/actions/create-issue.ts'), 'utf8');
        expect(action).toMatch(/input: \w+,\n\s+output: \w+,/);
        expect(action).toContain('new nango.ActionError(');
    });

    it('type-checks under the project’s own strict tsconfig with TypeScript 7', async () => {
        await linkSdk(root);
        const check = typeCheck(root);
        expect(check.output).toBe('');
        expect(check.code).toBe(0);
    });

    it('replays the example fixtures offline with ferry test', async () => {
        const result = await runFerry(['test', '--json'], { cwd: root });
        expect(result.code, result.stderr).toBe(0);
        expect(JSON.parse(result.stdout)).toMatchObject({ passed: 2, failed: 0 });
    });
});

describe('ferry init output', () => {
    it('prints the files and the next steps', async () => {
        const result = await runFerry(['init', 'my app', '--no-install'], { cwd: tmp });
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toContain(`Created a functions project in ${join(tmp, 'my app')}`);
        expect(result.stdout).toContain('cd "my app"');
        expect(result.stdout).toContain('npm install');
        expect(result.stdout).toContain('NANGO_SECRET_KEY_DEV');
        // Step 2 installs the project's own Ferry, which the later steps then run.
        expect(result.stdout).toContain('  2. npm install\n');
        expect(result.stdout).toContain('  4. npx ferry compile\n  5. npx ferry dryrun issues <connection-id>');
        expect((await readJson(join(tmp, 'my app', 'package.json'))).name).toBe('my-app');
    });
});

describe('ferry init refusals and --force', () => {
    it('refuses a non-empty folder and leaves it byte-for-byte unchanged', async () => {
        const target = join(tmp, 'busy');
        await mkdir(join(target, 'src'), { recursive: true });
        await writeFile(join(target, 'README.md'), '# mine\n');
        await writeFile(join(target, 'src/app.ts'), 'export {};\n');
        const before = await hashTree(tmp);
        const result = await runFerry(['init', 'busy'], { cwd: tmp });
        expect(result.code).toBe(1);
        expect(result.stderr).toContain('is not empty');
        expect(result.stderr).toContain('--force');
        expect(result.stderr.trim().split('\n')).toHaveLength(1);
        expect(await hashTree(tmp)).toEqual(before);
    });

    it('uses an existing empty folder without --force', async () => {
        await mkdir(join(tmp, 'empty'));
        const result = await runFerry(['init', 'empty', '--no-install', '--json'], { cwd: tmp });
        expect(result.code, result.stderr).toBe(0);
        expect([...JSON.parse(result.stdout).files].sort()).toEqual(EXPECTED_FILES);
        expect((await readdir(join(tmp, 'empty'))).sort()).toEqual(['.env', '.gitignore', '.nango', 'AGENTS.md', 'github', 'index.ts', 'package.json', 'tsconfig.json']);
    });

    it('with --force still refuses a file where the project needs a folder, writing nothing', async () => {
        const target = join(tmp, 'blocked');
        await mkdir(target);
        await writeFile(join(target, 'github'), 'not a folder\n');
        const before = await hashTree(tmp);
        const result = await runFerry(['init', 'blocked', '--force', '--no-install'], { cwd: tmp });
        expect(result.code).toBe(1);
        expect(result.stderr).toContain('a file named github where the project needs a folder');
        expect(await hashTree(tmp)).toEqual(before);
    });

    it('reports a path it cannot create in one line, writing nothing', async () => {
        await writeFile(join(tmp, 'plain-file'), 'x');
        const before = await hashTree(tmp);
        const result = await runFerry(['init', 'plain-file/project', '--no-install'], { cwd: tmp });
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/^error could not write the project to .*plain-file\/project \(\w+\); nothing was written\./);
        expect(await hashTree(tmp)).toEqual(before);
    });

    it('refuses a path that is a file', async () => {
        await writeFile(join(tmp, 'a-file'), 'x');
        const before = await hashTree(tmp);
        const result = await runFerry(['init', 'a-file', '--json'], { cwd: tmp });
        expect(result.code).toBe(1);
        expect(JSON.parse(result.stdout).error.code).toBe('TARGET_NOT_A_FOLDER');
        expect(await hashTree(tmp)).toEqual(before);
    });

    it('with --force adds the project, keeps the user’s files and completes their .gitignore', async () => {
        const target = join(tmp, 'forced');
        await mkdir(target);
        await writeFile(join(target, 'README.md'), '# mine\n');
        await writeFile(join(target, '.gitignore'), 'coverage/\n.env\n');
        await writeFile(join(target, 'AGENTS.md'), '# my own agent notes\n');
        const result = await runFerry(['init', 'forced', '--force', '--no-install', '--json'], { cwd: tmp });
        expect(result.code, result.stderr).toBe(0);
        expect(await readFile(join(target, 'README.md'), 'utf8')).toBe('# mine\n');
        expect(await readFile(join(target, 'AGENTS.md'), 'utf8')).toBe('# my own agent notes\n');
        expect(JSON.parse(result.stdout).kept).toContain('AGENTS.md');
        expect(await readFile(join(target, '.gitignore'), 'utf8')).toBe('coverage/\n.env\nbuild\ndist/\nnode_modules/\n.ferry\n');
        expect(JSON.parse(result.stdout).files).toContain('index.ts');
        const entries = await readdir(target);
        expect(entries).toEqual(expect.arrayContaining(['index.ts', '.nango', 'github', 'package.json']));
        expect(entries.filter((e) => e.includes('staging'))).toEqual([]);
    });
});

describe('dependency install', () => {
    let bin: string;
    let log: string;

    beforeAll(async () => {
        bin = join(tmp, 'fake-bin');
        log = join(tmp, 'install.log');
        await mkdir(bin);
        // Stand-ins that record how they were called, so nothing reaches a registry.
        for (const manager of ['npm', 'pnpm', 'yarn']) {
            const script = join(bin, manager);
            // It also talks on stdout, as real ones do: that must not reach Ferry's --json stdout.
            await writeFile(script, `#!/bin/sh\necho "${manager} $PWD $*" >> "${log}"\necho "added 2 packages"\nexit \${FAKE_INSTALL_EXIT:-0}\n`);
            await chmod(script, 0o755);
        }
    });

    const calls = async (): Promise<string[]> => (await readFile(log, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);
    const env = (extra: Record<string, string> = {}): Record<string, string> => ({ PATH: `${bin}:${process.env['PATH']}`, ...extra });

    it('installs with npm in the new folder by default', async () => {
        const result = await runFerry(['init', 'with-npm', '--json'], { cwd: tmp, env: env() });
        expect(result.code, result.stderr).toBe(0);
        expect(JSON.parse(result.stdout)).toMatchObject({ installed: true, packageManager: 'npm' });
        expect(await calls()).toEqual([`npm ${join(tmp, 'with-npm')} install --no-audit --no-fund`]);
        expect(result.stderr).toContain('added 2 packages');
    });

    it('once installed, runs the project’s own Ferry with npx in the next steps', async () => {
        const result = await runFerry(['init', 'installed'], { cwd: tmp, env: env() });
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toContain('  1. cd installed\n  2. add your secret key');
        expect(result.stdout).toContain('  3. npx ferry compile\n  4. npx ferry dryrun issues <connection-id>');
    });

    it('uses the package manager that launched it (npm_config_user_agent)', async () => {
        const result = await runFerry(['init', 'with-pnpm', '--json'], { cwd: tmp, env: env({ npm_config_user_agent: 'pnpm/9.12.0 npm/? node/v20.18.0 linux x64' }) });
        expect(result.code, result.stderr).toBe(0);
        expect(JSON.parse(result.stdout)).toMatchObject({ installed: true, packageManager: 'pnpm' });
        expect((await calls()).at(-1)).toBe(`pnpm ${join(tmp, 'with-pnpm')} install`);
    });

    it('uses the package manager whose lockfile is in a parent folder', async () => {
        await mkdir(join(tmp, 'mono'));
        await writeFile(join(tmp, 'mono/yarn.lock'), '');
        const result = await runFerry(['init', 'mono/functions', '--json'], { cwd: tmp, env: env() });
        expect(result.code, result.stderr).toBe(0);
        expect(JSON.parse(result.stdout)).toMatchObject({ installed: true, packageManager: 'yarn' });
        expect((await calls()).at(-1)).toBe(`yarn ${join(tmp, 'mono/functions')} install`);
    });

    it('keeps the project and warns with the command to run when the install fails', async () => {
        const result = await runFerry(['init', 'install-fails', '--json'], { cwd: tmp, env: env({ FAKE_INSTALL_EXIT: '3' }) });
        expect(result.code, result.stderr).toBe(0);
        expect(JSON.parse(result.stdout)).toMatchObject({ installed: false, packageManager: 'npm', installCommand: 'npm install' });
        expect(result.stderr).toMatch(/warning .*exited with code 3.*run `npm install` in/);
        expect((await readdir(join(tmp, 'install-fails'))).sort()).toEqual(expect.arrayContaining(['index.ts', 'package.json']));
    });

    it('does not run anything with --no-install', async () => {
        const before = (await calls()).length;
        const result = await runFerry(['init', 'no-install', '--no-install'], { cwd: tmp, env: env() });
        expect(result.code, result.stderr).toBe(0);
        expect(await calls()).toHaveLength(before);
    });
});
