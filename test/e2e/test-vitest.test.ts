/**
 * `ferry test --vitest` end to end on a Nango-style project with no package installed: its
 * vitest.setup.ts puts `nango/test`'s mocks on `global.vitest`, its test files create
 * `NangoSyncMock` / `NangoActionMock`, run the functions and compare with the recordings, in both
 * layouts Nango reads (a `tests/<name>.test.json` file, and the older `mocks/` folder). The suite
 * passes unchanged; a wrong expectation fails with vitest's exit code 1. With the nango package
 * installed, its own mocks run and Ferry adds nothing.
 */
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, REPO_ROOT, runFerry } from '../support/cli.js';
import { copyFixture, readFixture } from '../support/function-project.js';

/** What `nango generate:tests` writes, in its words. */
const VITEST_SETUP = `import { NangoActionMock, NangoSyncMock } from "nango/test";

globalThis.vitest = {
  NangoActionMock,
  NangoSyncMock,
};
`;

const VITE_CONFIG = `/// <reference types="vitest" />
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.{test,spec}.?(c|m)[jt]s?(x)"],
    setupFiles: "vitest.setup.ts",
  },
});
`;

/** Nango's generated sync test, for one function. */
const syncTest = (name: string, model: string): string => `import { afterEach, vi, expect, it, describe } from 'vitest';

import createSync from '../syncs/${name}.js';

describe('github ${name} tests', () => {
  const models = '${model}'.split(',');

  const createTestContext = () => {
    const nangoMock = new global.vitest.NangoSyncMock({
      dirname: __dirname,
      name: "${name}",
      Model: "${model}"
    });
    return { nangoMock, batchSaveSpy: vi.spyOn(nangoMock, 'batchSave') };
  };

  afterEach(() => {
    vi.clearAllMocks();
    vi.restoreAllMocks();
  });

  it('should get, map correctly the data and batchSave the result', async () => {
    const { nangoMock, batchSaveSpy } = createTestContext();
    await createSync.exec(nangoMock);
    for (const model of models) {
      const expectedBatchSaveData = await nangoMock.getBatchSaveData(model);
      const spiedData = batchSaveSpy.mock.calls.flatMap(call => call[1] === model ? call[0] : []);
      expect(JSON.parse(JSON.stringify(spiedData))).toStrictEqual(expectedBatchSaveData);
    }
  });

  it('should get, map correctly the data and batchDelete the result', async () => {
    const { nangoMock } = createTestContext();
    const batchDeleteSpy = vi.spyOn(nangoMock, 'batchDelete');
    await createSync.exec(nangoMock);
    for (const model of models) {
      const batchDeleteData = await nangoMock.getBatchDeleteData(model);
      if (batchDeleteData && batchDeleteData.length > 0) {
        const spiedData = batchDeleteSpy.mock.calls.flatMap(call => call[1] === model ? call[0] : []);
        expect(JSON.parse(JSON.stringify(spiedData))).toStrictEqual(batchDeleteData);
      }
    }
  });
});
`;

const ACTION_TEST = `import { vi, expect, it, describe } from 'vitest';

import createAction from '../actions/create-issue.js';

describe('github create-issue tests', () => {
  const nangoMock = new global.vitest.NangoActionMock({
      dirname: __dirname,
      name: "create-issue",
      Model: "ActionOutput"
  });

  it('should output the action output that is expected', async () => {
      const input = await nangoMock.getInput();
      const response = await createAction.exec(nangoMock, input);
      const output = await nangoMock.getOutput();
      expect(response).toEqual(output);
      expect(nangoMock.post).toHaveBeenCalledWith({ endpoint: '/repos/octo/hello/issues', data: { title: 'Bug' } });
      expect(nangoMock.getConnection).toHaveBeenCalledTimes(1);
  });
});
`;

