// bench/test: `ferry test` replaying 5,000 synthetic fixtures (half actions, half syncs paginated
// over three pages that ask for what changed since a day before "now", so every sync replays on
// its fixture's recorded clock) in a temporary project, as a large project's run would: one
// function that does not build (its fixture fails, the others still run) and one function file
// index.ts does not import (replayed with a note). Target: well under 5 minutes on a 2-core
// machine. Uses the built CLI (run `npm run build` first). FIXTURES=<n> changes the count.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireBuiltCli } from '../lib.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(repo, 'bin/ferry.js');
requireBuiltCli('test');

const total = Number(process.env.FIXTURES ?? 5000);
const TARGET_SECONDS = 300;
const integrations = 10;
const root = mkdtempSync(join(tmpdir(), 'ferry-bench-test-'));

function write(rel, content) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
}

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

const sync = (name) => `import { createSync } from 'nango';
import * as z from 'zod';

const Item = z.object({ id: z.string(), name: z.string(), done: z.boolean() });

export default createSync({
    description: '${name}',
    frequency: 'every hour',
    models: { Item },
    exec: async (nango) => {
        const since = new Date(Date.now() - 86_400_000).toISOString();
        const pages = nango.paginate({
            endpoint: '/items',
            params: { per_page: 5, since },
            paginate: { type: 'cursor', cursor_path_in_response: 'next', cursor_name_in_request: 'cursor', response_path: 'items' }
        });
        for await (const page of pages) {
            await nango.batchSave(page.map((i) => ({ id: String(i.id), name: i.title, done: i.state === 'closed' })), 'Item');
        }
    }
});
`;

function actionFixture(i) {
    const id = String(i);
    return {
        input: { id },
        output: { id, name: `item ${i}`, tags: ['a', 'b'] },
        nango: { getConnection: { connection_id: 'bench', provider_config_key: 'bench', provider: 'bench' }, getMetadata: null },
        api: { get: { [`/items/${id}`]: { response: { id: i, full_name: `item ${i}`, labels: [{ name: 'a' }, { name: 'b' }] }, status: 200, headers: {} } } }
    };
}

const RECORDED_AT = Date.parse('2025-05-01T09:00:00.000Z');

function syncFixture(i) {
    // Each fixture recorded at its own instant, as real ones are.
    const recordedAt = RECORDED_AT + i * 1000;
    const since = new Date(recordedAt - 86_400_000).toISOString();
    const records = [];
    const entries = [];
    for (let page = 0; page < 3; page++) {
        const items = Array.from({ length: 5 }, (_, k) => ({ id: i * 100 + page * 5 + k, title: `t${k}`, state: k % 2 ? 'closed' : 'open' }));
        records.push(...items.map((it) => ({ id: String(it.id), name: it.title, done: it.state === 'closed' })));
        entries.push({
            response: { items, ...(page < 2 ? { next: `c${page + 1}` } : {}) },
            status: 200,
            headers: {},
            request: { params: { per_page: '5', since, ...(page > 0 ? { cursor: `c${page}` } : {}) } }
        });
    }
    return {
        recordedAt: new Date(recordedAt).toISOString(),
        nango: { getConnection: { connection_id: 'bench', provider_config_key: 'bench', provider: 'bench' }, batchSave: { Item: records.reverse() }, batchDelete: {} },
        api: { get: { '/items': entries } }
    };
}

const imports = [];
for (let i = 0; i < total; i++) {
    const integration = `svc${i % integrations}`;
    const isAction = i % 2 === 0;
    const name = `${isAction ? 'get-item' : 'items'}-${i}`;
    const folder = isAction ? 'actions' : 'syncs';
    write(`${integration}/${folder}/${name}.ts`, isAction ? action(name) : sync(name));
    write(`${integration}/tests/${name}.test.json`, isAction ? actionFixture(i) : syncFixture(i));
    // The last function is left out of index.ts: replayed from its file, with a note.
    if (i < total - 1) imports.push(`import './${integration}/${folder}/${name}.js';`);
}
// One function that does not build: its fixture fails, every other one still runs.
write('svc0/actions/broken.ts', `import { createAction } from 'nango';\nexport default createAction({ exec: async () => { const y = ; } });\n`);
write('svc0/tests/broken.test.json', actionFixture(-1));
imports.push("import './svc0/actions/broken.js';");
write('index.ts', `${imports.join('\n')}\n`);
write('package.json', { name: 'bench-test', private: true, type: 'module' });
mkdirSync(join(root, '.nango'), { recursive: true });

/** CPU seconds (user + system) of this process's finished children, on Linux; undefined elsewhere. */
function childCpuSeconds() {
    try {
        const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
        // cutime and cstime are fields 16 and 17 of the whole line, in clock ticks (100 per second).
        return (Number(fields[13]) + Number(fields[14])) / 100;
    } catch {
        return undefined;
    }
}

try {
    const cpuBefore = childCpuSeconds();
    const started = performance.now();
    const run = spawnSync(process.execPath, [bin, 'test', '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, CI: 'true', NO_COLOR: '1' } });
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = childCpuSeconds();
    let report;
    try {
        report = JSON.parse(run.stdout);
    } catch {
        console.error(`bench/test: ferry test did not print JSON (exit ${run.status}):\n${run.stderr.slice(0, 2000)}`);
        process.exit(1);
    }
    const slowest = [...report.tests].sort((a, b) => b.durationMs - a.durationMs)[0];
    const fixtures = total + 1;
    const noted = report.tests.filter((t) => t.notes?.length).length;
    console.log(`ferry test: ${fixtures} fixtures (${Math.ceil(total / 2)} actions, ${Math.floor(total / 2)} syncs over 3 pages on their recorded clocks, 1 broken function) in ${seconds.toFixed(2)} s on ${availableParallelism()} cores`);
    console.log(`  ${report.passed} passed, ${report.failed} failed (1 expected), ${noted} with a note (1 expected); ${((seconds * 1000) / fixtures).toFixed(1)} ms per fixture; slowest ${slowest?.function} ${slowest?.durationMs} ms`);
    if (cpuBefore !== undefined && cpuAfter !== undefined) {
        // The machine may be shared: CPU time says what the run itself cost, wall time what it waited too.
        console.log(`  CPU time ${(cpuAfter - cpuBefore).toFixed(2)} s (user + system); load average ${loadavg()[0].toFixed(2)}`);
    }
    console.log(`  target: under ${TARGET_SECONDS} s -> ${seconds < TARGET_SECONDS ? 'met' : 'NOT met'}`);
    const unexpected = report.tests.find((t) => !t.ok && t.function !== 'broken');
    const broken = report.tests.find((t) => t.function === 'broken');
    if (unexpected || broken?.failures[0]?.kind !== 'bundle' || noted !== 1) {
        const first = unexpected ?? broken;
        console.error(`  unexpected result: ${first?.fixture}: ${first?.failures[0]?.kind} ${first?.failures[0]?.message}${noted !== 1 ? `; ${noted} notes` : ''}`);
        process.exitCode = 1;
    }
} finally {
    if (!process.env.KEEP) rmSync(root, { recursive: true, force: true });
    else console.log(`  kept ${root}`);
}
