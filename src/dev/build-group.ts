/** What a dev rebuild does with a group of functions (builder.ts): bundle and evaluate them together, report them. */
import { bundleFunctions } from '../compiler/bundle.js';
import { BUNDLE_BATCH, analyzeBundles, bundleAllThatBuild, bundleAndAnalyze } from '../compiler/compile-bundle.js';
import { bundlePathOf, type ProjectPaths } from '../compiler/layout.js';
import type { AnalyzedFunction, CompileDiagnostic } from '../compiler/types.js';
import type { FunctionRef } from '../project/types.js';
import { describeFunction, roundMs, type RebuiltFunction } from './events.js';

export interface GroupOutcome {
    /** Each bundled function with its share of the time, ms. */
    analyzed: { result: AnalyzedFunction; durationMs: number }[];
    errors: CompileDiagnostic[];
}

/**
 * compile's steps 2 and 3 for a group: one esbuild build (two when some entries are broken),
 * then evaluation of each bundle. Many functions at once (a tsconfig.json change) go through
 * compile's batched, pipelined path instead, which bounds esbuild's memory.
 */
export async function buildGroup(paths: ProjectPaths, refs: FunctionRef[]): Promise<GroupOutcome> {
    if (refs.length === 0) return { analyzed: [], errors: [] };
    const started = performance.now();
    if (refs.length > BUNDLE_BATCH) {
        const { analyzed, errors } = await bundleAndAnalyze(paths, refs);
        const share = (performance.now() - started) / refs.length;
        return { analyzed: analyzed.map((result) => ({ result, durationMs: share })), errors };
    }
    const { bundles, errors } = await bundleAllThatBuild(paths, refs);
    const results = await analyzeBundles(paths, bundles);
    const share = (performance.now() - started) / refs.length;
    return { analyzed: results.map((result) => ({ result, durationMs: share })), errors };
}

/**
 * Bundles and evaluates one function without writing anything, so the first save does not pay
 * for starting esbuild and compiling the evaluator (after a warm compile neither has run yet).
 */
export async function warmUp(paths: ProjectPaths, ref: FunctionRef): Promise<void> {
    try {
        const { bundles } = await bundleFunctions(paths.root, [ref], { sourcemap: true });
        await analyzeBundles(paths, bundles);
    } catch {
        // Only a head start: the real rebuild reports whatever went wrong.
    }
}

/** The functions a rebuild wrote, as its event lists them. */
export function rebuiltFunctions(paths: ProjectPaths, written: GroupOutcome['analyzed']): RebuiltFunction[] {
    return written.map(({ result, durationMs }) => ({
        ...describeFunction(result.ref),
        durationMs: roundMs(durationMs),
        bundlePath: bundlePathOf(paths, result.ref),
        size: Buffer.byteLength(result.bundle.code)
    }));
}
