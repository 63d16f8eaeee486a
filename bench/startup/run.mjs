// Startup time: median wall time of `ferry --version` and `ferry --help` against a bare
// `node -e 0`, 20 runs each (after one warm-up), and their ratios. Target: under 1.5x bare node.
// Uses the built CLI (run `npm run build` first).
import { spawnSync } from 'node:child_process';
import { ferryBin, median, requireBuiltCli } from '../lib.mjs';

requireBuiltCli('startup');
const bin = ferryBin;
const RUNS = Number(process.env.BENCH_RUNS ?? 20);


function once(args, env) {
    const start = process.hrtime.bigint();
    const run = spawnSync(process.execPath, args, { env, stdio: 'ignore' });
    if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}`);
    return Number(process.hrtime.bigint() - start) / 1e6;
}

// The three commands take turns, run after run, so a machine that gets busier or quieter
// during the bench weighs on each of them alike.
const commands = { bare: ['-e', '0'], version: [bin, '--version'], help: [bin, '--help'] };
const env = { ...process.env, NO_COLOR: '1' };
const samples = { bare: [], version: [], help: [] };
for (const args of Object.values(commands)) once(args, env);
for (let i = 0; i < RUNS; i++) {
    for (const [name, args] of Object.entries(commands)) samples[name].push(once(args, env));
}
const bare = median(samples.bare);
const rows = [
    { flag: '--version', ferry: median(samples.version) },
    { flag: '--help', ferry: median(samples.help) }
].map((row) => ({ ...row, bare, ratio: row.ferry / bare }));

console.log(`node ${process.version}, ${RUNS} runs each, median wall time`);
for (const { flag, bare, ferry, ratio } of rows) {
    const verdict = ratio < 1.5 ? 'ok' : 'over the 1.5x target';
    console.log(`ferry ${flag.padEnd(9)} ${ferry.toFixed(1).padStart(7)} ms   node -e 0 ${bare.toFixed(1).padStart(7)} ms   ratio ${ratio.toFixed(2)}x (${verdict})`);
}
