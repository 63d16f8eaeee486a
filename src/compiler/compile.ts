/**
 * The compile pipeline: entries from index.ts -> (type-check in parallel) -> one esbuild build for
 * the functions the cache cannot vouch for -> evaluate, validate and summarize each bundle ->
 * project checks -> manifest -> one atomic write of everything, only when nothing failed.
 * Each step is exported on its own so `dev` can rerun just the ones a change needs.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { errnoCode } from '../errors.js';
import { loadProject } from '../project/project.js';
import type { FunctionRef } from '../project/types.js';
import { acquireLock } from '../util/lock.js';
import { bundleFunctions } from './bundle.js';
import { recoverBuild, switchBuild } from './build-switch.js';
import {
    LOCK_FILE_NAME,
    bundledSources,
    compileCacheKey,
    emptyCache,
    loadCache,
    saveCache,
    stampsMatchBundle,
    validEntry,
    type CacheEntry,
    type CompileCache
} from './cache.js';
import { sharedDefinitionEvaluator, type DefinitionEvaluator } from './evaluation-host.js';
import { createFramer } from './frame.js';
import { BUNDLE_OPTIONS, bundlePathOf, projectPaths, type ProjectPaths } from './layout.js';
import { buildManifest, serializeManifest } from './manifest.js';
import { StampChecker, fileStamp, type FileStamp } from './stamps.js';
import { typecheckProject, type TypecheckOutcome } from './typecheck.js';
import type {
    BundleOutput,
    BundledFunction,
    CompileDiagnostic,
    CompileOptions,
    CompileProgress,
    CompiledFunction,
    FunctionSummary,
    Manifest,
    ProjectCompileResult
} from './types.js';
import { reviewFunctions } from './static-checks-review.js';
import { projectWarnings, uniqueDiagnostics, validateProject } from './validate.js';

/** A bundle file name compile writes: `<integration>_<syncs|actions|on-events>_<name>.cjs`. */
const BUNDLE_FILE = /^.+_(syncs|actions|on-events)_.+\.cjs$/;

export interface LoadedEntries {
    paths: ProjectPaths;
    refs: FunctionRef[];
    /** index.ts imports that point nowhere or at a file that is not a function. */
    diagnostics: CompileDiagnostic[];
}

/** Step 1: the project and its entries. Throws FerryError NOT_A_PROJECT outside a project. */
export async function loadEntries(cwd: string): Promise<LoadedEntries> {
    const project = await loadProject(cwd);
    const seen = new Set<string>();
    const refs = project.entries.filter((ref) => (seen.has(ref.id) ? false : (seen.add(ref.id), true)));
    const diagnostics: CompileDiagnostic[] = project.problems.map((p) => ({ file: p.file, line: p.line, column: 1, code: p.code, message: p.message }));
    const packageProblem = await checkPackageJson(project.root);
    if (packageProblem) diagnostics.push(packageProblem);
    return { paths: projectPaths(project.root), refs, diagnostics };
}

export const PACKAGE_JSON_INVALID = 'PACKAGE_JSON_INVALID';

/**
 * package.json decides how tsc reads every file (`"type": "module"`): a broken one would surface
 * as one misleading module-format error per import, so it is reported once, by itself, instead.
 */
async function checkPackageJson(root: string): Promise<CompileDiagnostic | undefined> {
    const file = join(root, 'package.json');
    let text: string;
    try {
        text = await readFile(file, 'utf8');
    } catch {
        return undefined;
    }
    const invalid = (why: string): CompileDiagnostic => ({
        file,
        line: 1,
        column: 1,
        code: PACKAGE_JSON_INVALID,
        message: `package.json ${why}: fix it (it must hold a JSON object, e.g. { "type": "module" }), then compile again`
    });
    try {
        const value: unknown = JSON.parse(text);
        return typeof value === 'object' && value !== null && !Array.isArray(value) ? undefined : invalid('does not hold a JSON object');
    } catch (error) {
        return invalid(`is not valid JSON (${(error as Error).message.split('\n')[0]})`);
    }
}

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

