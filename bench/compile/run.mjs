// bench/compile: wall time and peak RSS of `ferry compile` on synthetic projects of 50, 500 and
// 2,000 functions, cold and warm, with and without the type-check.
// Peak RSS is the largest SUM of resident memory over the CLI and its children (tsc, esbuild) as
// sampled from /proc every 20 ms: the type-check runs beside bundling, so the sum is what counts.
// Usage: node bench/compile/run.mjs [sizes...]   (default 50 500 2000; needs `npm run build`)
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateProject } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ferry = join(here, '../../bin/ferry.js');
const work = join(here, '.bench-tmp');
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const TARGETS = {
    50: {},
    500: { 'cold, type-check': { ms: 5000, mb: 1024 }, 'warm, no change': { ms: 1000 } },
    2000: { 'cold, type-check': { ms: 20000, mb: 1536 }, 'warm, no change': { ms: 1000 } }
};

function readRss(pid) {
    try {
        const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        return match ? Number(match[1]) * 1024 : 0;
    } catch {
        return 0;
    }
}

function parentOf(pid) {
    try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
        return -1;
    }
}

/** Resident memory of `root` and every descendant, right now. */
function treeRss(root) {
    const children = new Map();
    for (const name of readdirSync('/proc')) {
        if (!/^\d+$/.test(name)) continue;
        const pid = Number(name);
        const ppid = parentOf(pid);
        if (!children.has(ppid)) children.set(ppid, []);
        children.get(ppid).push(pid);
    }
    let total = 0;
    const stack = [root];
    while (stack.length > 0) {
        const pid = stack.pop();
        total += readRss(pid);
        stack.push(...(children.get(pid) ?? []));
    }
    return total;
}

// CPU seconds (user + system, the CLI and every child it waited for) say more than wall time
// on a shared machine: GNU time reports them when it is installed.
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const cpuFile = join(work, 'cpu.txt');

function compile(cwd, args) {
    return new Promise((resolve, reject) => {
        const started = performance.now();
        const command = [process.execPath, ferry, 'compile', '--json', ...args];
        const [file, ...rest] = TIME ? [TIME, '-f', '%U %S', '-o', cpuFile, ...command] : command;
        const child = spawn(file, rest, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        let peak = 0;
        const sample = () => (peak = Math.max(peak, treeRss(child.pid)));
        const timer = existsSync('/proc/self/status') ? setInterval(sample, 20) : undefined;
        child.on('error', reject);
        child.on('close', (code) => {
            clearInterval(timer);
            const ms = performance.now() - started;
            if (code !== 0) return reject(new Error(`ferry compile ${args.join(' ')} exited ${code}\n${stderr}\n${stdout.slice(0, 2000)}`));
            const result = JSON.parse(stdout);
            const cpu = TIME ? readFileSync(cpuFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number).reduce((a, b) => a + b, 0) : undefined;
            resolve({ ms, peak, cpu, built: result.functions.filter((f) => !f.cached).length, typecheck: result.typecheck });
        });
    });
}

const fmtMs = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`);
const fmtMb = (bytes) => (bytes > 0 ? `${Math.round(bytes / 1048576)} MB` : 'n/a');

console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} CPUs, load ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('size  scenario                        wall       cpu        peak RSS   built  type-check   target');
for (const size of sizes.length > 0 ? sizes : [50, 500, 2000]) {
    const dir = join(work, `project-${size}`);
    generateProject(dir, size);
    const run = async (scenario, args, prepare) => {
        prepare?.();
        const r = await compile(dir, args);
        const target = TARGETS[size]?.[scenario];
        const verdict = target
            ? `${target.ms ? (r.ms <= target.ms ? 'ok' : 'MISS') + ` <${fmtMs(target.ms)}` : ''}${target.mb ? ` ${r.peak <= target.mb * 1048576 ? 'ok' : 'MISS'} <${target.mb} MB` : ''}`
            : '';
        const tc = r.typecheck.ran ? fmtMs(r.typecheck.durationMs) : r.typecheck.cached ? 'unchanged' : 'skipped';
        console.log(
            `${String(size).padEnd(5)} ${scenario.padEnd(31)} ${fmtMs(r.ms).padEnd(10)} ${(r.cpu === undefined ? 'n/a' : `${r.cpu.toFixed(2)} s`).padEnd(10)} ${fmtMb(r.peak).padEnd(10)} ${String(r.built).padEnd(6)} ${tc.padEnd(12)} ${verdict}`
        );
    };
    const clean = () => rmSync(join(dir, 'build'), { recursive: true, force: true });
    await run('cold, no type-check', ['--no-typecheck'], clean);
    await run('warm, no type-check', ['--no-typecheck']);
    await run('cold, type-check', [], clean);
    await run('warm, no change', []);
    // One helper shared by every function of an integration: its functions rebuild, tsc rechecks.
    await run('warm, one shared helper edited', [], () => {
        const helper = join(dir, 'service-0/helpers/mappers.ts');
        const text = readFileSync(helper, 'utf8');
        writeFileSync(helper, text.includes('// edited') ? text.replace('// edited\n', '') : `${text}// edited\n`);
    });
}
rmSync(work, { recursive: true, force: true });
