/**
 * Finding the script of a worker thread (`<folder>/<name>.worker.js`): built into dist/ beside
 * Ferry's other files, or, running from the TypeScript sources (vitest), bundled once per process
 * from `src/<folder>/<name>.worker.ts` into node_modules/.cache so its bare imports (zod) resolve.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from './fs.js';

/** The worker script's path relative to dist/ (or src/), without extension: e.g. `runtime/runtime.worker`. */
type WorkerName = string;

const here = dirname(fileURLToPath(import.meta.url));
const fromSources = import.meta.url.endsWith('.ts');

/** dist/ holds `<name>.js`; this module may be a chunk (dist/chunks/x.js), the CLI or a source file. */
function findBuilt(name: WorkerName): string | undefined {
    let dir = here;
    for (let i = 0; i < 5; i++) {
        const candidate = join(dir, `${name}.js`);
        if (existsSync(candidate)) return candidate;
        const parent = dirname(dir);
        if (parent === dir) break;
        dir = parent;
    }
    return undefined;
}

/** The built worker when Ferry runs built, else undefined (it must be bundled from source first). */
export function knownWorkerFile(name: WorkerName): string | undefined {
    return fromSources ? undefined : findBuilt(name);
}

const fromSource = new Map<WorkerName, Promise<string>>();

/** The worker script, bundling it from source once per process when Ferry runs from its sources. */
export function resolveWorkerFile(name: WorkerName): Promise<string> {
    const known = knownWorkerFile(name);
    if (known) return Promise.resolve(known);
    let built = fromSource.get(name);
    if (!built) {
        built = buildFromSource(name);
        fromSource.set(name, built);
        built.catch(() => fromSource.delete(name));
    }
    return built;
}

/** Named by its content, so concurrent test processes share one file and nothing piles up. */
async function buildFromSource(name: WorkerName): Promise<string> {
    const src = dirname(here);
    const entry = join(src, `${name}.ts`);
    if (!existsSync(entry)) throw new Error(`a worker script is missing: ${join('dist', `${name}.js`)} was not found; run npm run build`);
    let root = src;
    while (!existsSync(join(root, 'package.json')) && dirname(root) !== root) root = dirname(root);
    const outDir = join(root, 'node_modules', '.cache', 'ferry-runtime');
    const esbuild = await import('esbuild');
    const base = name.replace(/[\\/]/g, '-');
    const built = await esbuild.build({ entryPoints: [entry], outfile: join(outDir, `${base}.mjs`), bundle: true, write: false, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'silent' });
    const text = built.outputFiles[0]!.text;
    const outfile = join(outDir, `${base}-${createHash('sha1').update(text).digest('hex').slice(0, 12)}.mjs`);
    if (!existsSync(outfile)) await writeFileAtomic(outfile, text);
    return outfile;
}
