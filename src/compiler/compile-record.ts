/**
 * After compile has written build/: the cache entries of what it wrote, each vouched for only when
 * the sources on disk are the bytes the bundle was built from (an edit during the build leaves
 * the function out, so the next compile rebuilds it), and what compile reports per function.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionRef } from '../project/types.js';
import { bundledSources, stampsMatchBundle, type CacheEntry, type CompileCache } from './cache.js';
import { bundlePathOf, type ProjectPaths } from './layout.js';
import { fileStamp, type FileStamp } from './stamps.js';
import type { AnalyzedFunction, CompiledFunction } from './types.js';

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
export interface BuildStart {
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


/** Each function as compile reports it, and the cache entries of them, into `next`. */
export async function recordFunctions(
    paths: ProjectPaths,
    refs: readonly FunctionRef[],
    cachedEntries: ReadonlyMap<string, CacheEntry>,
    analyzedById: ReadonlyMap<string, AnalyzedFunction>,
    start: BuildStart,
    next: CompileCache
): Promise<CompiledFunction[]> {
    const stamper = new Stamper();
    return Promise.all(
        refs.map(async (ref): Promise<CompiledFunction> => {
            const bundlePath = bundlePathOf(paths, ref);
            const cachedEntry = cachedEntries.get(ref.id);
            if (cachedEntry) {
                next.functions[ref.id] = cachedEntry;
                return { ref, bundlePath, size: cachedEntry.bundle.size, cached: true, inputs: cachedEntry.inputs.map((s) => s.path), summary: cachedEntry.summary };
            }
            const a = analyzedById.get(ref.id)!;
            const entry = await entryFor(stamper, paths, bundlePath, a, start);
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
}
