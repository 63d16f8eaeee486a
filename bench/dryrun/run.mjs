// bench/dryrun: prints
//  (a) the time from spawning `ferry dryrun` to the first request reaching the platform's /proxy,
//      in a generated 500-function project (target < 300 ms: only the function run is built);
//  (b) the peak RSS (the CLI and the process the function runs in, summed) of a 1,000,000-record
//      sync written with --out (target < 300 MB).
// BENCH_SECRETS=n puts n secret-looking variables in the CLI's environment: every one is masked in
// what the dry run prints and writes, so (b) shows what masking costs (it should not grow with n).
// BENCH_ONLY_OUT=1 runs (b) alone.
// Uses the built CLI (npm run build first) and a tiny local fake platform; nothing leaves the machine.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, requireBuiltCli } from '../lib.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(repo, 'bin/ferry.js');
const SECRET = 'sk-bench-0123456789';
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const SECRETS = Number(process.env.BENCH_SECRETS ?? 0);
const ONLY_OUT = process.env.BENCH_ONLY_OUT === '1';
/** Named like secrets, valued like them (none occurs in the records). */
const secretVariables = Object.fromEntries(Array.from({ length: SECRETS }, (_, i) => [`BENCH_${i}_API_TOKEN`, `tok-${i}-${(i * 2654435761 % 2 ** 32).toString(36)}-QxZ${i}v9`]));

requireBuiltCli('dryrun');

