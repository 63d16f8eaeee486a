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
}

/** Main -> worker: read these, in order; the next batch is only sent once every result is in. */
export interface AnalyzeMessage {
    t: 'analyze';
    items: EvaluationItem[];
}

/**
 * Worker -> main. `ready` once the worker can take bundles; one `result` per item, in order;
 * `retire` when the bundle changed the worker's own realm, which must then not read another.
 */
export type EvaluationWorkerMessage = { t: 'ready' } | { t: 'result'; index: number; analysis: DefinitionAnalysis; retire?: boolean };
