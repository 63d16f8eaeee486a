// ferry serve at scale (issue 14, point 9), against the built CLI with PGlite:
// 1. a deployed sync saving 100,000 records (10 batches of 10,000): from the trigger to the run
//    finished and its first page served by GET /records (target < 20 s);
// 2. GET /records pages of 100 through a 1,000,000-record model, p50 and p95 over 300 pages
//    (the first pages, then pages from cursors deep in the table) (target p50 < 20 ms);
// 3. the server's resident memory with those records stored (target < 400 MB), right after the runs
//    and again after a restart on the same data (PGlite's WebAssembly memory never shrinks: what the
//    bulk insert touched stays resident until the process ends);
// 4. 50 POST /action/trigger at once: all answered, each with its own right output.
// BENCH_RECORDS=n changes the 1,000,000 (e.g. 200000 for a quick look).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ferryBin, median, repoRoot, requireBuiltCli } from '../lib.mjs';

requireBuiltCli('serve');
const BIG = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const BATCH = 10_000;

const sync = (model, total) => `
import { createSync } from 'nango';
import { z } from 'zod';
const ${model} = z.object({ id: z.string(), title: z.string(), n: z.number(), tags: z.array(z.string()) });
export default createSync({
    description: '${total} generated records',
    frequency: 'every day',
    models: { ${model} },
    exec: async (nango) => {
        for (let start = 0; start < ${total}; start += ${BATCH}) {
            const rows = [];
            for (let i = start; i < Math.min(start + ${BATCH}, ${total}); i++) rows.push({ id: 'r' + i, title: 'Record number ' + i, n: i, tags: ['a', 'b' + (i % 7)] });
            await nango.batchSave(rows, '${model}');
        }
    }
});
`;
const action = `
import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({
    description: 'Doubles',
    input: z.object({ n: z.number() }),
    output: z.object({ twice: z.number() }),
    exec: async (_nango, input) => ({ twice: input.n * 2 })
});
`;

