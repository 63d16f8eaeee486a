import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/cli.js';
import { TEST_SCRIPT, VITEST_RANGE, generateTests, renderTestFile } from '../../src/testing/generate-tests.js';
import { discoverFixtures, parseFixture } from '../../src/testing/fixtures.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function project(pkg: unknown): Promise<string> {
    const { dir, cleanup } = await makeTempDir('ferry-gen-tests-');
    cleanups.push(cleanup);
    await mkdir(join(dir, '.nango'));
    await writeFile(join(dir, 'index.ts'), "import './github/syncs/issues.js';\n");
    await mkdir(join(dir, 'github/tests'), { recursive: true });
    await mkdir(join(dir, 'linear/tests'), { recursive: true });
    await writeFile(join(dir, 'github/tests/issues.test.json'), '{}');
    await writeFile(join(dir, 'linear/tests/teams.test.json'), '{}');
    await writeFile(join(dir, 'linear/tests/notes.md'), 'not a fixture');
    if (pkg !== undefined) await writeFile(join(dir, 'package.json'), typeof pkg === 'string' ? pkg : JSON.stringify(pkg, null, 4));
    return dir;
}

describe('generateTests', () => {
    it('writes one vitest file per fixture and adds the test script, then reports them unchanged', async () => {
        const dir = await project({ name: 'p', type: 'module', scripts: { compile: 'ferry compile' } });
        const first = await generateTests({ cwd: join(dir, 'github') });
        expect(first).toEqual({
            root: dir,
            written: ['github/tests/issues.replay.test.mjs', 'linear/tests/teams.replay.test.mjs'],
            unchanged: [],
            scriptAdded: true,
            skipped: [],
            vitestAdded: VITEST_RANGE
        });
        // No function file beside these fixtures: the generated file replays them through ferry/test.
        const content = await readFile(join(dir, 'github/tests/issues.replay.test.mjs'), 'utf8');
        expect(content).toBe(await renderTestFile(dir, { integration: 'github', name: 'issues', path: join(dir, 'github/tests/issues.test.json') }));
        expect(content).toContain("await replayFixture(new URL('./issues.test.json', import.meta.url))");
        const pkgText = await readFile(join(dir, 'package.json'), 'utf8');
        expect(pkgText).toBe(
            `${JSON.stringify({ name: 'p', type: 'module', scripts: { compile: 'ferry compile', test: TEST_SCRIPT }, devDependencies: { vitest: VITEST_RANGE } }, null, 4)}\n`
        );
        const second = await generateTests({ cwd: dir });
        expect(second).toMatchObject({ written: [], unchanged: ['github/tests/issues.replay.test.mjs', 'linear/tests/teams.replay.test.mjs'], scriptAdded: false });
        expect(second.vitestAdded).toBeUndefined();
        expect(await readFile(join(dir, 'package.json'), 'utf8')).toBe(pkgText);
    });

    it("keeps a different test script and a file it did not write, replacing npm's placeholder script", async () => {
        const dir = await project({ scripts: { test: 'jest' } });
        await writeFile(join(dir, 'linear/tests/teams.replay.test.mjs'), '// mine\n');
        const result = await generateTests({ cwd: dir });
        expect(result).toMatchObject({ written: ['github/tests/issues.replay.test.mjs'], skipped: ['linear/tests/teams.replay.test.mjs'], scriptAdded: false, existingTestScript: 'jest' });
        expect(await readFile(join(dir, 'linear/tests/teams.replay.test.mjs'), 'utf8')).toBe('// mine\n');
        expect(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')).scripts.test).toBe('jest');

        const placeholder = await project({ scripts: { test: 'echo "Error: no test specified" && exit 1' } });
        expect((await generateTests({ cwd: placeholder })).scriptAdded).toBe(true);
    });

    it('writes nothing when package.json is broken or missing, and says when there is no fixture', async () => {
        const broken = await project('{ "name": ');
        await expect(generateTests({ cwd: broken })).rejects.toThrow(/package\.json is not valid JSON/);
        expect(existsSync(join(broken, 'github/tests/issues.replay.test.mjs'))).toBe(false);
        const missing = await project(undefined);
        await expect(generateTests({ cwd: missing })).rejects.toThrow(/package\.json does not exist/);

        const { dir, cleanup } = await makeTempDir('ferry-gen-none-');
        cleanups.push(cleanup);
        await mkdir(join(dir, '.nango'));
        await writeFile(join(dir, 'index.ts'), '');
        await expect(generateTests({ cwd: dir })).rejects.toThrow(/no fixture found/);
    });
});

describe('generated vitest files', () => {
    it("use nango/test's mocks for a sync and an action, with the clock at the recording, and a replay where the mocks cannot stand in", async () => {
        const dir = await project({ name: 'p' });
        await mkdir(join(dir, 'github/syncs'), { recursive: true });
        await mkdir(join(dir, 'github/actions'), { recursive: true });
        await writeFile(join(dir, 'github/syncs/issues.ts'), "import { createSync } from 'nango';\n");
        await writeFile(join(dir, 'github/actions/create-issue.ts'), "import { createAction } from 'ferry';\n");
        await writeFile(join(dir, 'github/actions/fails.ts'), "import { createAction } from 'ferry';\n");
        await writeFile(
            join(dir, 'github/tests/issues.test.json'),
            JSON.stringify({ recordedAt: '2025-05-01T09:00:00.000Z', nango: { batchSave: { Issue: [], Label: [] }, batchDelete: { Issue: [] } } })
        );
        await writeFile(join(dir, 'github/tests/create-issue.test.json'), JSON.stringify({ input: { title: 'x' }, output: { id: '1' } }));
        await writeFile(join(dir, 'github/tests/fails.test.json'), JSON.stringify({ input: {}, output: { message: 'no' }, actionError: true }));
        const result = await generateTests({ cwd: dir });
        expect(result.written).toEqual([
            'github/tests/create-issue.replay.test.mjs',
            'github/tests/fails.replay.test.mjs',
            'github/tests/issues.replay.test.mjs',
            'linear/tests/teams.replay.test.mjs'
        ]);
        const sync = await readFile(join(dir, 'github/tests/issues.replay.test.mjs'), 'utf8');
        expect(sync).toContain("import { NangoSyncMock } from 'nango/test';");
        expect(sync).toContain("import createSync from '../syncs/issues.ts';");
        expect(sync).toContain("new NangoSyncMock({ dirname, name: 'issues', Model: 'Issue,Label' })");
        expect(sync).toContain("vi.useFakeTimers({ now: new Date('2025-05-01T09:00:00.000Z'), toFake: ['Date'] })");
        expect(sync).toContain("for (const model of ['Issue', 'Label']) {");
        expect(sync).toContain("const differences = await recordDifferences('batchDelete', model, await nangoMock.getBatchDeleteData(model), deleted);");
        expect(sync).toContain("expect(differences, differences.join('\\n')).toEqual([]);");
        const action = await readFile(join(dir, 'github/tests/create-issue.replay.test.mjs'), 'utf8');
        expect(action).toContain("import { NangoActionMock } from 'ferry/test';");
        expect(action).toContain('await createAction.exec(nangoMock, await nangoMock.getInput())');
        expect(action).not.toContain('useFakeTimers');
        // An expected ActionError is not something the mocks compare: the replay checks it.
        expect(await readFile(join(dir, 'github/tests/fails.replay.test.mjs'), 'utf8')).toContain('replayFixture(');
    });
});

describe('fixtures', () => {
    it('discovers fixtures by integration and name, sorted', async () => {
        const dir = await project({});
        expect((await discoverFixtures(dir)).map((f) => [f.integration, f.name, f.relPath])).toEqual([
            ['github', 'issues', 'github/tests/issues.test.json'],
            ['linear', 'teams', 'linear/tests/teams.test.json']
        ]);
        expect((await discoverFixtures(dir, { integration: 'linear' })).map((f) => f.name)).toEqual(['teams']);
        expect(await discoverFixtures(dir, { functionName: 'nope' })).toEqual([]);
    });

    it('rejects bad fixtures with one line naming the file and the place', () => {
        expect(() => parseFixture('{\n  "input": {,\n}', 'g/tests/a.test.json')).toThrow(/^g\/tests\/a\.test\.json: not valid JSON at line 2, column \d+ \(.+\)$/);
        // A file cut short (V8 gives no position) is placed at its end, never "somewhere".
        expect(() => parseFixture('{\n  "input": {"a":\n', 'a.json')).toThrow(/^a\.json: not valid JSON at line 2, column 17 \(Unexpected end of JSON input\)$/);
        expect(() => parseFixture('[]', 'a.json')).toThrow('a.json: a fixture must be a JSON object with input/output, nango and api');
        expect(() => parseFixture('{"api":{"get":{"/x":[{"status":200}]}}}', 'a.json')).toThrow('a.json: "api.get["/x"][0]" must be an object with a "response"');
        expect(() => parseFixture('{"nango":{"batchSave":{"Issue":{}}}}', 'a.json')).toThrow('a.json: "nango.batchSave.Issue" must be a list of records');
        expect(parseFixture('{"api":{"get":{"/x":{"response":null}}}}', 'a.json')).toEqual({ api: { get: { '/x': { response: null } } } });
    });
});
