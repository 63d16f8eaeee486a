// bench/runtime: the function runtime on its own (no CLI, no HTTP): worker start-up, the cost of
// one run on a reused sandbox, and a 1,000,000-record sync streamed to a sink with backpressure
// (throughput and the process's peak RSS, worker included). Needs `npm run build` (the worker).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const workerFile = join(root, 'dist/runtime/runtime.worker.js');
if (!existsSync(workerFile)) {
    console.error('bench/runtime: run `npm run build` first');
    process.exit(1);
}

// runFunction is not a dist entry: bundle the sources the CLI is built from, beside node_modules.
const cacheDir = join(root, 'node_modules/.cache/ferry-bench');
mkdirSync(cacheDir, { recursive: true });
const entry = join(cacheDir, `runtime-entry-${process.pid}.ts`);
const outfile = join(cacheDir, `runtime-${process.pid}.mjs`);
writeFileSync(entry, `export { runFunction, createSandbox } from '${join(root, 'src/runtime/run.ts')}';\nexport { bundleFunctions } from '${join(root, 'src/compiler/bundle.ts')}';\nexport { toFunctionRef } from '${join(root, 'src/project/project.ts')}';\n`);
await build({ entryPoints: [entry], outfile, bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning' });
const { runFunction, createSandbox, bundleFunctions, toFunctionRef } = await import(pathToFileURL(outfile).href);
rmSync(entry);
rmSync(outfile);

const project = mkdtempSync(join(tmpdir(), 'ferry-bench-runtime-'));
const files = {
    'bench/actions/echo.ts': `import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({ description: 'echo', input: z.object({ n: z.number() }), output: z.object({ n: z.number() }),
    exec: async (nango, input) => { const r = await nango.get({ endpoint: '/echo' }); return { n: input.n + r.data.add }; } });
`,
    'bench/syncs/million.ts': `import { createSync } from 'nango';
import { z } from 'zod';
export default createSync({ description: 'million', frequency: 'every day', models: { Row: z.object({ id: z.string(), n: z.number(), title: z.string() }) },
    exec: async (nango) => {
        const total = 1_000_000;
        for (let start = 0; start < total; start += 1000) {
            const batch = [];
            for (let i = start; i < start + 1000; i++) batch.push({ id: 'row-' + i, n: i, title: 'a title of some length for row ' + i });
            await nango.batchSave(batch, 'Row');
        }
    } });
`
};
for (const [rel, source] of Object.entries(files)) {
    mkdirSync(dirname(join(project, rel)), { recursive: true });
    writeFileSync(join(project, rel), source);
}
const refs = Object.keys(files).map((rel, i) => toFunctionRef(project, rel, i + 1));
const { bundles } = await bundleFunctions(project, refs);
const byName = Object.fromEntries(bundles.map((b) => [b.ref.name, { code: b.code, filename: join(project, 'build', `${b.ref.id}.cjs`), ref: { integration: b.ref.integration, name: b.ref.name, type: b.ref.type } }]));
const connection = { connection_id: 'c', provider_config_key: 'bench', provider: 'bench', metadata: null };
const transport = { send: async () => ({ status: 200, headers: {}, data: { add: 1 } }) };

// 1. A cold run: worker start-up included.
let t = performance.now();
const cold = createSandbox({ workerFile });
await runFunction({ ...byName.echo, connection, provider: null, transport, input: { n: 1 }, sandbox: cold });
const coldMs = performance.now() - t;

// 2. Warm runs on the same sandbox.
const warmRuns = 300;
t = performance.now();
for (let i = 0; i < warmRuns; i++) await runFunction({ ...byName.echo, connection, provider: null, transport, input: { n: i }, sandbox: cold });
const warmMs = (performance.now() - t) / warmRuns;
await cold.close();

// 3. 1,000,000 records streamed to a sink that waits now and then, like a file stream under backpressure.
let written = 0;
let bytes = 0;
const sink = {
    write(event) {
        written++;
        bytes += JSON.stringify(event.record).length + 1;
        if (written % 10_000 === 0) return new Promise((resolve) => setImmediate(resolve));
    }
};
const sandbox = createSandbox({ workerFile });
t = performance.now();
const million = await runFunction({ ...byName.million, connection, provider: null, transport, recordSink: sink, sandbox });
const millionMs = performance.now() - t;
await sandbox.close();
if (!million.ok || written !== 1_000_000) throw new Error(`the million-record run failed: ${JSON.stringify(million.error)} (${written} written)`);
const peakRssMb = process.resourceUsage().maxRSS / 1024;

rmSync(project, { recursive: true, force: true });
console.log(`cold run (worker start + first run):   ${coldMs.toFixed(0)} ms`);
console.log(`warm run on a reused sandbox:          ${warmMs.toFixed(2)} ms per run (${warmRuns} runs)`);
console.log(`1,000,000 records streamed to a sink:  ${(millionMs / 1000).toFixed(2)} s (${Math.round(1_000_000 / (millionMs / 1000)).toLocaleString('en-US')} records/s, ${(bytes / 1e6).toFixed(0)} MB of JSON)`);
console.log(`peak RSS of the whole process:         ${peakRssMb.toFixed(0)} MB (target for dryrun --out: under 300 MB)`);