const ISSUES_FIXTURE = {
    nango: { batchSave: { GithubIssue: [{ id: '1', title: 'first' }, { id: '2', title: 'second' }, { id: '3', title: 'third' }] } },
    api: {
        get: {
            '/repos/o/r/issues': [
                {
                    request: { params: { state: 'all', per_page: '2' } },
                    response: [{ id: 1, title: 'first' }, { id: 2, title: 'second' }],
                    headers: { link: '<https://api.github.com/repos/o/r/issues?state=all&per_page=2&page=2>; rel="next"' },
                    status: 200
                },
                { request: { params: { state: 'all', per_page: '2', page: '2' } }, response: [{ id: 3, title: 'third' }], headers: {}, status: 200 }
            ]
        }
    }
};

const CREATE_ISSUE_FIXTURE = {
    input: { title: 'Bug' },
    output: { id: '77', url: 'https://github.com/octo/hello/issues/77' },
    nango: { getConnection: { connection_id: 'c1', provider_config_key: 'github', connection_config: { repo: 'octo/hello' } } },
    api: { post: { '/repos/octo/hello/issues': { request: { data: { title: 'Bug' } }, response: { id: 77, html_url: 'https://github.com/octo/hello/issues/77' }, status: 201 } } }
};

/** The older layout: one file per value under github/mocks/. */
const LEGACY_MOCKS: Record<string, unknown> = {
    'list-repos/GithubRepo/batchSave.json': [
        { id: '1', name: 'one' },
        { id: '2', name: 'two' }
    ],
    'list-repos/GithubRepo/batchDelete.json': [{ id: '9' }],
    // Paginated calls were saved one file per request, matched on what was asked.
    'nango/get/proxy/user/repos/list-repos/page-1.json': {
        method: 'get',
        endpoint: 'user/repos',
        requestIdentityHash: 'recorded-with-another-hash',
        requestIdentity: { method: 'get', endpoint: 'user/repos', params: [['page', '1']], headers: [] },
        response: [{ id: 1, name: 'one' }]
    },
    'nango/get/proxy/user/repos/list-repos/page-2.json': {
        method: 'get',
        endpoint: 'user/repos',
        requestIdentityHash: 'another',
        requestIdentity: { method: 'get', endpoint: 'user/repos', params: [['page', '2']], headers: [] },
        response: [{ id: 2, name: 'two' }]
    }
};

async function put(root: string, relPath: string, content: unknown): Promise<void> {
    const path = join(root, relPath);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
}

