/**
 * The compile pipeline: entries from index.ts -> (type-check in parallel) -> one esbuild build for
 * the functions the cache cannot vouch for -> evaluate, validate and summarize each bundle ->
 * project checks -> manifest -> one atomic write of everything, only when nothing failed.
 * Each step is exported on its own so `dev` can rerun just the ones a change needs.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { errnoCode } from '../errors.js';
import { loadProject } from '../project/project.js';
import type { FunctionRef } from '../project/types.js';
import { acquireLock } from '../util/lock.js';
import { recoverBuild, switchBuild } from './build-switch.js';
import {
    LOCK_FILE_NAME,
    compileCacheKey,
    emptyCache,
    loadCache,
    saveCache,
    validEntry,
    type CacheEntry,
    type CompileCache
} from './cache.js';
import { bundleAndAnalyze, type BundledAndAnalyzed } from './compile-bundle.js';
import { sortDiagnostics, typecheckFailure, withFrames, withFunctions, withoutEchoes } from './compile-diagnostics.js';
import { recordFunctions, type BuildStart } from './compile-record.js';
import { bundlePathOf, projectPaths, type ProjectPaths } from './layout.js';
import { buildManifest, serializeManifest } from './manifest.js';
import { StampChecker, fileStamp } from './stamps.js';
import { typecheckProject, type TypecheckOutcome } from './typecheck.js';
import type { CompileDiagnostic, CompileOptions, CompileProgress, Manifest, ProjectCompileResult } from './types.js';
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

/** tsc over the project, in its own process; none with --no-typecheck or a broken package.json (every import would be a type error too: only the cause is reported). */
function startTypecheck(options: CompileOptions, paths: ProjectPaths, refs: readonly FunctionRef[], entryProblems: readonly CompileDiagnostic[], signal: AbortSignal): Promise<TypecheckOutcome> | undefined {
    if (options.typecheck === false || entryProblems.some((d) => d.code === PACKAGE_JSON_INVALID)) return undefined;
    options.onProgress?.({ stage: 'typecheck', message: 'type-checking' });
    return typecheckProject({ root: paths.root, cacheDir: paths.cacheDir, force: options.cache === false, signal, entries: refs.map((ref) => ref.file) }).catch(typecheckFailure);
}

/** The functions whose cache entry still matches the files on disk, by id. */
async function cachedEntriesOf(paths: ProjectPaths, refs: readonly FunctionRef[], cache: CompileCache, checker: StampChecker): Promise<Map<string, CacheEntry>> {
    const entries = new Map<string, CacheEntry>();
    await Promise.all(
        refs.map(async (ref) => {
            const entry = await validEntry(cache, ref, bundlePathOf(paths, ref), checker);
            if (entry) entries.set(ref.id, entry);
        })
    );
    return entries;
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
    const typecheck = startTypecheck(options, paths, refs, entryProblems, abort.signal);

    try {
        const key = await compileCacheKey(paths.root);
        const cache: CompileCache = useCache ? await loadCache(paths.cacheDir, key) : emptyCache(key);
        const checker = new StampChecker();
        const cachedEntries = useCache ? await cachedEntriesOf(paths, refs, cache, checker) : new Map<string, CacheEntry>();
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

        const manifestStamp = manifestCurrent ? (checker.refreshed.get(paths.manifestPath) ?? cache.manifest) : await fileStamp(paths.manifestPath);
        const next: CompileCache = { key, functions: {}, ...(manifestStamp ? { manifest: manifestStamp } : {}) };
        const functions = await recordFunctions(paths, refs, cachedEntries, analyzedById, buildStart, next);
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
