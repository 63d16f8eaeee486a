// bench/completion: how long `ferry __complete` (what the shell scripts of `ferry completion`
// run on each Tab) takes on a 500-function project, against `node -e 0` on the same machine.
// Target: under 100 ms. Each figure is the median of 20 runs, after one warm-up run (the first
// run fills Node's compile cache).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ferryBin, median, requireBuiltCli } from '../lib.mjs';

requireBuiltCli('completion');
const FUNCTIONS = 500;
const RUNS = 20;
const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-completion-'));
try {
    mkdirSync(join(dir, '.nango'));
    const lines = Array.from({ length: FUNCTIONS }, (_, i) => `import './integration-${i % 25}/${i % 2 ? 'syncs' : 'actions'}/function-${i}.js';`);
    writeFileSync(join(dir, 'index.ts'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, '.env'), 'NANGO_SECRET_KEY_DEV=x\nNANGO_SECRET_KEY_STAGING=y\n');

    const time = (args) => {
        const samples = [];
        let output = '';
        for (let i = 0; i <= RUNS; i++) {
            const start = performance.now();
            const result = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
            const elapsed = performance.now() - start;
            if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
            output = result.stdout;
            if (i > 0) samples.push(elapsed);
        }
        return { ms: median(samples), min: Math.min(...samples), answers: output.split('\n').filter(Boolean).length };
    };

    const node = time(['-e', '0']);
    const cases = [
        ['commands', ['__complete', '']],
        ['dryrun flags', ['__complete', 'dryrun', '--']],
        ['function names', ['__complete', 'dryrun', '']],
        ['integration ids', ['__complete', 'deploy', '-i', '']],
        ['environments', ['__complete', 'dryrun', 'function-1', 'conn', '-e', '']]
    ];
    console.log(`node -e 0: ${node.ms.toFixed(1)} ms (median of ${RUNS}; fastest ${node.min.toFixed(1)} ms)`);
    let worst = 0;
    for (const [label, words] of cases) {
        const { ms, min, answers } = time([ferryBin, ...words]);
        worst = Math.max(worst, ms);
        console.log(`${label.padEnd(16)} ${ms.toFixed(1).padStart(6)} ms  (fastest ${min.toFixed(1)} ms; ${(ms - node.ms).toFixed(1)} ms above node -e 0; ${answers} answers, ${FUNCTIONS} functions)`);
    }
    // On a loaded machine Node's own start-up alone can pass 100 ms: the margin over it is what Ferry adds.
    console.log(`slowest: ${worst.toFixed(1)} ms (${(worst - node.ms).toFixed(1)} ms above node -e 0); target < 100 ms: ${worst < 100 ? 'met' : 'NOT met'}; load average ${loadavg()[0].toFixed(1)} on ${(await import('node:os')).availableParallelism()} cores`);
} finally {
    rmSync(dir, { recursive: true, force: true });
}