describe('ferry test --vitest on a Nango project without the nango package', () => {
    let root: string;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
        ({ dir: root, cleanup } = await makeTempDir('ferry-vitest-'));
        await put(root, 'package.json', { name: 'nango-integrations', type: 'module', devDependencies: { nango: '0.71.10', vitest: '^4', zod: '^4' } });
        await copyFixture('test-vitest', root);
        await mkdir(join(root, '.nango'));
        await put(root, 'vitest.setup.ts', VITEST_SETUP);
        await put(root, 'vite.config.ts', VITE_CONFIG);
        await put(root, 'github/tests/issues.test.json', ISSUES_FIXTURE);
        await put(root, 'github/tests/create-issue.test.json', CREATE_ISSUE_FIXTURE);
        await put(root, 'github/tests/github-issues.test.ts', syncTest('issues', 'GithubIssue'));
        await put(root, 'github/tests/github-list-repos.test.ts', syncTest('list-repos', 'GithubRepo'));
        await put(root, 'github/tests/github-create-issue.test.ts', ACTION_TEST);
        for (const [relPath, content] of Object.entries(LEGACY_MOCKS)) await put(root, `github/mocks/${relPath}`, content);
    });
    afterAll(async () => {
        await cleanup();
    });

    it('runs the suite unchanged with Ferry standing in for nango/test', async () => {
        const result = await runFerry(['test', '--vitest'], { cwd: root, timeoutMs: 120_000 });
        expect(result.code, result.stdout + result.stderr).toBe(0);
        expect(result.stdout).toMatch(/Test Files\s+3 passed \(3\)/);
        expect(result.stdout).toMatch(/Tests\s+5 passed \(5\)/);
        // Nothing was installed into the project: the config and vitest's cache stay in Ferry's folder.
        expect(existsSync(join(root, 'node_modules'))).toBe(false);
        expect(existsSync(join(root, '.ferry/compile/vitest.config.mjs'))).toBe(true);
    }, 120_000);

    it('--json summarises every test; a wrong expectation fails with exit code 1', async () => {
        const passing = await runFerry(['test', '--vitest', '--json'], { cwd: root, timeoutMs: 120_000 });
        expect(passing.code, passing.stderr).toBe(0);
        const summary = JSON.parse(passing.stdout) as Record<string, unknown> & { tests: { file: string; name: string; ok: boolean }[] };
        expect(summary).toMatchObject({ runner: 'vitest', mocks: 'ferry', exitCode: 0, passed: 5, failed: 0, skipped: 0, fileErrors: [] });
        expect(summary.tests.map((test) => `${test.file} :: ${test.name}`).sort()).toEqual([
            'github/tests/github-create-issue.test.ts :: github create-issue tests > should output the action output that is expected',
            'github/tests/github-issues.test.ts :: github issues tests > should get, map correctly the data and batchDelete the result',
            'github/tests/github-issues.test.ts :: github issues tests > should get, map correctly the data and batchSave the result',
            'github/tests/github-list-repos.test.ts :: github list-repos tests > should get, map correctly the data and batchDelete the result',
            'github/tests/github-list-repos.test.ts :: github list-repos tests > should get, map correctly the data and batchSave the result'
        ]);

        const fixture = join(root, 'github/tests/issues.test.json');
        const original = await readFile(fixture, 'utf8');
        await writeFile(fixture, original.replace('"third"', '"3rd"'));
        try {
            const failing = await runFerry(['test', '--vitest', '--json'], { cwd: root, timeoutMs: 120_000 });
            expect(failing.code).toBe(1);
            const report = JSON.parse(failing.stdout) as { exitCode: number; passed: number; failed: number; tests: { name: string; ok: boolean; failures: string[] }[] };
            expect(report).toMatchObject({ exitCode: 1, passed: 4, failed: 1 });
            const failed = report.tests.filter((test) => !test.ok);
            expect(failed.map((test) => test.name)).toEqual(['github issues tests > should get, map correctly the data and batchSave the result']);
            expect(failed[0]!.failures.join('\n')).toMatch(/^AssertionError: expected \[ .* \] to strictly equal \[ .* \]$/);

            const plain = await runFerry(['test', '--vitest', 'github-issues'], { cwd: root, timeoutMs: 120_000 });
            expect(plain.code).toBe(1);
            expect(plain.stdout).toMatch(/Tests\s+1 failed \| 1 passed \(2\)/);
            // vitest's own report shows the record that differs.
            expect(plain.stdout + plain.stderr).toContain('"title": "3rd"');
        } finally {
            await writeFile(fixture, original);
        }
    }, 240_000);

    it('an unrecorded request fails its test, naming the request', async () => {
        const action = join(root, 'github/actions/create-issue.ts');
        const original = await readFile(action, 'utf8');
        await writeFile(action, original.replace("data: { title: input.title }", "data: { title: input.title, labels: ['x'] }"));
        try {
            const result = await runFerry(['test', '--vitest', '--integration', 'github', '--json', 'create-issue'], { cwd: root, timeoutMs: 120_000 });
            expect(result.code).toBe(1);
            const report = JSON.parse(result.stdout) as { tests: { ok: boolean; failures: string[] }[] };
            expect(report.tests).toHaveLength(1);
            expect(report.tests[0]!.failures.join('\n')).toContain('No mock found for POST repos/octo/hello/issues');
        } finally {
            await writeFile(action, original);
        }
    }, 120_000);
    it('generate tests writes files on the same mocks, which ferry test --vitest runs beside the project\'s own', async () => {
        const generated = await runFerry(['generate', 'tests', '--json'], { cwd: root });
        expect(generated.code, generated.stderr).toBe(0);
        expect(JSON.parse(generated.stdout)).toMatchObject({ written: ['github/tests/create-issue.replay.test.mjs', 'github/tests/issues.replay.test.mjs'], scriptAdded: true });
        expect(await readFile(join(root, 'github/tests/issues.replay.test.mjs'), 'utf8')).toContain("import { NangoSyncMock } from 'nango/test';");
        expect(JSON.parse(await readFile(join(root, 'package.json'), 'utf8')).scripts).toEqual({ test: 'ferry test --vitest' });

        const result = await runFerry(['test', '--vitest', '--json'], { cwd: root, timeoutMs: 120_000 });
        expect(result.code, result.stdout + result.stderr).toBe(0);
        const report = JSON.parse(result.stdout) as { passed: number; failed: number; tests: { file: string }[] };
        expect(report).toMatchObject({ passed: 7, failed: 0 });
        expect(report.tests.filter((test) => test.file.endsWith('.replay.test.mjs')).map((test) => test.file).sort()).toEqual([
            'github/tests/create-issue.replay.test.mjs',
            'github/tests/issues.replay.test.mjs'
        ]);

        const fixture = join(root, 'github/tests/issues.test.json');
        const original = await readFile(fixture, 'utf8');
        await writeFile(fixture, original.replace('"third"', '"3rd"'));
        try {
            const failing = await runFerry(['test', '--vitest', 'issues.replay'], { cwd: root, timeoutMs: 120_000 });
            expect(failing.code).toBe(1);
            // The generated files word a difference as ferry test does.
            expect(failing.stdout + failing.stderr).toContain('batchSave GithubIssue id 3 field title: expected "3rd", got "third"');
        } finally {
            await writeFile(fixture, original);
        }
    }, 240_000);
});

