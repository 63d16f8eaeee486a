import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadVendoredZod, type ZodModules } from '../../src/compiler/vendored-zod.js';
import { userCacheDir } from '../../src/util/user-cache-dir.js';
import { REPO_ROOT, makeTempDir } from '../support/cli.js';

// The bundle `npm run build` writes (npm test builds first).
const BUNDLE = join(REPO_ROOT, 'dist/vendor/zod.cjs');

type Z = typeof import('zod');

describe('vendored zod', () => {
    let dir: string;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
        expect(existsSync(BUNDLE), `${BUNDLE} is missing: run npm run build`).toBe(true);
        ({ dir, cleanup } = await makeTempDir('ferry-zod-cache-'));
    });
    afterEach(async () => cleanup());

    const cacheFiles = (cacheDir: string): string[] => readdirSync(cacheDir).filter((name) => name.endsWith('.v8cache'));

    // V8 keeps what it compiled per process and would answer a second load from memory, never
    // looking at the cache file: loads that test the file run in a process of their own.
    let loader: string;
    beforeAll(async () => {
        const out = await makeTempDir('ferry-zod-loader-');
        loader = join(out.dir, 'loader.mjs');
        await build({ entryPoints: [join(REPO_ROOT, 'src/compiler/vendored-zod.ts')], outfile: loader, bundle: true, format: 'esm', platform: 'node', logLevel: 'silent' });
        return out.cleanup;
    });
    const loadInNewProcess = (cacheDir: string): { cache?: string; parsed?: unknown } => {
        const script = `const { loadVendoredZod } = await import(${JSON.stringify(loader)});
const loaded = loadVendoredZod(${JSON.stringify(BUNDLE)}, ${JSON.stringify(cacheDir)});
console.log(JSON.stringify({ cache: loaded?.cache, parsed: loaded?.modules.zod.object({ id: loaded.modules.zod.string() }).parse({ id: 'a' }) }));`;
        return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
    };

    it('serves every zod subpath from one copy of its internals', () => {
        const loaded = loadVendoredZod(BUNDLE, undefined);
        expect(loaded?.cache).toBe('off');
        const modules = loaded!.modules as ZodModules;
        expect(Object.keys(modules)).toEqual(expect.arrayContaining(['zod', 'zod/v4', 'zod/mini', 'zod/v4/core', 'zod/v3', 'zod/v4/locales/en.js', 'zod/v4/locales/en.cjs']));
        // A locale from the wildcard export is the same copy's too.
        expect(modules['zod/v4/locales/en.js']).toBe((modules['zod/v4/locales'] as { en: unknown }).en);
        expect(modules['zod/v4/locales/en.cjs']).toBe(modules['zod/v4/locales/en.js']);
        const z = modules['zod'] as Z;
        const v4 = modules['zod/v4'] as Z;
        expect(z.object({ id: z.string() }).parse({ id: 'a' })).toEqual({ id: 'a' });
        expect(v4.ZodType).toBe(z.ZodType);
        // A mini schema is a core schema of the same copy, so one zod checks another's schemas.
        const core = modules['zod/v4/core'] as { $ZodType: abstract new (...args: never[]) => unknown };
        const mini = modules['zod/mini'] as { string(): unknown };
        expect(mini.string()).toBeInstanceOf(core.$ZodType);
        expect(z.toJSONSchema(z.object({ n: z.number() }))).toMatchObject({ type: 'object', properties: { n: { type: 'number' } } });
    });

    it('writes its code cache once, then loads from it', () => {
        const cacheDir = join(dir, 'cache');
        expect(loadInNewProcess(cacheDir)).toEqual({ cache: 'written', parsed: { id: 'a' } });
        expect(cacheFiles(cacheDir)).toHaveLength(1);
        expect(loadInNewProcess(cacheDir)).toEqual({ cache: 'used', parsed: { id: 'a' } });
        // No temporary file is left beside the cache.
        expect(readdirSync(cacheDir)).toEqual(cacheFiles(cacheDir));
    });

    it('replaces a damaged cache and still loads', () => {
        const cacheDir = join(dir, 'cache');
        loadInNewProcess(cacheDir);
        const [name] = cacheFiles(cacheDir);
        writeFileSync(join(cacheDir, name!), 'not a code cache');
        expect(loadInNewProcess(cacheDir)).toEqual({ cache: 'written', parsed: { id: 'a' } });
        expect(loadInNewProcess(cacheDir)).toEqual({ cache: 'used', parsed: { id: 'a' } });
    });

    it('replaces the cache of an older bundle on this Node and keeps those of other Nodes', () => {
        const cacheDir = join(dir, 'cache');
        mkdirSync(cacheDir);
        const older = `zod-0123456789abcdef0123-${process.version}-${process.arch}.v8cache`;
        const otherNode = `zod-0123456789abcdef0123-v0.0.1-${process.arch}.v8cache`;
        for (const name of [older, otherNode, 'notes.txt']) writeFileSync(join(cacheDir, name), 'x');
        expect(loadInNewProcess(cacheDir).cache).toBe('written');
        const files = readdirSync(cacheDir);
        expect(files).not.toContain(older);
        expect(files).toEqual(expect.arrayContaining([otherNode, 'notes.txt']));
        expect(cacheFiles(cacheDir)).toHaveLength(2);
    });

    it('keeps no cache for a bundle that does not name its content', () => {
        const unnamed = join(dir, 'zod.cjs');
        writeFileSync(unnamed, readFileSync(BUNDLE, 'utf8').replace(/^\/\/ zod .*\n/, ''));
        const loaded = loadVendoredZod(unnamed, join(dir, 'cache'));
        expect(loaded?.cache).toBe('off');
        expect((loaded!.modules['zod'] as Z).number().parse(1)).toBe(1);
        expect(existsSync(join(dir, 'cache'))).toBe(false);
    });

    it('loads without a cache when its folder cannot be written', () => {
        const blocked = join(dir, 'a-file');
        writeFileSync(blocked, '');
        const loaded = loadVendoredZod(BUNDLE, join(blocked, 'cache'));
        expect(loaded?.cache).toBe('off');
        expect((loaded!.modules['zod'] as Z).boolean().parse(true)).toBe(true);
    });

    it('gives up (so require takes over) when the bundle is not there', () => {
        mkdirSync(join(dir, 'empty'));
        expect(loadVendoredZod(join(dir, 'empty', 'zod.cjs'), join(dir, 'cache'))).toBeUndefined();
    });

    it('keeps the cache per user: FERRY_CACHE_DIR, else XDG_CACHE_HOME, else ~/.cache', () => {
        expect(userCacheDir({ FERRY_CACHE_DIR: '/x/ferry-cache' })).toBe('/x/ferry-cache');
        if (process.platform === 'linux') {
            expect(userCacheDir({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/ferry');
            expect(userCacheDir({})).toMatch(/\/\.cache\/ferry$/);
        }
    });
});