/** One function after evaluation: its summary when it is valid, else why not. */
export interface AnalyzedFunction {
    ref: FunctionRef;
    bundle: BundledFunction;
    summary?: FunctionSummary;
    diagnostics: CompileDiagnostic[];
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

export interface BuildWrite {
    /** Bundles to (re)write. Functions not listed keep the file they have. */
    bundles: { ref: FunctionRef; code: string }[];
    /** Every function the project has now: other bundle files in build/ are removed. */
    keep: readonly FunctionRef[];
    /** Omitted when the manifest on disk is known to be current. */
    manifest?: Manifest;
}

/**
 * Step 5: a new generation of build/ with the bundles written and those of functions that left
 * index.ts gone, switched to in one rename with the manifest (build-switch.ts), so a kill -9
 * never leaves a mix. The manifest is only rewritten when it changed. Returns the removed bundle
 * paths.
 */
export async function writeBuild(paths: ProjectPaths, write: BuildWrite): Promise<string[]> {
    let manifest: string | undefined;
    if (write.manifest) {
        const manifestText = serializeManifest(write.manifest);
        const current = await readFile(paths.manifestPath, 'utf8').catch(() => undefined);
        if (current !== manifestText) manifest = manifestText;
    }
    const keep = new Set(write.keep.map((ref) => `${ref.id}.cjs`));
    const gone = (name: string): boolean => BUNDLE_FILE.test(name) && !keep.has(name);
    const existing = await readdir(paths.buildDir).catch(() => [] as string[]);
    const removed = existing.filter(gone).map((name) => join(paths.buildDir, name));
    // Nothing changes: no new generation (a warm compile with nothing to do stays a no-op).
    if (write.bundles.length === 0 && removed.length === 0 && manifest === undefined) return removed;
    await switchBuild(paths, {
        writes: write.bundles.map(({ ref, code }) => ({ name: basename(bundlePathOf(paths, ref)), content: code })),
        drop: gone,
        ...(manifest === undefined ? {} : { manifest })
    });
    return removed;
}

/**
 * Holds the project's compile lock (one compile or dev rebuild at a time), then finishes a switch
 * of build/ a killed compile left half done and removes what killed runs left (build-switch.ts).
 */
export async function lockProject(paths: ProjectPaths, onWait?: (holderPid: number) => void): Promise<() => Promise<void>> {
    let release: () => Promise<void>;
    try {
        release = await acquireLock(join(paths.cacheDir, LOCK_FILE_NAME), onWait ? { onWait } : {});
    } catch (error) {
        // A read-only checkout: no compile can write there, so there is nothing to serialise, and
        // one whose output is all cached still succeeds (any write it needs reports EROFS itself).
        if (errnoCode(error) === 'EROFS') return async () => {};
        throw error;
    }
    try {
        await recoverBuild(paths);
    } catch (error) {
        await release();
        throw error;
    }
    return release;
}

/** Stamps files once each, however many functions share them. */
class Stamper {
    private readonly stamps = new Map<string, Promise<FileStamp | undefined>>();
    stamp(path: string): Promise<FileStamp | undefined> {
        let stamp = this.stamps.get(path);
        if (!stamp) {
            stamp = fileStamp(path);
            this.stamps.set(path, stamp);
        }
        return stamp;
    }
}

/** What the files looked like when bundling began: the stamps of a new entry are checked against it. */
interface BuildStart {
    wallMs: number;
    /** tsconfig.json before the build (esbuild reads it, but no bundle carries it). */
    tsconfig: FileStamp | undefined;
}

/**
 * A cache entry for a freshly written bundle, or undefined when its sources are not, or may not
 * be, the bytes it was built from (edited during the build): then the next compile rebuilds it.
 * esbuild also reads the project's tsconfig.json (paths, decorators, whether unused imports
 * stay), so it counts as an input of every function.
 */
async function entryFor(stamper: Stamper, paths: ProjectPaths, bundlePath: string, analyzed: AnalyzedFunction, start: BuildStart): Promise<CacheEntry | undefined> {
    const tsconfig = join(paths.root, 'tsconfig.json');
    const hasTsconfig = existsSync(tsconfig);
    const sources = [...analyzed.bundle.inputs, ...(hasTsconfig ? [tsconfig] : [])];
    const [bundle, ...inputs] = await Promise.all([stamper.stamp(bundlePath), ...sources.map((input) => stamper.stamp(input))]);
    if (!bundle || inputs.some((s) => s === undefined) || !analyzed.summary) return undefined;
    const stamps = inputs as FileStamp[];
    const own = hasTsconfig ? stamps.slice(0, -1) : stamps;
    if (!stampsMatchBundle(own, bundledSources(analyzed.bundle.code, bundlePath), start.wallMs)) return undefined;
    if (hasTsconfig && stamps.at(-1)!.hash !== start.tsconfig?.hash) return undefined;
    return { bundle, inputs: stamps, summary: analyzed.summary };
}

function typecheckFailure(error: unknown): TypecheckOutcome {
    return {
        diagnostics: [{ code: 'TYPECHECK_FAILED', message: `could not run the type-check: ${error instanceof Error ? error.message : String(error)}. Rerun with --no-typecheck to skip it` }],
        cached: false,
        durationMs: 0
    };
}

const sortDiagnostics = (a: CompileDiagnostic, b: CompileDiagnostic): number =>
    (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || a.code.localeCompare(b.code);

/**
 * A syntax error or a missing entry is reported by esbuild or index.ts parsing and again by tsc on
 * the same line; the first is the clearer of the two, so tsc's copy is dropped.
 */
export function withoutEchoes(typeDiagnostics: readonly CompileDiagnostic[], others: readonly CompileDiagnostic[]): CompileDiagnostic[] {
    const lines = new Set(others.filter((d) => d.file && d.line).map((d) => `${d.file}:${d.line}`));
    return typeDiagnostics.filter((d) => !(d.file && d.line && lines.has(`${d.file}:${d.line}`)));
}

/**
 * Names the function (`<integration>/<name>`) of each diagnostic in a function's own file, as
 * bundle and definition errors already are; tsc's errors come with a file only. A problem in a
 * shared helper stays unnamed: which functions it affects is not known for sure (an import used
 * for its types alone shows in no bundle), and a partial list would mislead.
 */
export function withFunctions(diagnostics: readonly CompileDiagnostic[], refs: readonly FunctionRef[]): CompileDiagnostic[] {
    const byFile = new Map(refs.map((ref) => [resolve(ref.file), `${ref.integration}/${ref.name}`]));
    return diagnostics.map((d) => {
        const fn = !d.function && d.file ? byFile.get(resolve(d.file)) : undefined;
        return fn ? { ...d, function: fn } : d;
    });
}

/** Code frames for located diagnostics that came without one (index.ts problems, definition checks). */
function withFrames(diagnostics: CompileDiagnostic[]): CompileDiagnostic[] {
    const frameOf = createFramer();
    return diagnostics.map((d) => {
        if (d.frame || !d.file || !d.line) return d;
        const frame = frameOf(d.file, d.line, d.column ?? 1);
        return frame ? { ...d, frame } : d;
    });
}

/** The whole pipeline. Writes build/*.cjs and .nango/nango.json only when there is no error. */
export async function compileProject(options: CompileOptions): Promise<ProjectCompileResult> {
    const started = performance.now();
    const progress = (event: CompileProgress): void => options.onProgress?.(event);
    const useCache = options.cache !== false;

    progress({ stage: 'load', message: 'reading index.ts' });
    const { paths, refs, diagnostics: entryProblems } = await loadEntries(options.cwd);
    const release = await lockProject(paths, options.onWait);

    // Started before bundling and awaited after: tsc (its own process) and esbuild overlap.
    const abort = new AbortController();
    // With a broken package.json every import would be a type error too: report only the cause.
    const typecheck: Promise<TypecheckOutcome> | undefined =
        options.typecheck === false || entryProblems.some((d) => d.code === PACKAGE_JSON_INVALID)
            ? undefined
            : (progress({ stage: 'typecheck', message: 'type-checking' }),
              typecheckProject({ root: paths.root, cacheDir: paths.cacheDir, force: !useCache, signal: abort.signal, entries: refs.map((ref) => ref.file) }).catch(typecheckFailure));

    try {
        const key = await compileCacheKey(paths.root);
        const cache: CompileCache = useCache ? await loadCache(paths.cacheDir, key) : emptyCache(key);
        const checker = new StampChecker();
        const cachedEntries = new Map<string, CacheEntry>();
        await Promise.all(
            refs.map(async (ref) => {
                const entry = useCache ? await validEntry(cache, ref, bundlePathOf(paths, ref), checker) : undefined;
                if (entry) cachedEntries.set(ref.id, entry);
            })
        );
        // esbuild reads package.json for every import: a broken one would be reported again per file.
        const packageBroken = entryProblems.some((d) => d.code === PACKAGE_JSON_INVALID);
        const toBuild = packageBroken ? [] : refs.filter((ref) => !cachedEntries.has(ref.id));

        const bundleStarted = performance.now();
        const buildStart: BuildStart = { wallMs: Date.now(), tsconfig: await fileStamp(join(paths.root, 'tsconfig.json')) };
        if (toBuild.length > 0) progress({ stage: 'bundle', message: `bundling ${toBuild.length} function${toBuild.length === 1 ? '' : 's'}` });
        // Nothing to build, no evaluation worker to start.
        const bundled: BundledAndAnalyzed = toBuild.length > 0 ? await bundleAndAnalyze(paths, toBuild) : { analyzed: [], errors: [], warnings: [] };
        const analyzed = bundled.analyzed;
        if (toBuild.length > 0) progress({ stage: 'bundle', message: `bundled and checked ${toBuild.length}`, durationMs: performance.now() - bundleStarted });

        const validateStarted = performance.now();
        const analyzedById = new Map(analyzed.map((a) => [a.ref.id, a]));
        const items = refs.map((ref) => ({ ref, summary: cachedEntries.get(ref.id)?.summary ?? analyzedById.get(ref.id)?.summary }));
        const projectDiagnostics = validateProject(items);
        const warnings = uniqueDiagnostics([...bundled.warnings, ...items.flatMap((item) => item.summary?.warnings ?? []), ...projectWarnings(items)]);
        progress({ stage: 'validate', message: 'project checks done', durationMs: performance.now() - validateStarted });

        let typecheckOutcome: TypecheckOutcome | undefined;
        if (typecheck) {
            typecheckOutcome = await typecheck;
            progress({ stage: 'typecheck', message: typecheckOutcome.cached ? 'type-check: nothing changed' : 'type-checked', durationMs: typecheckOutcome.durationMs });
        }

        const own = uniqueDiagnostics([...entryProblems, ...bundled.errors, ...analyzed.flatMap((a) => a.diagnostics), ...projectDiagnostics]);
        const errors = withFunctions(withFrames([...own, ...withoutEchoes(typecheckOutcome?.diagnostics ?? [], own)]), refs).sort(sortDiagnostics);
        const typecheckSummary = { ran: typecheckOutcome !== undefined && !typecheckOutcome.cached, cached: typecheckOutcome?.cached ?? false, durationMs: typecheckOutcome?.durationMs ?? 0 };
        const base = { root: paths.root, manifestPath: paths.manifestPath, typecheck: typecheckSummary, warnings: withFrames(warnings) };

        if (errors.length > 0) {
            return { ...base, ok: false, functions: [], errors, manifest: [], removed: [], durationMs: performance.now() - started };
        }

        progress({ stage: 'write', message: 'writing build/ and the manifest' });
        const summaries = refs.map((ref) => cachedEntries.get(ref.id)?.summary ?? analyzedById.get(ref.id)!.summary!);
        const manifest = buildManifest(summaries);
        // Same functions, none rebuilt, manifest untouched since we wrote it: serializing and
        // comparing a manifest of thousands of schemas would be most of a warm compile.
        const sameFunctions = refs.length === Object.keys(cache.functions).length && refs.every((ref) => cache.functions[ref.id]);
        const manifestCurrent = toBuild.length === 0 && sameFunctions && cache.manifest !== undefined && (await checker.unchanged(cache.manifest));
        const removed = await writeBuild(paths, {
            bundles: analyzed.map((a) => ({ ref: a.ref, code: a.bundle.code })),
            keep: refs,
            ...(manifestCurrent ? {} : { manifest })
        });

        const stamper = new Stamper();
        const manifestStamp = manifestCurrent ? (checker.refreshed.get(paths.manifestPath) ?? cache.manifest) : await fileStamp(paths.manifestPath);
        const next: CompileCache = { key, functions: {}, ...(manifestStamp ? { manifest: manifestStamp } : {}) };
        const functions: CompiledFunction[] = await Promise.all(
            refs.map(async (ref): Promise<CompiledFunction> => {
                const bundlePath = bundlePathOf(paths, ref);
                const cachedEntry = cachedEntries.get(ref.id);
                if (cachedEntry) {
                    next.functions[ref.id] = cachedEntry;
                    return { ref, bundlePath, size: cachedEntry.bundle.size, cached: true, inputs: cachedEntry.inputs.map((s) => s.path), summary: cachedEntry.summary };
                }
                const a = analyzedById.get(ref.id)!;
                const entry = await entryFor(stamper, paths, bundlePath, a, buildStart);
                if (entry) next.functions[ref.id] = entry;
                return {
                    ref,
                    bundlePath,
                    size: Buffer.byteLength(a.bundle.code),
                    cached: false,
                    inputs: entry ? entry.inputs.map((s) => s.path) : a.bundle.inputs,
                    ...(a.summary ? { summary: a.summary } : {})
                };
            })
        );
        const unchangedCache = manifestCurrent && checker.refreshed.size === 0;
        if (!unchangedCache) await saveCache(paths.cacheDir, next);
        progress({ stage: 'write', message: 'written', durationMs: performance.now() - started });
        return { ...base, ok: true, functions, errors: [], manifest, removed, durationMs: performance.now() - started };
    } finally {
        // Only reached early when something threw: never leave tsc running behind us.
        abort.abort();
        await typecheck?.catch(() => undefined);
        await release();
    }
}
