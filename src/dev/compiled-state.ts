/**
 * What the first compile learned about each function, read back so the session starts with its
 * source graph without bundling again. compileProject keeps each function's inputs and summary in
 * its cache; this reads that cache.
 *
 * An adapter: compileProject does not return the inputs (CompiledFunction has no `inputs`). A
 * mismatch only costs time: functions missing from the answer are bundled again by the caller.
 */
import { cacheKey, loadCache } from '../compiler/cache.js';
import { BUNDLE_OPTIONS, type ProjectPaths } from '../compiler/compile.js';
import type { FunctionSummary } from '../compiler/types.js';
import type { FunctionRef } from '../project/types.js';

export async function compiledInputs(
    paths: ProjectPaths,
    refs: readonly FunctionRef[]
): Promise<{ inputs: Map<string, string[]>; summaries: Map<string, FunctionSummary> }> {
    const cache = await loadCache(paths.cacheDir, await cacheKey(BUNDLE_OPTIONS));
    const inputs = new Map<string, string[]>();
    const summaries = new Map<string, FunctionSummary>();
    for (const ref of refs) {
        const entry = cache.functions[ref.id];
        if (!entry || entry.inputs[0]?.path !== ref.file) continue;
        inputs.set(ref.id, entry.inputs.map((stamp) => stamp.path));
        summaries.set(ref.id, entry.summary);
    }
    return { inputs, summaries };
}
