/**
 * runTests over a project with problems: a function that does not build fails only its own
 * fixtures (kind bundle), one that does not load fails as kind load, a function file index.ts
 * does not import is replayed with a note, a fixture with no function file is a fixture error, and
 * a function computing dates from "now" replays on the fixture's recording time (or --now).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxPool, runFunction } from '../../src/runtime/run.js';
import { runTests } from '../../src/testing/run-tests.js';
import type { TestReport } from '../../src/testing/report.js';
import { makeTempDir } from '../support/cli.js';

const GOOD_ACTION = `import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({
    description: 'Echo',
    input: z.object({ id: z.string() }),
    output: z.object({ id: z.string() }),
    exec: async (nango, input) => ({ id: (await nango.get({ endpoint: '/items/' + input.id })).data.id })
});
`;

/** Asks for what changed since a day before "now", as incremental syncs do. */
const SINCE_SYNC = `import { createSync } from 'nango';
import { z } from 'zod';
export default createSync({
    description: 'Changed in the last day',
    frequency: 'every day',
    models: { Item: z.object({ id: z.string() }) },
    exec: async (nango) => {
        const since = new Date(Date.now() - 86_400_000).toISOString();
        const res = await nango.get({ endpoint: '/changes', params: { since } });
        await nango.batchSave(res.data.map((id) => ({ id })), 'Item');
    }
});
`;

const actionFixture = (id: string) => ({ input: { id }, output: { id }, nango: {}, api: { get: { [`/items/${id}`]: { response: { id } } } } });

const FILES: Record<string, string> = {
    'index.ts':
        ["import './shop/actions/good.js';", "import './shop/actions/broken.js';", "import './shop/actions/throws.js';", "import './shop/syncs/since.js';", "import './shop/syncs/nango-since.js';"].join(
            '\n'
        ) + '\n',
    'shop/syncs/nango-since.ts': SINCE_SYNC,
    // As Nango's CLI records: no recordedAt, a Date header a moment after the function read the clock.
    'shop/tests/nango-since.test.json': JSON.stringify({
        nango: { batchSave: { Item: [{ id: 'b' }] } },
        api: {
            get: { '/changes': { response: ['b'], status: 200, headers: { date: 'Thu, 02 May 2024 07:00:01 GMT' }, request: { params: { since: '2024-05-01T07:00:00.734Z' } } } }
        }
    }),
    'shop/actions/good.ts': GOOD_ACTION,
    'shop/actions/unlisted.ts': GOOD_ACTION,
    'shop/actions/broken.ts': `import { createAction } from 'nango';\nexport default createAction({ exec: async () => { return ( } });\n`,
    'shop/actions/throws.ts': `throw new Error('no config at load');\n`,
    'shop/syncs/since.ts': SINCE_SYNC,
    'shop/tests/good.test.json': JSON.stringify(actionFixture('1')),
    'shop/tests/unlisted.test.json': JSON.stringify(actionFixture('2')),
    'shop/tests/broken.test.json': JSON.stringify(actionFixture('3')),
    'shop/tests/throws.test.json': JSON.stringify(actionFixture('4')),
    'shop/tests/orphan.test.json': JSON.stringify(actionFixture('5')),
    'shop/tests/since.test.json': JSON.stringify({
        recordedAt: '2024-03-02T08:30:00.250Z',
        nango: { batchSave: { Item: [{ id: 'a' }] }, batchDelete: {} },
        api: { get: { '/changes': { response: ['a'], request: { params: { since: '2024-03-01T08:30:00.250Z' } } } } }
    })
};

let root: string;
let cleanup: () => Promise<void>;
let report: TestReport;
const byName = (name: string) => report.tests.find((t) => t.function === name)!;

beforeAll(async () => {
    ({ dir: root, cleanup } = await makeTempDir('ferry-run-tests-'));
    await mkdir(join(root, '.nango'), { recursive: true });
    for (const [rel, text] of Object.entries(FILES)) {
        await mkdir(dirname(join(root, rel)), { recursive: true });
        await writeFile(join(root, rel), text);
    }
    report = await runTests({ cwd: root, concurrency: 2 }, { runFunction, createPool: (size) => createSandboxPool(size) });
}, 60_000);

afterAll(() => cleanup());

describe('runTests with a broken project', () => {
    it('replays every fixture and fails only those of the broken functions', () => {
        expect(report.tests.map((t) => [t.function, t.ok])).toEqual([
            ['broken', false],
            ['good', true],
            ['nango-since', true],
            ['orphan', false],
            ['since', true],
            ['throws', false],
            ['unlisted', true]
        ]);
        expect(report.failed).toBe(3);
    });

    it('names the compile error of a function that does not build', () => {
        const [failure] = byName('broken').failures;
        expect(failure?.kind).toBe('bundle');
        expect(failure?.message).toMatch(/^shop\/actions\/broken\.ts does not build: shop\/actions\/broken\.ts:2:\d+: /);
    });

    it('says a function whose file throws at load did not load', () => {
        const [failure] = byName('throws').failures;
        expect(failure?.kind).toBe('load');
        expect(failure?.message).toContain('no config at load');
    });

    it('replays a function file index.ts does not import, with a note', () => {
        expect(byName('unlisted').notes).toEqual(['shop/actions/unlisted.ts is not imported by index.ts: replayed from its file, but compile and deploy leave it out']);
    });

    it('fails a fixture with no function file as a fixture error', () => {
        const [failure] = byName('orphan').failures;
        expect(failure?.kind).toBe('fixture');
        expect(failure?.message).toContain('there is no shop/{syncs,actions,on-events}/orphan.ts');
    });

    it('runs the clock at the recording time', () => {
        expect(byName('since')).toMatchObject({ ok: true, now: '2024-03-02T08:30:00.250Z', nowFrom: 'recordedAt' });
    });

    it("corrects a clock read from Date headers to the millisecond of the recorded request", () => {
        expect(byName('nango-since')).toMatchObject({ ok: true, now: '2024-05-02T07:00:00.734Z', nowFrom: 'recorded request' });
    });

    it('with --now, the same function asks for another day and the failure says which param differs', async () => {
        const moved = await runTests({ cwd: root, functionName: 'since', now: new Date('2024-03-05T00:00:00Z') }, { runFunction });
        const test = moved.tests[0]!;
        expect(test).toMatchObject({ ok: false, now: '2024-03-05T00:00:00.000Z', nowFrom: 'option' });
        expect(test.failures[0]?.kind).toBe('unrecorded_request');
        expect(test.failures[0]?.message).toContain('which differs in param since: sent "2024-03-04T00:00:00.000Z", recorded "2024-03-01T08:30:00.250Z"');
    }, 60_000);

    it('accepts a function name that only an unregistered file and its fixture know', async () => {
        const only = await runTests({ cwd: root, functionName: 'unlisted' }, { runFunction });
        expect(only.tests.map((t) => [t.function, t.ok])).toEqual([['unlisted', true]]);
    }, 60_000);
});
