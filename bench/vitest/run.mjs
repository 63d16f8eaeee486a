// bench/vitest: a Nango-style project's own vitest suite (FILES test files, default 300: half syncs
// paginating over three recorded pages, half actions, each file testing its own function through
// global.vitest.NangoSyncMock / NangoActionMock from the project's vitest.setup.ts), run two ways:
//   ferry: `ferry test --vitest` in a copy without the nango package (Ferry's mocks, one worker,
//          one module graph);
//   nango: plain `vitest run` with the real nango package, in a copy where node_modules/nango is
//          the nango 0.71.10 that Ferry's devDependencies install (run only when it is installed).
// Target: ferry at least 3x faster. Uses the built CLI (run `npm run build` first).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ferryBin, repoRoot, requireBuiltCli } from '../lib.mjs';

requireBuiltCli('vitest');

const total = Number(process.env.FILES ?? 300);
const TARGET_RATIO = 3;
// Integration folders are provider names: nango/test's paginate looks the provider up.
const integrations = ['github', 'gitlab', 'linear', 'slack', 'hubspot', 'notion', 'jira', 'asana', 'zendesk', 'salesforce'];
const work = mkdtempSync(join(tmpdir(), 'ferry-bench-vitest-'));
const ferryRoot = join(work, 'ferry');

function write(rel, content) {
    const path = join(ferryRoot, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
}

const sync = (name) => `import { createSync } from 'nango';
import * as z from 'zod';

const Item = z.object({ id: z.string(), name: z.string(), done: z.boolean() });

export default createSync({
    description: '${name}',
    frequency: 'every hour',
    models: { Item },
    exec: async (nango) => {
        const pages = nango.paginate({
            endpoint: '/items',
            params: { per_page: 5 },
            paginate: { type: 'cursor', cursor_path_in_response: 'next', cursor_name_in_request: 'cursor', response_path: 'items' }
        });
        for await (const page of pages) {
            await nango.batchSave(page.map((i) => ({ id: String(i.id), name: i.title, done: i.state === 'closed' })), 'Item');
        }
    }
});
`;

const action = (name) => `import { createAction } from 'nango';
import * as z from 'zod';

export default createAction({
    description: '${name}',
    input: z.object({ id: z.string() }),
    output: z.object({ id: z.string(), name: z.string(), tags: z.array(z.string()) }),
    exec: async (nango, input) => {
        const res = await nango.get({ endpoint: \`/items/\${input.id}\` });
        return { id: String(res.data.id), name: res.data.full_name, tags: res.data.labels.map((l) => l.name) };
    }
});
`;

// The shapes of the tests \`nango generate:tests\` writes.
const syncTest = (name) => `import { afterEach, vi, expect, it, describe } from 'vitest';
import createSync from '../syncs/${name}.js';

describe('${name} tests', () => {
    afterEach(() => {
        vi.clearAllMocks();
        vi.restoreAllMocks();
    });

    it('should get, map correctly the data and batchSave the result', async () => {
        const nangoMock = new global.vitest.NangoSyncMock({ dirname: __dirname, name: '${name}', Model: 'Item' });
        const batchSaveSpy = vi.spyOn(nangoMock, 'batchSave');
        await createSync.exec(nangoMock);
        const expected = await nangoMock.getBatchSaveData('Item');
        const spied = batchSaveSpy.mock.calls.flatMap((call) => (call[1] === 'Item' ? call[0] : []));
        expect(JSON.parse(JSON.stringify(spied))).toStrictEqual(expected);
    });
});
`;

const actionTest = (name) => `import { expect, it, describe } from 'vitest';
import createAction from '../actions/${name}.js';

describe('${name} tests', () => {
    const nangoMock = new global.vitest.NangoActionMock({ dirname: __dirname, name: '${name}', Model: 'ActionOutput' });

    it('should output the action output that is expected', async () => {
        const input = await nangoMock.getInput();
        const response = await createAction.exec(nangoMock, input);
        expect(response).toEqual(await nangoMock.getOutput());
    });
});
`;

function syncFixture(i) {
    const records = [];
    const entries = [];
    for (let page = 0; page < 3; page++) {
        const items = Array.from({ length: 5 }, (_, k) => ({ id: i * 100 + page * 5 + k, title: `t${k}`, state: k % 2 ? 'closed' : 'open' }));
        records.push(...items.map((it) => ({ id: String(it.id), name: it.title, done: it.state === 'closed' })));
        entries.push({ response: { items, ...(page < 2 ? { next: `c${page + 1}` } : {}) }, status: 200, headers: {}, request: { params: { per_page: '5', ...(page > 0 ? { cursor: `c${page}` } : {}) } } });
    }
    return { nango: { batchSave: { Item: records } }, api: { get: { '/items': entries } } };
}

function actionFixture(i) {
    const id = String(i);
    return {
        input: { id },
        output: { id, name: `item ${i}`, tags: ['a', 'b'] },
        api: { get: { [`/items/${id}`]: { response: { id: i, full_name: `item ${i}`, labels: [{ name: 'a' }, { name: 'b' }] }, status: 200, headers: {} } } }
    };
}

const imports = [];
for (let i = 0; i < total; i++) {
    const integration = integrations[i % integrations.length];
    const isSync = i % 2 === 0;
    const name = `${isSync ? 'items' : 'get-item'}-${i}`;
    const folder = isSync ? 'syncs' : 'actions';
    write(`${integration}/${folder}/${name}.ts`, isSync ? sync(name) : action(name));
    write(`${integration}/tests/${name}.test.json`, isSync ? syncFixture(i) : actionFixture(i));
    write(`${integration}/tests/${integration}-${name}.test.ts`, isSync ? syncTest(name) : actionTest(name));
    imports.push(`import './${integration}/${folder}/${name}.js';`);
}
write('index.ts', `${imports.join('\n')}\n`);
write('package.json', { name: 'bench-vitest', private: true, type: 'module', devDependencies: { nango: '0.71.10', vitest: '^4', zod: '^4' } });
write('vitest.setup.ts', 'import { NangoActionMock, NangoSyncMock } from "nango/test";\n\nglobalThis.vitest = {\n  NangoActionMock,\n  NangoSyncMock,\n};\n');
write(
    'vite.config.ts',
    '/// <reference types="vitest" />\nimport { defineConfig } from "vitest/config";\n\nexport default defineConfig({\n  test: {\n    include: ["**/*.{test,spec}.?(c|m)[jt]s?(x)"],\n    setupFiles: "vitest.setup.ts",\n  },\n});\n'
);
mkdirSync(join(ferryRoot, '.nango'), { recursive: true });

/** Runs a command, returns its wall time and the vitest JSON report it wrote (if any). */
function timed(args, cwd, env = {}) {
    const started = performance.now();
    const run = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env } });
    return { seconds: (performance.now() - started) / 1000, run };
}

