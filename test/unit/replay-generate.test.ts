import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/cli.js';
import { VITEST_RANGE, generateTests, renderTestFile } from '../../src/testing/generate-tests.js';
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
        expect(await readFile(join(dir, 'github/tests/issues.replay.test.mjs'), 'utf8')).toBe(renderTestFile({ integration: 'github', name: 'issues' }));
        const pkgText = await readFile(join(dir, 'package.json'), 'utf8');
        expect(pkgText).toBe(
            `${JSON.stringify({ name: 'p', type: 'module', scripts: { compile: 'ferry compile', test: 'vitest run' }, devDependencies: { vitest: VITEST_RANGE } }, null, 4)}\n`
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
