/**
 * The zod that functions get at run time, loaded fast. `npm run build` bundles Ferry's zod (every
 * subpath it exports, sharing one copy of its internals) into dist/vendor/zod.cjs. Loading that one
 * file with a V8 code cache takes a fraction of what requiring zod's hundred files takes (Node 20
 * has no compile cache of its own), and a dry run's first request waits on it: the function's
 * thread must have zod before the function can run. The cache lives in the user's cache folder,
 * never in a shared one: code read from it runs. Whatever goes wrong (no bundle because Ferry runs
 * from its sources, an unwritable folder, a cache from another Node) falls back to what works:
 * compiling without a cache, or Node's own require.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { isMainThread, threadId } from 'node:worker_threads';
import { userCacheDir } from '../util/user-cache-dir.js';

/** The bundle, relative to dist/. */
const VENDORED_ZOD_REL = join('vendor', 'zod.cjs');

/** zod's modules by the specifier user code requires them with: 'zod', 'zod/v4', 'zod/mini'... */
export type ZodModules = Readonly<Record<string, unknown>>;

interface VendoredLoad {
    modules: ZodModules;
    /** What became of the code cache: read and accepted, written anew, or not kept (no folder, or writing failed). */
    cache: 'used' | 'written' | 'off';
}

// A worker thread runs with an empty process.env: its parent tells it the folder (see sandbox.ts).
let codeCacheDir: { dir: string | undefined } | undefined;
let loaded: VendoredLoad | null | undefined;

/** The folder for this thread's code cache; undefined keeps none. Call it before the first load. */
export function useCodeCacheDir(dir: string | undefined): void {
    codeCacheDir = { dir };
}

/** The bundle beside the built CLI; none when Ferry runs from its TypeScript sources. */
function findBundle(): string | undefined {
    const here = fileURLToPath(import.meta.url);
    if (here.endsWith('.ts')) return undefined;
    // This module is bundled into dist/cli.js, a chunk (dist/chunks/) or a worker (dist/dryrun/).
    for (const dir of [dirname(here), dirname(dirname(here))]) {
        const candidate = join(dir, VENDORED_ZOD_REL);
        if (existsSync(candidate)) return candidate;
    }
    return undefined;
}

/** This thread's zod modules from the bundle (loaded once), or undefined when there is none. */
export function vendoredZod(): ZodModules | undefined {
    if (loaded === undefined) {
        const file = findBundle();
        const cacheDir = codeCacheDir ? codeCacheDir.dir : isMainThread ? userCacheDir() : undefined;
        loaded = (file && loadVendoredZod(file, cacheDir)) || null;
    }
    return loaded?.modules;
}

/** Loads a zod bundle, with its code cache in cacheDir; undefined when the bundle cannot be loaded. */
export function loadVendoredZod(file: string, cacheDir: string | undefined): VendoredLoad | undefined {
    let source: string;
    try {
        source = readFileSync(file, 'utf8');
    } catch {
        return undefined;
    }
    // The build names the content's hash on the first line; a bundle without one gets no cache.
    const contentHash = /^\/\/ zod \S+ ([0-9a-f]{12,})\b/.exec(source)?.[1];
    const cache = cacheDir && contentHash ? { dir: cacheDir, ...cacheNames(contentHash) } : undefined;
    let cachedData: Buffer | undefined;
    try {
        if (cache) cachedData = readFileSync(join(cache.dir, cache.file));
    } catch {
        // No cache yet: this load writes it.
    }
    try {
        const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, ...(cachedData ? { cachedData } : {}) });
        const module = { exports: {} as Record<string, unknown> };
        (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
        const modules = module.exports;
        if (cachedData && !script.cachedDataRejected) return { modules, cache: 'used' };
        // Run zod's start-up first (its modules are evaluated on first use): the cache then holds
        // the compiled code of everything a load runs, not just the outer wrapper.
        void modules['zod'];
        if (!cache || !writeAtomically(join(cache.dir, cache.file), script.createCachedData())) return { modules, cache: 'off' };
        removeStale(cache.dir, cache.file, cache.sameNode);
        return { modules, cache: 'written' };
    } catch {
        return undefined;
    }
}

/** One cache per bundle content and Node (V8 rejects another's); `sameNode` matches this Node's others. */
function cacheNames(contentHash: string): { file: string; sameNode: RegExp } {
    const node = `${process.version}-${process.arch}`;
    const escaped = node.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return { file: `zod-${contentHash}-${node}.v8cache`, sameNode: new RegExp(`^zod-[0-9a-f]+-${escaped}\\.v8cache$`) };
}

/** A new bundle's cache replaces the one of the bundle before it (another Ferry, another build) on this Node. */
function removeStale(dir: string, keep: string, sameNode: RegExp): void {
    try {
        for (const name of readdirSync(dir)) {
            if (name !== keep && sameNode.test(name)) rmSync(join(dir, name), { force: true });
        }
    } catch {
        // Left for the next write to try again.
    }
}

function writeAtomically(target: string, data: Buffer): boolean {
    // Several threads may write at once (ferry test's pool): each writes its own file, then renames.
    // Not util/fs.ts's writeFileAtomic: callers are synchronous (a require hook) and the cache is private (0600).
    const temp = `${target}.${process.pid}-${threadId}.tmp`;
    try {
        mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
        writeFileSync(temp, data, { mode: 0o600 });
        renameSync(temp, target);
        return true;
    } catch {
        try {
            unlinkSync(temp);
        } catch {
            // Never written.
        }
        return false;
    }
}