/** The nango package Ferry's devDependencies install (as `nango` or as the `nango-reference` alias). */
function installedNango() {
    for (const name of ['nango', 'nango-reference']) {
        const dir = join(repoRoot, 'node_modules', name);
        if (existsSync(join(dir, 'dist/testMocks/utils.js'))) return dir;
    }
    return undefined;
}

try {
    console.log(`${total} test files, ${availableParallelism()} cores, load ${loadavg()[0].toFixed(2)}`);
    const ferry = timed([ferryBin, 'test', '--vitest', '--json'], ferryRoot);
    let summary;
    try {
        summary = JSON.parse(ferry.run.stdout);
    } catch {
        console.error(`ferry test --vitest printed no JSON (exit ${ferry.run.status}):\n${ferry.run.stderr.slice(-3000)}`);
        process.exit(1);
    }
    console.log(`ferry test --vitest: ${ferry.seconds.toFixed(1)} s, ${summary.passed} passed, ${summary.failed} failed (exit ${ferry.run.status})`);
    if (summary.passed !== total || ferry.run.status !== 0) {
        console.error('bench/vitest: every test should pass under Ferry');
        process.exitCode = 1;
    }

    const nangoPackage = installedNango();
    if (!nangoPackage) {
        console.log('nango: not installed (npm install adds it as a devDependency); ratio not measured');
    } else {
        const nangoRoot = join(work, 'nango');
        cpSync(ferryRoot, nangoRoot, { recursive: true, filter: (source) => !source.includes(`${join(ferryRoot, 'build')}`) });
        mkdirSync(join(nangoRoot, 'node_modules'));
        symlinkSync(nangoPackage, join(nangoRoot, 'node_modules/nango'), 'dir');
        symlinkSync(join(repoRoot, 'node_modules/vitest'), join(nangoRoot, 'node_modules/vitest'), 'dir');
        symlinkSync(join(repoRoot, 'node_modules/zod'), join(nangoRoot, 'node_modules/zod'), 'dir');
        const reportFile = join(work, 'nango-report.json');
        const nango = timed([join(nangoRoot, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=json', `--outputFile=${reportFile}`], nangoRoot);
        const passed = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')).numPassedTests : undefined;
        const ratio = nango.seconds / ferry.seconds;
        console.log(`vitest run with nango: ${nango.seconds.toFixed(1)} s, ${passed ?? '?'} passed (exit ${nango.run.status})`);
        console.log(`ferry is ${ratio.toFixed(1)}x faster (target: at least ${TARGET_RATIO}x)`);
        if (ratio < TARGET_RATIO) process.exitCode = 1;
    }
} finally {
    rmSync(work, { recursive: true, force: true });
}
