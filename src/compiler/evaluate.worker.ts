/**
 * The worker process that reads function definitions for compile, dev and deploy (started by
 * evaluation-host.ts, built to dist/compiler/evaluate.worker.js). It is locked down the way the
 * dry run's worker is (no environment, no process or file capabilities for function code, binary
 * data counted toward its memory limit) before any bundle is evaluated, and it reads many bundles
 * per message: one process serves a whole compile.
 */
import { lockDown } from '../runtime/lockdown.js';
import { limitBinaryMemory } from '../runtime/binary-memory.js';
import { analyzeDefinition, evaluationFailure, type DefinitionAnalysis } from './analyze-definition.js';
import { createDefinitionReader, requirePlatformModule, watchThisRealm } from './evaluate.js';
import { REALM_CHECK_GROUP, type AnalyzeMessage, type EvaluationItem, type EvaluationWorkerData, type EvaluationWorkerMessage } from './evaluation-protocol.js';
import { useProjectZod } from './platform-require.js';
import { useCodeCacheDir } from './vendored-zod.js';

// Started by util/child-worker.ts with fork: its data in argv, its messages over the IPC channel.
const send = process.send?.bind(process);
if (!send) throw new Error('evaluate.worker must be started by the definition evaluator (util/child-worker.ts)');
const data = JSON.parse(process.argv[2] ?? '{}') as EvaluationWorkerData;
useCodeCacheDir(data.codeCacheDir);
useProjectZod();
limitBinaryMemory(data.heapMb * 1048576);
lockDown();

// Taken before any bundle runs: one that replaces them later must not be handed our messages.
const post = (message: EvaluationWorkerMessage): void => void send(message);
const exitNow = process.exit.bind(process);
// Parent gone (a killed CLI): nothing is left to read for.
process.on('disconnect', () => exitNow(0));
const nextTask = setImmediate;

// process.exit in top-level code would end this process; it is the bundle's error instead.
let exitCalled = undefined as { code: unknown } | undefined;
Object.defineProperty(process, 'exit', {
    value: (code?: unknown) => {
        exitCalled = { code: code ?? 0 };
        throw new Error(`process.exit(${String(code ?? '')}) was called`);
    },
    writable: false,
    configurable: false
});

// Timers set at the top level never fire: reading a definition needs none, and a callback running
// after its bundle was read would be blamed on the next one.
let timerIds = 0;
const inertTimers = {
    setTimeout: () => ++timerIds,
    setInterval: () => ++timerIds,
    setImmediate: () => ++timerIds,
    clearTimeout: () => {},
    clearInterval: () => {},
    clearImmediate: () => {}
};
const read = createDefinitionReader({ timeoutMs: data.timeoutMs, isolateMicrotasks: true, globals: inertTimers });

// A bundle's stray rejection or callback error must not end the process the next bundles need.
process.on('unhandledRejection', () => {});
process.on('uncaughtException', () => {});

// The realm as it is once the worker is set up: any change after that was made by a bundle.
const zod = requirePlatformModule('zod') as { ZodType?: { prototype: object } };
// Taken when the first batch arrives, before its first bundle: by then the IPC channel has sent and
// received, and has added the listeners it adds lazily (process._eventsCount changes on Node 24).
let realmUnchanged: (() => boolean) | undefined;
const watchRealm = (): (() => boolean) => watchThisRealm([process, Buffer, Buffer.prototype, zod, ...(zod.ZodType ? [zod.ZodType.prototype] : [])]);

function analyze(item: EvaluationItem): DefinitionAnalysis {
    exitCalled = undefined;
    let analysis: DefinitionAnalysis;
    try {
        analysis = analyzeDefinition(item.ref, item.code, item.filename, read);
    } catch (error) {
        analysis = { diagnostics: [evaluationFailure(item.ref, `reading its definition failed (${(error as Error)?.message ?? String(error)})`)] };
    }
    const exit = exitCalled as { code: unknown } | undefined;
    if (exit) {
        return { diagnostics: [evaluationFailure(item.ref, `its top-level code called process.exit(${String(exit.code)}); a function file must never end the process: remove the call`)] };
    }
    return analysis;
}

/** Posts a group's results; one that cannot be cloned (a value the structured clone refuses) is that file's error. */
function flush(items: readonly EvaluationItem[], from: number, analyses: DefinitionAnalysis[], retire: boolean): void {
    try {
        post({ t: 'results', from, analyses, ...(retire ? { retire } : {}) });
        return;
    } catch {
        // Found below, one at a time.
    }
    analyses.forEach((analysis, i) => {
        const last = i === analyses.length - 1;
        try {
            post({ t: 'results', from: from + i, analyses: [analysis], ...(retire && last ? { retire } : {}) });
        } catch (error) {
            const failure = evaluationFailure(items[from + i]!.ref, `its definition holds values that cannot be read (${(error as Error)?.message ?? String(error)})`);
            post({ t: 'results', from: from + i, analyses: [{ diagnostics: [failure] }], ...(retire && last ? { retire } : {}) });
        }
    });
}

async function analyzeAll(items: EvaluationItem[], checkEachUntil: number): Promise<void> {
    let from = 0;
    let group: DefinitionAnalysis[] = [];
    for (let index = 0; index < items.length; index++) {
        post({ t: 'progress', index });
        group.push(analyze(items[index]!));
        // Whatever the bundle left queued outside its context runs now, while this bundle is the one blamed.
        await new Promise<void>((resolve) => nextTask(resolve));
        if (index >= checkEachUntil && group.length < REALM_CHECK_GROUP && index < items.length - 1) continue;
        if (!realmUnchanged!()) {
            // A group of one names the bundle that changed the realm: its own result stands.
            if (group.length === 1) flush(items, from, group, true);
            else post({ t: 'tainted', from });
            return;
        }
        flush(items, from, group, false);
        from = index + 1;
        group = [];
    }
}

process.on('message', (message: AnalyzeMessage) => {
    if (message.t !== 'analyze') return;
    realmUnchanged ??= watchRealm();
    void analyzeAll(message.items, message.checkEachUntil ?? 0);
});
post({ t: 'ready' });
