// ferry dev at scale: save-to-rebuilt-bundle latency over 30 edits of different function files
// in a 500-function project (p50, p95; targets < 100 ms and < 250 ms), and save-to-type-errors time.
// The project is bench/compile's generator (shared helpers, zod models, pagination loops).
// Usage: node bench/dev/run.mjs [functionCount=500] [edits=30] [--keep] [--no-typecheck]
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { generateProject } from '../compile/generate.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const numbers = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const count = Number(numbers[0] ?? 500);
const editCount = Number(numbers[1] ?? 30);
const typecheck = !process.argv.includes('--no-typecheck');
const dir = join(repo, 'bench/dev/.bench-tmp/project');
const files = generateProject(dir, count);

const child = spawn(process.execPath, [join(repo, 'bin/ferry.js'), 'dev', '--json', ...(typecheck ? [] : ['--no-typecheck'])], { cwd: dir, env: { ...process.env, NO_COLOR: '1', CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
let stderr = '';
child.stderr.on('data', (d) => (stderr += d));
const waiters = [];
const events = [];
createInterface({ input: child.stdout }).on('line', (line) => {
    let event;
    try {
        event = JSON.parse(line);
    } catch {
        return;
    }
    event.at = performance.now();
    events.push(event);
    for (const w of [...waiters]) {
        if (w.match(event)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(event);
        }
    }
});
child.on('exit', (code) => {
    for (const w of waiters) w.reject(new Error(`ferry dev exited (${code}): ${stderr}`));
});

function waitFor(match, timeoutMs = 60_000) {
    const seen = events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
        const w = { match, resolve, reject };
        waiters.push(w);
        setTimeout(() => {
            if (waiters.includes(w)) {
                waiters.splice(waiters.indexOf(w), 1);
                reject(new Error(`timed out waiting for an event; stderr: ${stderr}`));
            }
        }, timeoutMs).unref();
    });
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (values, p) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

const t0 = performance.now();
const ready = await waitFor((e) => e.event === 'ready', 120_000);
console.log(`ferry dev: ${count} functions ready in ${Math.round(ready.at - t0)} ms (ok: ${ready.ok})`);
if (typecheck) {
    const firstCheck = await waitFor((e) => e.event === 'typecheck', 120_000);
    console.log(`first type-check: ${firstCheck.ok ? 'clean' : `${firstCheck.errors.length} errors`} in ${Math.round(firstCheck.durationMs)} ms`);
} else await sleep(500);

const idOf = (rel) => rel.replace(/\.ts$/, '').split('/').join('_');
const step = Math.max(1, Math.floor(files.length / editCount));
const latencies = [];
const mtimeLatencies = [];
const execLatencies = [];
const manifestLatencies = [];
for (let k = 0; k < editCount; k++) {
    const rel = files[(k * step + 7) % files.length];
    const path = join(dir, rel);
    // Most saves change code inside exec; every other one here changes the description, which
    // changes the manifest too (more work: the manifest of 500 functions is megabytes).
    const kind = k % 2 === 0 ? 'exec' : 'manifest';
    const before = readFileSync(path, 'utf8');
    const source =
        kind === 'exec'
            ? before.replace(/'\/v1\/(e\d+\/)?/, `'/v1/e${k}/`)
            : before.replace(/description: '([^']*)'/, (_, d) => `description: '${d.replace(/ \(edit \d+\)$/, '')} (edit ${k})'`);
    if (source === before) throw new Error(`edit ${k} changed nothing in ${rel}`);
    const bundle = join(dir, 'build', `${idOf(rel)}.cjs`);
    const mark = events.length;
    const saved = performance.now();
    const savedWall = Date.now();
    writeFileSync(path, source);
    const rebuilt = await waitFor((e) => events.indexOf(e) >= mark && e.event === 'rebuild' && e.functions.some((f) => f.bundlePath === bundle));
    latencies.push(rebuilt.at - saved);
    mtimeLatencies.push(statSync(bundle).mtimeMs - savedWall);
    (kind === 'exec' ? execLatencies : manifestLatencies).push(rebuilt.at - saved);
    // A pause like a developer's between saves, so each edit is its own rebuild.
    await sleep(150);
}
console.log(`save -> rebuild event (${editCount} edits): p50 ${pct(latencies, 50).toFixed(0)} ms, p95 ${pct(latencies, 95).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms (targets: p50 < 100, p95 < 250)`);
console.log(`save -> bundle written (mtime):      p50 ${pct(mtimeLatencies, 50).toFixed(0)} ms, p95 ${pct(mtimeLatencies, 95).toFixed(0)} ms`);
console.log(`  edits inside exec (manifest unchanged): p50 ${pct(execLatencies, 50).toFixed(0)} ms, p95 ${pct(execLatencies, 95).toFixed(0)} ms`);
console.log(`  edits of the description (manifest rewritten): p50 ${pct(manifestLatencies, 50).toFixed(0)} ms, p95 ${pct(manifestLatencies, 95).toFixed(0)} ms`);

if (typecheck) {
    // A type error: time from the save to the type-check event that reports it.
    const target = files[3];
    const original = readFileSync(join(dir, target), 'utf8');
    const mark = events.length;
    const saved = performance.now();
    writeFileSync(join(dir, target), `${original}\nexport const broken: number = 'not a number';\n`);
    const reported = await waitFor((e) => events.indexOf(e) >= mark && e.event === 'typecheck' && e.errors.some((d) => d.file?.endsWith(target)), 120_000);
    console.log(`save -> type error shown: ${Math.round(reported.at - saved)} ms (that run took ${Math.round(reported.durationMs)} ms)`);
    const fixMark = events.length;
    const fixed = performance.now();
    writeFileSync(join(dir, target), original);
    const clean = await waitFor((e) => events.indexOf(e) >= fixMark && e.event === 'typecheck' && e.ok, 120_000);
    console.log(`save -> type-check clean again: ${Math.round(clean.at - fixed)} ms`);
}

child.kill('SIGTERM');
const code = await new Promise((r) => child.on('exit', (c) => r(c)));
console.log(`SIGTERM -> exit ${code}`);
if (!process.argv.includes('--keep')) rmSync(join(repo, 'bench/dev/.bench-tmp'), { recursive: true, force: true });
