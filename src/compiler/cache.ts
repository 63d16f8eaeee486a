/**
 * The compile cache: per function, the files of its source graph (stamped), the bundle it produced
 * (stamped) and its manifest summary. A function whose inputs and bundle are as recorded skips
 * bundling, evaluation and validation. The whole cache is dropped when anything that changes every
 * bundle changes: Ferry's version, the SDK shim, zod's version, the compiler's options.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FunctionRef } from '../project/types.js';
import { SDK_SHIM_SOURCE } from '../sdk/shim-source.js';
import { writeFileAtomic } from '../util/fs.js';
import { CACHE_FILE_NAME } from './layout.js';
import { VERSION } from '../version.js';
import { resolveFromFerry } from './ferry-package.js';
import { StampChecker, hashContent, type FileStamp } from './stamps.js';
import type { FunctionSummary } from './types.js';

/** Bump when the cache's shape or the meaning of a summary changes. */
const CACHE_FORMAT = 2;

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
