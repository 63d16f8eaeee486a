/**
 * The compile cache: per function, the files of its source graph (stamped), the bundle it produced
 * (stamped) and its manifest summary. A function whose inputs and bundle are as recorded skips
 * bundling, evaluation and validation. The whole cache is dropped when anything that changes every
 * bundle changes: Ferry's version, the SDK shim, zod's version, the compiler's options.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { FunctionRef } from '../project/types.js';
import { SDK_SHIM_SOURCE } from '../sdk/shim-source.js';
import { writeFileAtomic } from '../util/fs.js';
import { BUNDLE_OPTIONS, CACHE_FILE_NAME } from './layout.js';
import { projectZodVersion } from './platform-require.js';
import { VERSION } from '../version.js';
import { resolveFromFerry } from './ferry-package.js';
import { StampChecker, hashContent, type FileStamp } from './stamps.js';
import type { FunctionSummary } from './types.js';

/** Bump when the cache's shape or the meaning of a summary changes. */
// 4: manifest entries as nango compile writes them, with the function's warnings.
const CACHE_FORMAT = 4;

/** Held by the compile (or dev rebuild) writing build/, the manifest and this cache; in the cache folder. */
export const LOCK_FILE_NAME = 'compile.lock';

export interface CacheEntry {
    /** Every project file in the function's source graph, entry first. */
    inputs: FileStamp[];
    /** build/<id>.cjs as it was written. */
    bundle: FileStamp;
    summary: FunctionSummary;
}

export interface CompileCache {
    key: string;
    functions: Record<string, CacheEntry>;
    /** .nango/nango.json as the last successful compile left it. */
    manifest?: FileStamp;
}

let zodVersion: string | undefined;

/** Everything besides a function's own files that decides what its bundle and summary are. */
export async function cacheKey(compilerOptions: Record<string, unknown>): Promise<string> {
    if (zodVersion === undefined) {
        try {
            zodVersion = (JSON.parse(await readFile(resolveFromFerry('zod/package.json'), 'utf8')) as { version: string }).version;
        } catch {
            zodVersion = 'unknown';
        }
    }
    return hashContent(JSON.stringify([CACHE_FORMAT, VERSION, hashContent(SDK_SHIM_SOURCE), zodVersion, compilerOptions]));
}

/**
 * The key compile writes its cache under and dryrun checks it with: the project's zod writes the
 * manifest's JSON Schemas, so another version is another cache.
 */
export function compileCacheKey(root: string): Promise<string> {
    return cacheKey({ ...BUNDLE_OPTIONS, projectZod: projectZodVersion(root) ?? null });
}

export function emptyCache(key: string): CompileCache {
    return { key, functions: {} };
}

export async function loadCache(cacheDir: string, key: string): Promise<CompileCache> {
    try {
        const cache = JSON.parse(await readFile(join(cacheDir, CACHE_FILE_NAME), 'utf8')) as CompileCache;
        if (cache.key === key && typeof cache.functions === 'object' && cache.functions !== null) return cache;
    } catch {
        // Missing or unreadable: start cold.
    }
    return emptyCache(key);
}

export async function saveCache(cacheDir: string, cache: CompileCache): Promise<void> {
    await writeFileAtomic(join(cacheDir, CACHE_FILE_NAME), JSON.stringify(cache));
}

/** The cached entry of `ref` when its inputs and bundle are still exactly as recorded. */
export async function validEntry(cache: CompileCache, ref: FunctionRef, bundlePath: string, checker: StampChecker): Promise<CacheEntry | undefined> {
    const entry = cache.functions[ref.id];
    if (!entry || entry.bundle.path !== bundlePath || entry.inputs[0]?.path !== ref.file || entry.summary.id !== ref.id) return undefined;
    const checks = await Promise.all([entry.bundle, ...entry.inputs].map((stamp) => checker.unchanged(stamp)));
    if (!checks.every(Boolean)) return undefined;
    return {
        ...entry,
        bundle: checker.refreshed.get(entry.bundle.path) ?? entry.bundle,
        inputs: entry.inputs.map((stamp) => checker.refreshed.get(stamp.path) ?? stamp)
    };
}

const INLINE_MAP = '\n//# sourceMappingURL=data:application/json;base64,';

/**
 * The sources a bundle was built from, as esbuild read them (its inline source map carries them
 * whole): absolute path -> text. Undefined when the bundle has no readable map.
 */
export function bundledSources(code: string, bundlePath: string): Map<string, string> | undefined {
    const at = code.lastIndexOf(INLINE_MAP);
    if (at === -1) return undefined;
    try {
        const map = JSON.parse(Buffer.from(code.slice(at + INLINE_MAP.length).trim(), 'base64').toString('utf8')) as { sources?: unknown; sourcesContent?: unknown };
        const contents = map.sourcesContent;
        if (!Array.isArray(map.sources) || !Array.isArray(contents)) return undefined;
        const sources = new Map<string, string>();
        map.sources.forEach((source: unknown, i) => {
            const content: unknown = contents[i];
            if (typeof source === 'string' && typeof content === 'string') sources.set(resolve(dirname(bundlePath), source), content);
        });
        return sources;
    } catch {
        return undefined;
    }
}

/**
 * Whether each input, as stamped after the build, holds the very bytes the bundle was built
 * from. A file edited while esbuild ran does not, and its function must not be recorded as
 * cached: the next compile would otherwise keep (and deploy) a bundle of the older text beside
 * the newer source. A file the map does not carry (it adds no code) is trusted only when it was
 * last written before the build began, `slackMs` allowing for coarse file-system clocks.
 */
export function stampsMatchBundle(inputs: readonly FileStamp[], sources: Map<string, string> | undefined, buildStartedMs: number, slackMs = 2000): boolean {
    return inputs.every((stamp) => {
        const bundled = sources?.get(resolve(stamp.path));
        if (bundled === undefined) return stamp.mtimeMs < buildStartedMs - slackMs;
        // esbuild drops a byte-order mark from what it reads.
        return hashContent(bundled) === stamp.hash || hashContent(`\ufeff${bundled}`) === stamp.hash;
    });
}
