/**
 * Messages between compile (the CLI's thread) and the evaluation worker that reads definitions
 * (evaluate.worker.ts). Everything here is plain data: definitions stay in the worker.
 */
import type { FunctionRef } from '../project/types.js';
import type { DefinitionAnalysis } from './analyze-definition.js';

/** One bundle to read: its code without the source map, and the path its bundle has in build/. */
export interface EvaluationItem {
    ref: FunctionRef;
    code: string;
    filename: string;
}

export interface EvaluationWorkerData {
    /** The folder for the code cache of Ferry's bundled zod (see vendored-zod.ts). */
    codeCacheDir: string;
    /** How long one bundle's top-level code may run. */
    timeoutMs: number;
    /** The process's heap limit, which its binary data counts toward too. */
    heapMb: number;
}

/**
 * The worker checks its realm after groups of this many bundles (checking costs about as much as
 * reading a small bundle); a group that changed it is read again, checked one by one.
 */
export const REALM_CHECK_GROUP = 32;

/**
 * Main -> worker: read these, in order; the next batch is only sent once every result is in. The
 * first `checkEachUntil` items get the realm check after each one (see evaluate.worker.ts).
 */
export interface AnalyzeMessage {
    t: 'analyze';
    items: EvaluationItem[];
    checkEachUntil?: number;
}

/**
 * Worker -> main. `ready` once the worker can take bundles; `progress` as it starts each item (what
 * the main thread blames if the worker then stops answering); `results` for consecutive items from
 * `from`, once the realm check after them passed (`retire`: the last one changed the worker's own
 * realm, so the worker must not read another); `tainted` when some item from `from` on changed it,
 * which one unknown: those are read again, by a new worker, checked one by one.
 */
export type EvaluationWorkerMessage =
    | { t: 'ready' }
    | { t: 'progress'; index: number }
    | { t: 'results'; from: number; analyses: DefinitionAnalysis[]; retire?: boolean }
    | { t: 'tainted'; from: number };
