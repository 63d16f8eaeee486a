/** The pieces init and generate are built from: names, package-manager detection, .gitignore merge, staged writes. */
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { toKebabCase, toModelName } from '../../src/scaffold/names.js';
import { ferryInvocation } from '../../src/scaffold/invocation.js';
import { detectPackageManager } from '../../src/scaffold/package-manager.js';
import { writeTree } from '../../src/scaffold/staging.js';
import { mergeGitignore } from '../../src/templates/project.js';
import { FERRY_BIN, makeTempDir } from '../support/cli.js';

let tmp: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: tmp, cleanup } = await makeTempDir('ferry-scaffold-')));
afterAll(() => cleanup());

describe('names', () => {
    it.each([
        ['issues', 'Issue'],
        ['pull-requests', 'PullRequest'],
        ['companies', 'Company'],
        ['status', 'Status'],
        ['address', 'Address'],
        ['x', 'XRecord'],
        ['list-v2', 'ListV2']
    ])('model name of %s is %s', (name, model) => {
        expect(toModelName(name)).toBe(model);
    });

    it('suggests kebab-case', () => {
        expect(toKebabCase('PullRequests')).toBe('pull-requests');
        expect(toKebabCase('create_issue')).toBe('create-issue');
        expect(toKebabCase('Git Hub')).toBe('git-hub');
    });
});

describe('ferryInvocation', () => {
    it('is npx ferry only where npx finds an installed ferry command, at the project or above', async () => {
        const { dir: outer, cleanup: remove } = await makeTempDir('ferry-invocation-');
        onTestFinished(remove);
        const project = join(outer, 'apps/functions');
        await mkdir(project, { recursive: true });
        expect(ferryInvocation(project)).toBe('ferry');
        // init that just installed the dependencies.
        expect(ferryInvocation(project, { installed: true })).toBe('npx ferry');
        // A linked package without its command is not enough: npx would look it up on npm.
        await mkdir(join(outer, 'node_modules/ferry'), { recursive: true });
        expect(ferryInvocation(project)).toBe('ferry');
        await mkdir(join(outer, 'node_modules/.bin'));
        await symlink(FERRY_BIN, join(outer, 'node_modules/.bin/ferry'));
        expect(ferryInvocation(project)).toBe('npx ferry');
    });
});

describe('detectPackageManager', () => {
    it('prefers the user agent of the package manager that launched Ferry', () => {
        expect(detectPackageManager(tmp, { npm_config_user_agent: 'yarn/4.1.0 npm/? node/v20.18.0 linux x64' }).packageManager).toBe('yarn');
        expect(detectPackageManager(tmp, { npm_config_user_agent: 'pnpm/9.0.0 npm/? node/v20.18.0' }).packageManager).toBe('pnpm');
    });

    it('falls back to the nearest lockfile above the folder, then npm', async () => {
        await mkdir(join(tmp, 'repo/packages/functions'), { recursive: true });
        expect(detectPackageManager(join(tmp, 'repo/packages/functions'), { npm_config_user_agent: 'bun/1.1.0' }).packageManager).toBe('npm');
        await writeFile(join(tmp, 'repo/pnpm-lock.yaml'), '');
        expect(detectPackageManager(join(tmp, 'repo/packages/functions'), {})).toMatchObject({ packageManager: 'pnpm' });
    });
});

describe('mergeGitignore', () => {
    it('adds only the missing lines and keeps the user’s', () => {
        expect(mergeGitignore('node_modules\n/build\n*.log')).toBe('node_modules\n/build\n*.log\n.env\ndist/\n.ferry\n');
        const full = '.env\nbuild\ndist/\nnode_modules/\n.ferry\n';
        expect(mergeGitignore(full)).toBe(full);
        expect(mergeGitignore('.env\ndist\nnode_modules\n.ferry/\nbuild\n')).toBe('.env\ndist\nnode_modules\n.ferry/\nbuild\n');
    });

    it('adds `build` when only `build/` is there: build is a link, which a folder-only pattern does not ignore', () => {
        expect(mergeGitignore('build/\n')).toBe('build/\n.env\nbuild\ndist/\nnode_modules/\n.ferry\n');
        expect(mergeGitignore('.env\n/build/\ndist/\nnode_modules/\n.ferry/')).toBe('.env\n/build/\ndist/\nnode_modules/\n.ferry/\nbuild\n');
    });
});

describe('writeTree', () => {
    it('writes nothing, not even the parent folders, when a file cannot be written', async () => {
        const target = join(tmp, 'new-parent/project');
        const files = [
            { path: 'index.ts', content: 'export {};\n' },
            { path: 'bad\0name.ts', content: 'x' }
        ];
        await expect(writeTree(target, files)).rejects.toThrow();
        expect((await readdir(tmp)).sort()).toEqual(['repo']);
    });

    it('moves every file into an existing folder and leaves no staging folder', async () => {
        const target = join(tmp, 'existing');
        await mkdir(join(target, 'a'), { recursive: true });
        await writeFile(join(target, 'a/mine.txt'), 'mine');
        await writeTree(target, [
            { path: 'a/new.txt', content: 'new' },
            { path: 'b/c/deep.txt', content: 'deep' }
        ]);
        expect((await readdir(target)).sort()).toEqual(['a', 'b']);
        expect((await readdir(join(target, 'a'))).sort()).toEqual(['mine.txt', 'new.txt']);
    });
});