describe('ferry test --vitest where the nango package is installed', () => {
    it("runs plain vitest with nango's own mocks and writes no config of its own", async () => {
        const { dir: root, cleanup } = await makeTempDir('ferry-vitest-nango-');
        try {
            await put(root, 'package.json', { name: 'nango-integrations', type: 'module', devDependencies: { nango: '0.71.10', vitest: '^4', zod: '^4' } });
            await put(root, 'index.ts', "import './github/syncs/issues.js';\n");
            await mkdir(join(root, '.nango'));
            await put(root, 'vitest.setup.ts', VITEST_SETUP);
            await put(root, 'vite.config.ts', VITE_CONFIG);
            await put(root, 'github/syncs/issues.ts', await readFixture('test-vitest', 'github/syncs/issues.ts'));
            await put(root, 'github/tests/issues.test.json', ISSUES_FIXTURE);
            await put(root, 'github/tests/github-issues.test.ts', syncTest('issues', 'GithubIssue'));
            // The nango 0.71.10 that Ferry's devDependencies install (as nango-reference), with what it needs.
            await mkdir(join(root, 'node_modules'));
            await symlink(join(REPO_ROOT, 'node_modules/nango-reference'), join(root, 'node_modules/nango'), 'dir');
            for (const name of ['vitest', 'zod']) await symlink(join(REPO_ROOT, 'node_modules', name), join(root, 'node_modules', name), 'dir');

            const result = await runFerry(['test', '--vitest', '--json'], { cwd: root, timeoutMs: 120_000 });
            expect(result.code, result.stdout + result.stderr).toBe(0);
            expect(JSON.parse(result.stdout)).toMatchObject({ mocks: 'nango', vitest: { from: 'project' }, passed: 2, failed: 0 });
            expect(existsSync(join(root, '.ferry/compile/vitest.config.mjs'))).toBe(false);
        } finally {
            await cleanup();
        }
    }, 120_000);
});