const root = mkdtempSync(join(tmpdir(), 'ferry-bench-serve-syncs-'));
let server;
try {
    for (const [file, code] of [['bench/syncs/hundredk.ts', sync('Small', 100_000)], ['bench/syncs/million.ts', sync('Big', BIG)], ['bench/actions/double.ts', action]]) {
        mkdirSync(join(root, file, '..'), { recursive: true });
        writeFileSync(join(root, file), code.trimStart());
    }
    mkdirSync(join(root, '.nango'));
    mkdirSync(join(root, 'node_modules'));
    symlinkSync(join(repoRoot, 'node_modules/zod'), join(root, 'node_modules/zod'), 'dir');
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'bench', type: 'module', private: true }));
    writeFileSync(join(root, 'index.ts'), "import './bench/syncs/hundredk.js';\nimport './bench/syncs/million.js';\nimport './bench/actions/double.js';\n");

    server = await startServer(root);
    const ferry = (...args) => {
        const result = spawnSync(process.execPath, [ferryBin, ...args, '-e', 'local'], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
        if (result.status !== 0) throw new Error(`ferry ${args.join(' ')}: ${result.stderr}`);
    };
    ferry('integrations', 'create', 'bench', '--provider', 'github', '--base-url', 'http://127.0.0.1:9');
    ferry('connections', 'create', 'bench', 'c1', '--token', 'tok');
    ferry('deploy', '--auto-confirm');
    const api = async (method, path, body, headers = {}) => {
        const response = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${server.key}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers }, ...(body ? { body: JSON.stringify(body) } : {}) });
        return { status: response.status, body: await response.json() };
    };
    const scope = { 'connection-id': 'c1', 'provider-config-key': 'bench' };
    const runToEnd = async (name) => {
        const before = (await api('GET', `/runs?name=${name}`)).body.runs.length;
        await api('POST', '/sync/trigger', { syncs: [name], provider_config_key: 'bench', connection_id: 'c1' });
        for (;;) {
            const runs = (await api('GET', `/runs?name=${name}`)).body.runs;
            if (runs.length > before && runs[0].status !== 'RUNNING') return runs[0];
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
    };

    const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))[1]) / 1024;
    const idle = rssMb();
    // 1. 100,000 records: trigger, run, first page.
    let started = performance.now();
    const run = await runToEnd('hundredk');
    const page = await api('GET', '/records?model=Small&limit=100', undefined, scope);
    const hundredK = performance.now() - started;
    if (run.status !== 'SUCCESS' || run.result.Small.added !== 100_000 || page.body.records.length !== 100) throw new Error(`100k run: ${JSON.stringify(run)}`);
    console.log(`sync saving 100,000 records, trigger to queryable: ${(hundredK / 1000).toFixed(1)} s (run ${(run.duration_ms / 1000).toFixed(1)} s)  (target < 20 s)`);

    // 2. and 3. a model of BIG records.
    started = performance.now();
    const big = await runToEnd('million');
    if (big.status !== 'SUCCESS') throw new Error(`big run: ${JSON.stringify(big)}`);
    console.log(`sync saving ${BIG.toLocaleString('en')} records: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const timings = [];
    let cursor;
    const pageOf = async (query) => {
        const t = performance.now();
        const answer = await api('GET', `/records?model=Big&limit=100${query}`, undefined, scope);
        timings.push(performance.now() - t);
        if (answer.status !== 200 || answer.body.records.length !== 100) throw new Error(`page: ${answer.status}`);
        return answer.body.next_cursor;
    };
    for (let i = 0; i < 150; i++) cursor = await pageOf(cursor ? `&cursor=${encodeURIComponent(cursor)}` : '');
    // Deep cursors: the cursor of a record far into the table (last_modified_at||id).
    const all = (await api('GET', '/records?model=Big&limit=10000', undefined, scope)).body;
    let deep = all.next_cursor;
    for (let i = 0; i < 150; i++) deep = await pageOf(`&cursor=${encodeURIComponent(deep)}`);
    const sorted = [...timings].sort((a, b) => a - b);
    console.log(`GET /records pages of 100 from ${BIG.toLocaleString('en')} records: p50 ${median(timings).toFixed(1)} ms, p95 ${sorted[Math.floor(sorted.length * 0.95)].toFixed(1)} ms (${timings.length} pages)  (target p50 < 20 ms)`);
    console.log(`server resident memory with ${(BIG + 100_000).toLocaleString('en')} records stored: ${rssMb().toFixed(0)} MB (${idle.toFixed(0)} MB when started on a new data folder)  (target < 400 MB)`);
    // The same data after a restart (PGlite reopens its files instead of creating a database), 100 pages read.
    const key = server.key;
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
    server = { ...(await startServer(root)), key };
    cursor = undefined;
    for (let i = 0; i < 100; i++) cursor = await pageOf(cursor ? `&cursor=${encodeURIComponent(cursor)}` : '');
    console.log(`the same after a restart, 100 pages read: ${rssMb().toFixed(0)} MB`);

    // 4. 50 actions at once.
    started = performance.now();
    const answers = await Promise.all(Array.from({ length: 50 }, (_, n) => api('POST', '/action/trigger', { action_name: 'double', input: { n } }, scope)));
    const right = answers.filter((answer, n) => answer.status === 200 && answer.body.twice === n * 2).length;
    console.log(`50 concurrent POST /action/trigger: ${right}/50 answered right in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} finally {
    server?.child.kill('SIGTERM');
    await new Promise((resolve) => (server?.child.exitCode !== null ? resolve() : server.child.once('exit', resolve)));
    rmSync(root, { recursive: true, force: true });
}

function startServer(cwd) {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [ferryBin, 'serve', '--port', '0', '--json'], { cwd, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, CI: 'true' } });
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (chunk) => {
            out += chunk;
            const line = out.split('\n').find((l) => l.includes('"event":"ready"'));
            if (line) {
                const ready = JSON.parse(line);
                resolve({ child, url: ready.url, key: ready.secretKey });
            }
        });
        child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
}
