/**
 * Compile's steps 2 and 3: esbuild builds of the functions in batches, pipelined with the
 * evaluation worker reading each batch's definitions (evaluation-host.ts).
 */
import type { FunctionRef } from '../project/types.js';
import { bundleFunctions } from './bundle.js';
import { sharedDefinitionEvaluator, type DefinitionEvaluator } from './evaluation-host.js';
import { BUNDLE_OPTIONS, bundlePathOf, type ProjectPaths } from './layout.js';
import { reviewFunctions } from './static-checks-review.js';
import type { AnalyzedFunction, BundleOutput, BundledFunction, CompileDiagnostic } from './types.js';

/**
 * The inline source map is most of a bundle's text and only a comment to V8, yet scanning it
 * doubles the cost of evaluating the bundle; reading the definition does not need it.
 */
export function withoutSourceMap(code: string): string {
    const at = code.lastIndexOf('\n//# sourceMappingURL=data:');
    return at === -1 ? code : code.slice(0, at + 1);
}

/**
 * Functions per esbuild build. One build for thousands of entry points grows esbuild's memory
 * faster than linearly (about 1.4 GB for 2,000 functions, 180 MB for 250), so big projects are
 * bundled in builds of this many, still never one build per function.
 */
export const BUNDLE_BATCH = 200;

/**
 * Step 2: esbuild builds for `refs`. esbuild fails a whole build for one broken file; when the
 * errors are in entry files only, the others are bundled again without them so their definitions
 * get checked in the same run (every problem reported at once). The result then has bundles AND
 * errors; compile still fails.
 */
export async function bundleAllThatBuild(paths: ProjectPaths, refs: readonly FunctionRef[]): Promise<BundleOutput> {
    const options = { sourcemap: BUNDLE_OPTIONS.sourcemap };
    const first = await bundleFunctions(paths.root, refs, options);
    if (first.errors.length === 0) return first;
    const broken = new Set(first.errors.map((e) => e.file));
    const rest = refs.filter((ref) => !broken.has(ref.file));
    if (rest.length === 0 || rest.length === refs.length) return first;
    const retry = await bundleFunctions(paths.root, rest, options);
    return retry.errors.length > 0 ? first : { bundles: retry.bundles, errors: first.errors, warnings: first.warnings };
}

export interface BundledAndAnalyzed {
    analyzed: AnalyzedFunction[];
    errors: CompileDiagnostic[];
    warnings: CompileDiagnostic[];
}

/**
 * Steps 2 and 3 for many functions, pipelined: while esbuild (its own process) bundles one batch,
 * the evaluation worker reads the previous one.
 */
export async function bundleAndAnalyze(paths: ProjectPaths, refs: readonly FunctionRef[], evaluator: DefinitionEvaluator = sharedDefinitionEvaluator()): Promise<BundledAndAnalyzed> {
    const batches: FunctionRef[][] = [];
    for (let i = 0; i < refs.length; i += BUNDLE_BATCH) batches.push(refs.slice(i, i + BUNDLE_BATCH));
    const out: BundledAndAnalyzed = { analyzed: [], errors: [], warnings: [] };
    const seen = new Set<string>();
    const keep = (list: CompileDiagnostic[], d: CompileDiagnostic): void => {
        // An error in a helper shows up once per batch that includes it.
        const key = `${d.file}:${d.line}:${d.column}:${d.code}:${d.message}`;
        if (seen.has(key)) return;
        seen.add(key);
        list.push(d);
    };
    const analyses: Promise<AnalyzedFunction[]>[] = [];
    let pending = batches.length > 0 ? bundleAllThatBuild(paths, batches[0]!) : undefined;
    for (let i = 0; pending; i++) {
        const batch = await pending;
        pending = i + 1 < batches.length ? bundleAllThatBuild(paths, batches[i + 1]!) : undefined;
        batch.errors.forEach((d) => keep(out.errors, d));
        batch.warnings.forEach((d) => keep(out.warnings, d));
        const analysis = analyzeBundles(paths, batch.bundles, evaluator);
        // Awaited below, in order; a failure must not go unhandled while later batches bundle.
        analysis.catch(() => undefined);
        analyses.push(analysis);
    }
    for (const analysis of analyses) out.analyzed.push(...(await analysis));
    return out;
}

/**
 * Step 3: each bundle's definition read, validated and summarized in the evaluation worker
 * (evaluation-host.ts), never in this thread. Never throws for problems in user code: they come
 * back as diagnostics.
 */
export async function analyzeBundles(paths: ProjectPaths, bundles: readonly BundledFunction[], evaluator: DefinitionEvaluator = sharedDefinitionEvaluator()): Promise<AnalyzedFunction[]> {
    if (bundles.length === 0) return [];
    const analyses = await evaluator.analyze(bundles.map((bundle) => ({ ref: bundle.ref, code: withoutSourceMap(bundle.code), filename: bundlePathOf(paths, bundle.ref) })));
    const reviewed = await reviewFunctions(bundles, analyses);
    return bundles.map((bundle, i) => ({ ref: bundle.ref, bundle, ...reviewed[i]! }));
}
