// bench/mcp: tool-call latency of `ferry mcp`, as an agent sees it (the SDK's client over stdio,
// against the built CLI): compile of a small project with nothing changed, and test of a few
// fixtures, each beside the same command run from the shell. Target: a tool call under 300 ms.
// Also shown, without a target: a compile after an edit (the type-check runs again).
// The project is `ferry init`'s example (3 functions) with three more actions and their fixtures
// (5 fixtures in all). RUNS=<n> changes the number of calls measured (default 15).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ferryBin, median, requireBuiltCli } from '../lib.mjs';

requireBuiltCli('mcp');
const RUNS = Number(process.env.RUNS ?? 15);
const TARGET_MS = 300;
const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-mcp-'));
const root = join(dir, 'demo');
const env = { ...process.env, NO_COLOR: '1', CI: 'true' };

try {
    const init = spawnSync(process.execPath, [ferryBin, 'init', 'demo', '--no-install'], { cwd: dir, env, encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`ferry init failed: ${init.stderr}`);
    const index = join(root, 'index.ts');
    for (const n of [2, 3, 4]) {
        // Endpoints are unique per integration: each copy gets its own.
        const source = readFileSync(join(root, 'github/actions/create-issue.ts'), 'utf8').replace("path: '/issues'", `path: '/issues-${n}'`);
        writeFileSync(join(root, `github/actions/create-issue-${n}.ts`), source);
        copyFileSync(join(root, 'github/tests/create-issue.test.json'), join(root, `github/tests/create-issue-${n}.test.json`));
        writeFileSync(index, `${readFileSync(index, 'utf8')}import './github/actions/create-issue-${n}.js';\n`);
    }

    const transport = new StdioClientTransport({ command: process.execPath, args: [ferryBin, 'mcp'], cwd: root, env, stderr: 'ignore' });
    const client = new Client({ name: 'bench', version: '0' });
    const connectStarted = performance.now();
    await client.connect(transport);
    const connectMs = performance.now() - connectStarted;

    const call = async (name, args = {}) => {
        const started = performance.now();
        const result = await client.callTool({ name, arguments: args });
        const ms = performance.now() - started;
        if (result.isError) throw new Error(`${name}: ${JSON.stringify(result.structuredContent ?? result.content)}`);
        return { ms, result: result.structuredContent };
    };
    // The first calls pay for loading the modules, the first type-check and the sandboxes.
    const first = { compile: (await call('compile')).ms, test: (await call('test')).ms };
    const series = async (name) => {
        const times = [];
        for (let i = 0; i < RUNS; i++) times.push((await call(name)).ms);
        return times;
    };
    const compileTimes = await series('compile');
    // One function edited before each call: its bundle and the type-check run again.
    const edited = join(root, 'github/actions/create-issue-2.ts');
    const original = readFileSync(edited, 'utf8');
    const editTimes = [];
    for (let i = 0; i < 5; i++) {
        writeFileSync(edited, original.replace(/description: '([^']*)'/, `description: '$1 (edit ${i})'`));
        editTimes.push((await call('compile')).ms);
    }
    writeFileSync(edited, original);
    await call('compile');
    const testTimes = await series('test');
    const fixtures = (await call('test')).result.tests.length;
    await client.close();

    const shell = (args) => {
        const times = [];
        for (let i = 0; i < 5; i++) {
            const started = performance.now();
            const run = spawnSync(process.execPath, [ferryBin, ...args], { cwd: root, env, encoding: 'utf8' });
            times.push(performance.now() - started);
            if (run.status !== 0) throw new Error(`ferry ${args.join(' ')} failed: ${run.stderr}`);
        }
        return median(times);
    };
    const rows = [
        ['connect (spawn + initialize)', connectMs, undefined],
        ['compile, first call', first.compile, undefined],
        [`compile, median of ${RUNS} (nothing changed)`, median(compileTimes), shell(['compile', '--json'])],
        ['compile after editing one function, median of 5', median(editTimes), undefined],
        [`test ${fixtures} fixtures, first call`, first.test, undefined],
        [`test ${fixtures} fixtures, median of ${RUNS}`, median(testTimes), shell(['test', '--json'])]
    ];
    console.log(`${'what'.padEnd(50)} ${'tool call'.padStart(10)} ${'command'.padStart(10)}  target`);
    for (const [what, ms, command] of rows) {
        const target = what.includes('median') && !what.includes('editing') ? `${ms < TARGET_MS ? 'ok' : 'OVER'} (< ${TARGET_MS} ms)` : '';
        console.log(`${what.padEnd(50)} ${`${Math.round(ms)} ms`.padStart(10)} ${command === undefined ? ''.padStart(10) : `${Math.round(command)} ms`.padStart(10)}  ${target}`);
    }
} finally {
    rmSync(dir, { recursive: true, force: true });
}