/** Answers the connection lookup and /proxy; remembers when each proxied request arrived. */
async function startPlatform() {
    const arrivals = [];
    const server = createServer((req, res) => {
        const url = new URL(req.url, 'http://x');
        req.resume();
        req.on('end', () => {
            if (req.headers.authorization !== `Bearer ${SECRET}`) {
                res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"message":"bad key"}}');
                return;
            }
            if (url.pathname.startsWith('/proxy/')) {
                arrivals.push(Date.now());
                res.writeHead(200, { 'content-type': 'application/json' }).end('{"login":"octocat"}');
                return;
            }
            const match = /^\/connections\/([^/]+)$/.exec(url.pathname);
            if (match) {
                const body = { connection_id: match[1], provider_config_key: url.searchParams.get('provider_config_key'), provider: 'github', metadata: {} };
                res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
                return;
            }
            res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"no route"}}');
        });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${server.address().port}`, arrivals, close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))) };
}

const action = (i) => `import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({
    description: 'Action ${i}',
    input: z.object({ n: z.number().optional() }).optional(),
    output: z.object({ login: z.string(), i: z.number() }),
    exec: async (nango) => {
        const res = await nango.get({ endpoint: '/user' });
        return { login: res.data.login, i: ${i} };
    }
});
`;

const bigSync = `import { createSync } from 'nango';
import { z } from 'zod';
export default createSync({
    description: 'Generates records without HTTP',
    frequency: 'every day',
    models: { Row: z.object({ id: z.string(), n: z.number(), title: z.string(), tags: z.array(z.string()) }) },
    exec: async (nango) => {
        const total = ${RECORDS};
        for (let start = 0; start < total; start += 1000) {
            const batch = [];
            for (let i = start; i < Math.min(total, start + 1000); i++) batch.push({ id: 'row-' + i, n: i, title: 'Record number ' + i, tags: ['a', 'b'] });
            await nango.batchSave(batch, 'Row');
        }
    }
});
`;

async function makeProject(root, platformUrl) {
    const files = {};
    for (let i = 0; i < 500; i++) files[`int${String(i % 25).padStart(2, '0')}/actions/action-${i}.ts`] = action(i);
    files['bench/syncs/big.ts'] = bigSync;
    for (const [rel, source] of Object.entries(files)) {
        await mkdir(dirname(join(root, rel)), { recursive: true });
        await writeFile(join(root, rel), source);
    }
    await mkdir(join(root, '.nango'), { recursive: true });
    await mkdir(join(root, 'node_modules'), { recursive: true });
    await symlink(join(repo, 'node_modules/zod'), join(root, 'node_modules/zod'), 'dir');
    await writeFile(join(root, 'package.json'), '{"type":"module","private":true}');
    await writeFile(join(root, 'index.ts'), Object.keys(files).map((rel) => `import './${rel.replace(/\.ts$/, '.js')}';`).join('\n') + '\n');
    await writeFile(join(root, '.env'), `NANGO_SECRET_KEY_DEV=${SECRET}\nNANGO_HOSTPORT=${platformUrl}\n`);
}

/** A process and its descendants (Linux /proc). */
function treePids(pid) {
    let children = [];
    try {
        children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
        // The process has just exited.
    }
    return [pid, ...children.flatMap(treePids)];
}

function peakRssKb(pid) {
    try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        return hwm ? Number(hwm[1]) : 0;
    } catch {
        return 0;
    }
}

function runCli(args, cwd, { onSpawn, sampleRss } = {}) {
    return new Promise((resolve, reject) => {
        // A code cache of the bench's own: the first dry run starts without one, as on a new machine.
        const env = { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', NO_COLOR: '1', FERRY_CACHE_DIR: join(cwd, '.ferry-user-cache'), ...secretVariables };
        const started = Date.now();
        const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
        onSpawn?.(started);
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        let peakKb = 0;
        const sampler = sampleRss
            ? setInterval(() => {
                  // The CLI and the worker process the function runs in: the sum of their peaks.
                  peakKb = Math.max(peakKb, treePids(child.pid).reduce((sum, pid) => sum + peakRssKb(pid), 0));
              }, 20)
            : undefined;
        child.on('error', reject);
        child.on('close', (code) => {
            if (sampler) clearInterval(sampler);
            resolve({ code, stdout, stderr, ms: Date.now() - started, peakKb });
        });
    });
}


const root = await mkdtemp(join(tmpdir(), 'ferry-bench-dryrun-'));
const platform = await startPlatform();
try {
    await makeProject(root, platform.url);

    // (a) start -> first proxied request, 500-function project: cold (nothing compiled), then
    // after `ferry compile`, when the dry run reads the function's bundle from build/.
    const measure = async (label, tag) => {
        const firsts = [];
        const phases = {};
        for (let i = 0; i < RUNS; i++) {
            let started = 0;
            const before = platform.arrivals.length;
            const result = await runCli(['dryrun', `action-${(i * 37) % 500}`, `conn-${tag}-${i}`, '--json', '--debug'], root, { onSpawn: (t) => (started = t) });
            if (result.code !== 0 || platform.arrivals.length === before) {
                console.error(`dryrun failed (exit ${result.code}):\n${result.stderr}\n${result.stdout.slice(0, 2000)}`);
                process.exit(1);
            }
            firsts.push(platform.arrivals[before] - started);
            // --debug prints "[dryrun] <phase> at <ms>" counted from the process start.
            for (const match of result.stderr.matchAll(/\[dryrun\] (.*?)(?: \(.*\))? at (\d+) ms/g)) {
                const phase = match[1].replace(/^\S+\.ts picked, settings resolved$/, 'function picked, settings resolved');
                (phases[phase] ??= []).push(Number(match[2]));
            }
        }
        console.log(`500-function project, ${label}: start -> first proxied request: median ${median(firsts)} ms, min ${Math.min(...firsts)} ms, max ${Math.max(...firsts)} ms over ${RUNS} runs (target < 300 ms)`);
        console.log(`  runs: ${firsts.join(', ')} ms${tag === 'cold' ? ' (the first with no code cache for zod yet, as on a new machine or after an upgrade)' : ''}`);
        console.log(`  phases (median ms since the CLI process started, from --debug): ${Object.entries(phases).map(([phase, values]) => `${phase} ${median(values)}`).join(', ')}`);
    };
    // What merely starting the CLI costs right now: on a shared, loaded machine every figure grows, this one too.
    const baselines = [];
    for (let i = 0; i < 3; i++) baselines.push((await runCli(['--version'], root)).ms);
    console.log(`for scale, \`ferry --version\` takes ${median(baselines)} ms on this machine now`);
    if (!ONLY_OUT) {
        await measure('nothing compiled (bundles the one function)', 'cold');
        const compile = await runCli(['compile', '--no-typecheck'], root);
        if (compile.code !== 0) {
            console.error(`compile failed (exit ${compile.code}):\n${compile.stderr}`);
            process.exit(1);
        }
        console.log(`(ferry compile --no-typecheck of the 501 functions: ${(compile.ms / 1000).toFixed(1)} s)`);
        await measure('after ferry compile (bundle read from build/)', 'compiled');
    }

    // (b) 1,000,000 records streamed with --out.
    const out = join(root, 'big.jsonl');
    const big = await runCli(['dryrun', 'big', 'conn-big', '--out', out, '--json'], root, { sampleRss: true });
    if (big.code !== 0) {
        console.error(`big sync failed (exit ${big.code}):\n${big.stderr}\n${big.stdout.slice(0, 2000)}`);
        process.exit(1);
    }
    const doc = JSON.parse(big.stdout);
    const size = (await stat(out)).size;
    console.log(
        `${RECORDS.toLocaleString('en-US')}-record sync with --out: peak RSS ${(big.peakKb / 1024).toFixed(0)} MB (target < 300 MB), ` +
            `${(big.ms / 1000).toFixed(1)} s wall, ${doc.out?.records?.toLocaleString('en-US')} lines, ${(size / 1e6).toFixed(0)} MB written` +
            (SECRETS > 0 ? `, ${SECRETS} secret-looking variables masked` : '')
    );
} finally {
    await platform.close();
    await rm(root, { recursive: true, force: true });
}
