// bench/compile: wall time and peak RSS of `ferry compile` on synthetic projects of 50, 500, 2,000
// and 3,000 functions (laid out like real Nango projects: their own zod 4.3.6 and @types/node, see
// generate.mjs), cold and warm, with and without the type-check; then, when the pinned nango is
// at hand, `nango compile` and `ferry compile` side by side on the same 300-function project.
// Peak RSS is the largest SUM of resident memory over the CLI and its children (tsc, esbuild) as
// sampled from /proc every 20 ms: the type-check runs beside bundling, so the sum is what counts.
// Usage: node bench/compile/run.mjs [sizes...]   (default 50 500 2000 3000; needs `npm run build`)
// The side-by-side uses nango 0.71.10 from BENCH_NANGO=<folder of an installed nango package>, or
// installs it into a cache folder with BENCH_NANGO=install (the only time the bench downloads
// anything), or finds it as Ferry's own `nango-reference` devDependency when that is installed.
// BENCH_NANGO=off skips it; BENCH_NANGO_SIZE changes its size (default 300).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
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
    2000: { 'cold, type-check': { ms: 20000, mb: 1536 }, 'warm, no change': { ms: 1000 } },
    // Several thousand functions with their own zod and @types/node: under 60 s and 2.6 GB (goal 30 s, 1.5 GB).
    3000: { 'cold, type-check': { ms: 60000, mb: 2662 }, 'warm, no change': { ms: 1500 } }
};
/** `ferry compile` against `nango compile` on the same project, both cold and type-checked. */
const NANGO_TARGET = { times: 5, goal: 10 };
const NANGO_VERSION = '0.71.10';

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

/** Runs `command` in `cwd`, sampling the peak RSS of its process tree; resolves with its output. */
function measure(command, cwd, env = {}) {
    return new Promise((resolve, reject) => {
        const started = performance.now();
        const [file, ...rest] = TIME ? [TIME, '-f', '%U %S', '-o', cpuFile, ...command] : command;
        const child = spawn(file, rest, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true', ...env } });
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
            if (code !== 0) return reject(new Error(`${command.slice(1).join(' ')} exited ${code}\n${stderr.slice(-4000)}\n${stdout.slice(-4000)}`));
            const cpu = TIME ? readFileSync(cpuFile, 'utf8').trim().split(/\s+/).slice(-2).map(Number).reduce((a, b) => a + b, 0) : undefined;
            resolve({ ms, peak, cpu, stdout });
        });
    });
}

async function compile(cwd, args) {
    const r = await measure([process.execPath, ferry, 'compile', '--json', ...args], cwd);
    const result = JSON.parse(r.stdout);
    return { ...r, built: result.functions.filter((f) => !f.cached).length, typecheck: result.typecheck };
}

const fmtMs = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`);
const fmtMb = (bytes) => (bytes > 0 ? `${Math.round(bytes / 1048576)} MB` : 'n/a');

console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} CPUs, load ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('size  scenario                        wall       cpu        peak RSS   built  type-check   target');
for (const size of sizes.length > 0 ? sizes : [50, 500, 2000, 3000]) {
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
    // Cold: no bundles and no compile state (build/ is a link into .ferry/, which holds both).
    const clean = () => ['build', '.ferry'].forEach((name) => rmSync(join(dir, name), { recursive: true, force: true }));
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

/** The folder of an installed nango package to compare with, or why there is none. */
function nangoPackage() {
    const wanted = process.env.BENCH_NANGO;
    if (wanted === 'off') return { skipped: 'BENCH_NANGO=off' };
    if (wanted && wanted !== 'install') return existsSync(join(wanted, 'dist/index.js')) ? { dir: wanted } : { skipped: `BENCH_NANGO=${wanted} holds no nango package` };
    const reference = join(here, '../../node_modules/nango-reference');
    if (!wanted && existsSync(join(reference, 'dist/index.js'))) return { dir: reference };
    if (!wanted) return { skipped: `no nango ${NANGO_VERSION} here; set BENCH_NANGO=install (downloads it into a cache folder) or BENCH_NANGO=<folder of a nango package>` };
    const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ferry-bench', `nango-${NANGO_VERSION}`);
    const dir = join(cache, 'node_modules/nango');
    if (!existsSync(join(dir, 'dist/index.js'))) {
        mkdirSync(cache, { recursive: true });
        console.log(`installing nango@${NANGO_VERSION} into ${cache}`);
        execFileSync('npm', ['install', '--prefix', cache, '--no-audit', '--no-fund', '--loglevel=error', `nango@${NANGO_VERSION}`], { stdio: 'inherit' });
    }
    return { dir };
}

const nango = nangoPackage();
if (nango.skipped) {
    console.log(`nango side by side: skipped (${nango.skipped})`);
} else {
    const version = JSON.parse(readFileSync(join(nango.dir, 'package.json'), 'utf8')).version;
    const size = Number(process.env.BENCH_NANGO_SIZE ?? 300);
    const dir = join(work, `nango-${size}`);
    // The same project for both, with the nango package installed as a real project has it.
    generateProject(dir, size, { nango: nango.dir });
    const clean = () => {
        rmSync(join(dir, 'build'), { recursive: true, force: true });
        rmSync(join(dir, '.ferry'), { recursive: true, force: true });
        rmSync(join(dir, '.nango/nango.json'), { force: true });
    };
    clean();
    const theirs = await measure([process.execPath, join(nango.dir, 'dist/index.js'), 'compile'], dir, { NO_COLOR: '1' });
    clean();
    const ours = await compile(dir, []);
    const ratio = theirs.ms / ours.ms;
    const line = (name, r) => `${name.padEnd(22)} ${fmtMs(r.ms).padEnd(10)} ${(r.cpu === undefined ? 'n/a' : `${r.cpu.toFixed(2)} s`).padEnd(10)} ${fmtMb(r.peak)}`;
    console.log(`\n${size} functions, cold, type-checked    wall       cpu        peak RSS`);
    console.log(line(`nango ${version}`, theirs));
    console.log(line('ferry', ours));
    console.log(`ferry is ${ratio.toFixed(1)}x faster (${ratio >= NANGO_TARGET.times ? 'ok' : 'MISS'} >= ${NANGO_TARGET.times}x, goal ${NANGO_TARGET.goal}x)`);
}
rmSync(work, { recursive: true, force: true });
