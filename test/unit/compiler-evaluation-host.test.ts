/**
 * Definitions are read in the evaluation worker, never in the CLI's thread: each attempt a hostile
 * function file made on compile's process (reaching `process` through zod, ending the process,
 * spinning promise jobs, running out of memory, allocating 4 GB of binary data) stays inside the
 * worker and costs only that file an EVALUATION_ERROR; the files after it are read as usual.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { DefinitionAnalysis } from '../../src/compiler/analyze-definition.js';
import { createDefinitionEvaluator, type EvaluationItem } from '../../src/compiler/evaluation-host.js';
import type { FunctionRef } from '../../src/project/types.js';

const ROOT = '/tmp/ferry-evaluation-host-project';

function item(name: string, topLevel: string, description = `'${name}'`): EvaluationItem {
    const ref: FunctionRef = {
        integration: 'demo',
        folder: 'actions',
        type: 'action',
        name,
        file: `${ROOT}/demo/actions/${name}.ts`,
        relPath: `demo/actions/${name}.ts`,
        id: `demo_actions_${name}`,
        indexLine: 1
    };
    const code = `const z = require('zod');
${topLevel}
module.exports.default = { type: 'action', description: ${description}, input: z.object({ a: z.string() }), output: z.object({ b: z.number() }), exec: async () => ({ b: 1 }) };`;
    return { ref, code, filename: `${ROOT}/build/${ref.id}.cjs` };
}

const good = (name: string): EvaluationItem => item(name, '');

function expectSummary(analysis: DefinitionAnalysis | undefined, name: string): void {
    expect(analysis?.diagnostics).toEqual([]);
    expect(analysis?.summary?.name).toBe(name);
    expect(analysis?.summary?.entry).toMatchObject({ type: 'action', json_schema: { definitions: { [`ActionInput_demo_${name}`]: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } } } });
}

function expectEvaluationError(analysis: DefinitionAnalysis | undefined, pattern: RegExp): string {
    expect(analysis?.summary).toBeUndefined();
    expect(analysis?.diagnostics).toHaveLength(1);
    const diagnostic = analysis!.diagnostics[0]!;
    expect(diagnostic.code).toBe('EVALUATION_ERROR');
    expect(diagnostic.message).toMatch(pattern);
    expect(diagnostic.message).not.toContain('\n');
    return diagnostic.message;
}

describe('the definition evaluator', () => {
    const evaluator = createDefinitionEvaluator({ timeoutMs: 500, maxHeapMb: 96 });
    afterAll(() => evaluator.close());

    it('reads definitions into summaries, many per call, in order', async () => {
        const results = await evaluator.analyze([good('one'), good('two'), good('three')]);
        ['one', 'two', 'three'].forEach((name, i) => expectSummary(results[i], name));
    });

    it("gives zod's constructor trick a process with no environment, files, processes or network", async () => {
        const probe = item(
            'probe',
            `const proc = z.object.constructor('return process')();
const found = { env: Object.keys(proc.env), cwd: typeof proc.cwd };
for (const name of ['getBuiltinModule', 'binding', 'dlopen', 'loadEnvFile', 'kill', '_rawDebug']) found[name] = typeof proc[name];
found.fetch = z.object.constructor('return typeof fetch')();
found.require = z.object.constructor('return typeof require')();`,
            'JSON.stringify(found)'
        );
        const [result] = await evaluator.analyze([probe]);
        expect(result?.diagnostics).toEqual([]);
        const found = JSON.parse(result!.summary!.entry.description) as Record<string, unknown>;
        expect(found).toMatchObject({ env: [], getBuiltinModule: 'undefined', binding: 'undefined', dlopen: 'undefined', loadEnvFile: 'undefined', kill: 'undefined', fetch: 'undefined', require: 'undefined' });
    });

    it('reports a top-level process.exit as the file\'s EVALUATION_ERROR and reads the next file', async () => {
        const results = await evaluator.analyze([item('quits', 'process.exit(0);'), item('quitsviazod', "z.object.constructor('return process')().exit(0);"), good('afterexit')]);
        expectEvaluationError(results[0], /^the function file threw while loading: ReferenceError: process is not defined/);
        expectEvaluationError(results[1], /called process\.exit\(0\); a function file must never end the process/);
        expectSummary(results[2], 'afterexit');
    });

    it('stops an async loop at the top level and reads the next file', async () => {
        const results = await evaluator.analyze([item('spins', 'async function f() { for (;;) await null; } f();'), good('afterspin')]);
        expectEvaluationError(results[0], /^its top-level code did not finish within 0\.5 s and was stopped/);
        expectSummary(results[1], 'afterspin');
    });

    it("stops promise jobs spun in the worker's own queue (outside the context) and reads the next file", async () => {
        const spin = item('outerspin', "z.object.constructor('(function f() { Promise.resolve().then(f); })()')();");
        const results = await evaluator.analyze([good('beforeouter'), spin, good('afterouter')]);
        expectSummary(results[0], 'beforeouter');
        expectEvaluationError(results[1], /^its top-level code did not finish within .* and was stopped/);
        expectSummary(results[2], 'afterouter');
    });

    it('stops a promise chain that eats the heap, blames only its file, and reads the next one', async () => {
        const chain = item('chain', '(function f() { Promise.resolve().then(f); Promise.resolve().then(f); })();');
        const results = await evaluator.analyze([good('beforechain'), chain, good('afterchain')]);
        expectSummary(results[0], 'beforechain');
        // Whichever limit it meets first: the heap (96 MB here) or the time (0.5 s).
        expectEvaluationError(results[1], /^its top-level code (ran out of memory \(the limit is 96 MB\)|did not finish within 0\.5 s)/);
        expectSummary(results[2], 'afterchain');
    });

    it('blames running out of memory on the file that did, after reading it again alone in a fresh worker', async () => {
        // Time enough for the chain to reach the heap limit first.
        const small = createDefinitionEvaluator({ timeoutMs: 30_000, maxHeapMb: 48 });
        try {
            const chain = item('oom', '(function f() { Promise.resolve().then(f); Promise.resolve().then(f); })();');
            const results = await small.analyze([good('beforeoom'), chain, good('afteroom')]);
            expectSummary(results[0], 'beforeoom');
            expectEvaluationError(results[1], /^its top-level code ran out of memory \(the limit is 48 MB\) and was stopped\. /);
            expectSummary(results[2], 'afteroom');
            // The first worker read beforeoom, so the file was read again alone before it was blamed; a third worker read on.
            expect(small.workersStarted).toBe(3);
        } finally {
            await small.close();
        }
    });

    it('refuses binary data past the limit (4 GB at once, or copies that add up), however it is asked for', async () => {
        const attempts = {
            typed: 'new Uint8Array(4 * 1024 ** 3);',
            arrayBuffer: 'new ArrayBuffer(4 * 1024 ** 3);',
            buffer: 'Buffer.alloc(4 * 1024 ** 3);',
            workerRealm: "new (z.object.constructor('return Uint8Array')())(4 * 1024 ** 3);",
            viaPrototype: 'new (Object.getPrototypeOf(Buffer.prototype).constructor)(4 * 1024 ** 3);',
            wasm: 'new WebAssembly.Memory({ initial: 65536 });',
            // 1 GB a piece: each copy of what the file already holds counts again.
            clones: 'const big = new Uint8Array(64 * 1024 * 1024); const copies = []; for (let i = 0; i < 64; i++) copies.push(structuredClone(big));',
            blob: "const part = new Uint8Array(64 * 1024 * 1024); new (z.object.constructor('return Blob')())(new Array(64).fill(part));",
            encode: "new TextEncoder().encode('x'.repeat(64 * 1024 * 1024));"
        };
        const results = await evaluator.analyze([...Object.entries(attempts).map(([name, code]) => item(name, code)), good('afteralloc')]);
        Object.keys(attempts).forEach((name, i) => expectEvaluationError(results[i], new RegExp(`^the function file threw while loading: RangeError: out of memory: \\d+ MB of binary data`)));
        expectSummary(results.at(-1), 'afteralloc');
    });

    it('lets a file use binary data within the limit, again and again', async () => {
        // 192 MB in all, never more than 16 MB at once, under a 96 MB limit (with time for the collections).
        const roomy = createDefinitionEvaluator({ timeoutMs: 10_000, maxHeapMb: 96 });
        try {
            const [result] = await roomy.analyze([item('churn', 'for (let i = 0; i < 12; i++) new Uint8Array(16 * 1024 * 1024);')]);
            expectSummary(result, 'churn');
        } finally {
            await roomy.close();
        }
    });

    it('never runs a timer set at the top level, so its callback cannot hang a later file', async () => {
        const results = await evaluator.analyze([item('timer', 'setTimeout(() => { for (;;) {} }, 0); setImmediate(() => { for (;;) {} });'), good('aftertimer')]);
        expectSummary(results[0], 'timer');
        expectSummary(results[1], 'aftertimer');
    });

    it("keeps one worker for ordinary files, and reads the next file in a fresh one when a file changed the worker's own builtins", async () => {
        const fresh = createDefinitionEvaluator({ timeoutMs: 500 });
        try {
            const ordinary = await fresh.analyze(['one', 'two', 'three', 'four'].map(good));
            ordinary.forEach((analysis, i) => expectSummary(analysis, ['one', 'two', 'three', 'four'][i]!));
            expect(fresh.workersStarted).toBe(1);
            const results = await fresh.analyze([good('beforetamper'), item('tamper', "z.object.constructor('return Object')().keys = () => [];"), good('aftertamper')]);
            expectSummary(results[0], 'beforetamper');
            expectSummary(results[2], 'aftertamper');
            // The group is read again by a second worker, one file at a time, which names the culprit; a third reads on.
            expect(fresh.workersStarted).toBe(3);
        } finally {
            await fresh.close();
        }
    });
});
