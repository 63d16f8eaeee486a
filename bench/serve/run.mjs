// ferry serve, start to ready: from spawning the CLI to its `ready` line (the port bound, the
// database open and migrated). A first start creates the PGlite database in a new data folder; a
// warm start reopens it. Target: < 1.5 s warm with PGlite. BENCH_RUNS=n (default 5). A new data folder
// after the first one ever is made from a cached fresh database (see src/serve/storage.ts).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ferryBin, median, requireBuiltCli } from '../lib.mjs';

requireBuiltCli('serve');
const runs = Number(process.env.BENCH_RUNS ?? 5);

function startToReady(dataDir) {
    return new Promise((resolve, reject) => {
        const started = performance.now();
        const child = spawn(process.execPath, [ferryBin, 'serve', '--port', '0', '--json', '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } });
        let out = '';
        let ready = false;
        child.stdout.setEncoding('utf8').on('data', (chunk) => {
            out += chunk;
            if (!ready && out.includes('"event":"ready"')) {
                ready = true;
                const ms = performance.now() - started;
                child.once('exit', (code) => (code === 0 ? resolve(ms) : reject(new Error(`exit ${code}`))));
                child.kill('SIGTERM');
            }
        });
        child.once('error', reject);
        child.once('exit', (code) => {
            if (!out.includes('"event":"ready"')) reject(new Error(`serve exited ${code} before ready`));
        });
    });
}

const root = mkdtempSync(join(tmpdir(), 'ferry-bench-serve-'));
try {
    const first = [];
    const warm = [];
    for (let i = 0; i < runs; i++) {
        const dataDir = join(root, `data-${i}`);
        first.push(await startToReady(dataDir));
        warm.push(await startToReady(dataDir));
    }
    // A busy machine slows everything alike: a bare Node start, measured alongside, says how busy.
    const bare = [];
    for (let i = 0; i < runs; i++) {
        const started = performance.now();
        spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
        bare.push(performance.now() - started);
    }
    const fmt = (values) => `median ${median(values).toFixed(0)} ms (min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)})`;
    console.log(`serve start to ready, PGlite, new data folder: ${fmt(first)}`);
    console.log(`serve start to ready, PGlite, existing data:   ${fmt(warm)}  (target < 1500 ms)`);
    console.log(`bare node -e 0 on this machine now:             ${fmt(bare)}  (how busy the machine is)`);
} finally {
    rmSync(root, { recursive: true, force: true });
}

// Then the scale figures: syncs of 100,000 and 1,000,000 records, paging, memory, 50 actions.
if (process.env.BENCH_SERVE_SCALE !== 'off') await import('./syncs.mjs');
