/**
 * The generated tsconfig decides what compile type-checks (what index.ts imports, not the
 * tsconfig's `include`), which zod every file sees and which type packages apply; the platform's
 * modules load from the project the bundle belongs to.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEvaluator } from '../../src/compiler/evaluate.js';
import { resolveFromFerry } from '../../src/compiler/ferry-package.js';
import { NANGO_EXPERIMENTAL_MODULE } from '../../src/compiler/nango-experimental.js';
import { PLATFORM_MODULES, isPlatformModule, platformModuleList } from '../../src/compiler/platform-modules.js';
import { loadPlatformModule } from '../../src/compiler/platform-require.js';
import { automaticTypes, generatedTsconfig, projectCompilerOption } from '../../src/compiler/typecheck-config.js';
import { typecheckJobs, typecheckProject } from '../../src/compiler/typecheck.js';
import { createTscRunner } from '../../src/dev/typecheck.js';
import { writeFiles, writeNangoProject, type NangoProjectOptions } from '../support/nango-project.js';

let base: string;
beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'ferry-scope-'));
});
afterAll(() => rm(base, { recursive: true, force: true }));

let count = 0;
async function nangoProject(files: Record<string, string>, options: NangoProjectOptions = {}): Promise<string> {
    const root = join(base, `p${++count}`);
    await writeNangoProject(root, files, options);
    return root;
}

const config = (root: string, chunk?: Parameters<typeof generatedTsconfig>[2]) => JSON.parse(generatedTsconfig(root, join(root, 'build/.ferry'), chunk));

describe('generatedTsconfig: scope', () => {
    it("checks index.ts and what it imports, never what the project's include matches", async () => {
        const root = await nangoProject({});
        const generated = config(root);
        expect(generated.extends).toBe(join(root, 'tsconfig.json'));
        expect(generated.files).toEqual([join(root, 'index.ts')]);
        expect(generated.include).toEqual([]);
        expect(generated.exclude).toBeUndefined();
    });

    it('checks exactly the files of a chunk', async () => {
        const root = await nangoProject({});
        const generated = config(root, { files: [join(root, 'a/syncs/x.ts')], buildInfo: 'tsbuildinfo-2-0' });
        expect(generated.files).toEqual([join(root, 'a/syncs/x.ts')]);
        expect(generated.include).toEqual([]);
        expect(generated.compilerOptions.tsBuildInfoFile).toBe(join(root, 'build/.ferry/tsbuildinfo-2-0'));
    });

    it('keeps the clean-check chunks: every entry in one job, one tsBuildInfo per chunk', async () => {
        const root = await nangoProject({});
        const entries = Array.from({ length: 1300 }, (_, i) => join(root, `svc${i % 40}/actions/f${i}.ts`));
        const jobs = typecheckJobs(root, join(root, 'build/.ferry'), entries);
        expect(jobs.length).toBeGreaterThan(1);
        const configs = jobs.map((job) => JSON.parse(job.configText));
        expect(configs.flatMap((c) => c.files).sort()).toEqual([...entries].sort());
        expect(configs.every((c) => c.include.length === 0)).toBe(true);
    });
});

describe('generatedTsconfig: one zod', () => {
    it("maps 'zod' and its subpaths to the project's own zod 4 for every file, the SDK's declarations included", async () => {
        const root = await nangoProject({});
        const { paths } = config(root).compilerOptions;
        expect(paths.zod).toEqual([join(root, 'node_modules/zod/index.d.ts')]);
        expect(paths['zod/*']).toEqual([join(root, 'node_modules/zod/*/index.d.ts'), join(root, 'node_modules/zod/*.d.ts')]);
        expect(paths.nango[0]).toMatch(/(dist\/sdk\/index\.d\.ts|src\/sdk\/index\.ts)$/);
    });

    it("uses Ferry's zod without one installed, or with a zod that is not 4.x", async () => {
        const ferryZod = dirname(resolveFromFerry('zod/package.json'));
        const none = await nangoProject({}, { zod: false });
        expect(config(none).compilerOptions.paths.zod).toEqual([join(ferryZod, 'index.d.ts')]);
        const old = join(base, 'zod3');
        await writeFiles(old, { 'package.json': JSON.stringify({ name: 'zod', version: '3.25.0' }) });
        const three = await nangoProject({}, { zod: old });
        expect(config(three).compilerOptions.paths.zod).toEqual([join(ferryZod, 'index.d.ts')]);
    });

    it("keeps the project's own mapping of zod and its other paths, made absolute", async () => {
        const root = await nangoProject({}, { tsconfig: { compilerOptions: { strict: true, paths: { zod: ['./vendor/zod/index.d.ts'], '@lib/*': ['./lib/*'] } } } });
        const { paths } = config(root).compilerOptions;
        expect(paths.zod).toEqual([join(root, 'vendor/zod/index.d.ts')]);
        expect(paths['@lib/*']).toEqual([join(root, 'lib/*')]);
    });
});

describe('generatedTsconfig: type packages', () => {
    it("names every package of the project's node_modules/@types, as TypeScript 5 would include them", async () => {
        const root = await nangoProject({ 'node_modules/@types/unneeded/package.json': JSON.stringify({ typings: null }) });
        await writeFiles(root, { 'node_modules/@types/extra/index.d.ts': 'declare const extraGlobal: number;\n' });
        const { typeRoots, types } = config(root).compilerOptions;
        expect(typeRoots).toEqual([join(root, 'node_modules/@types')]);
        expect(types).toEqual(['extra', 'node']);
        expect(automaticTypes([join(root, 'missing')])).toEqual([]);
    });

    it("leaves `types` and `typeRoots` to the project when its tsconfig (or one it extends) sets them", async () => {
        const root = await nangoProject({
            'tsconfig.base.json': JSON.stringify({ compilerOptions: { types: ['node'] } })
        }, { tsconfig: { extends: './tsconfig.base.json', compilerOptions: { strict: true } } });
        expect(projectCompilerOption(join(root, 'tsconfig.json'), 'types')).toEqual(['node']);
        const generated = config(root).compilerOptions;
        expect(generated.types).toBeUndefined();
        expect(generated.typeRoots).toEqual([join(root, 'node_modules/@types')]);

        const own = await nangoProject({}, { tsconfig: { compilerOptions: { typeRoots: ['./types'] } } });
        await writeFiles(own, { 'types/mine/index.d.ts': 'declare const mine: string;\n' });
        const ownOptions = config(own).compilerOptions;
        expect(ownOptions.typeRoots).toBeUndefined();
        expect(ownOptions.types).toEqual(['mine']);
    });
});

describe('typecheckProject on a Nango-style project', () => {
    const SYNC = `import { createSync } from 'nango';
import { z } from 'zod';
import { size } from '../helpers.js';

const Issue = z.object({ id: z.string(), bytes: z.number() });

export default createSync({
    description: 'Issues',
    frequency: 'every hour',
    models: { Issue },
    exec: async (nango) => {
        const body: Buffer = Buffer.from('abc');
        await nango.batchSave([{ id: 'a', bytes: size(body) }], 'Issue');
    }
});
`;
    const files = (sync: string) => ({
        'index.ts': "import './github/syncs/issues.js';\n",
        'github/syncs/issues.ts': sync,
        'github/helpers.ts': 'export function size(b: Buffer): number { return b.length; }\n',
        // What the tsconfig's include matches but index.ts never imports: none of it is compile's business.
        'github/syncs/issues.test.ts': "import { expect } from 'vitest';\nconst n: number = 'not a number';\nexpect(n).toBe(1);\n",
        'github/mocks/fixture.ts': 'export const broken: string = 42;\n',
        'github/unregistered.ts': 'export const unused: boolean = "no";\n',
        'scripts/seed.ts': 'const x: number = "x";\n'
    });

    it('passes with broken test files, mocks and unregistered helpers, the project zod 4.3.6 and @types/node', async () => {
        const root = await nangoProject(files(SYNC));
        const outcome = await typecheckProject({ root, cacheDir: join(root, 'build/.ferry') });
        expect(outcome.diagnostics).toEqual([]);
        // dev's background check runs the same jobs: the same scope.
        const dev = await createTscRunner(root, join(root, 'build/.ferry-dev'), () => [join(root, 'github/syncs/issues.ts')]).check(new AbortController().signal, 'all');
        expect(dev.errors).toEqual([]);
    });

    it('types the records from the schema: a wrong field type is an error, so the type is neither unknown nor any', async () => {
        const root = await nangoProject(files(SYNC.replace("bytes: size(body) }", "bytes: String(size(body)) }")));
        const outcome = await typecheckProject({ root, cacheDir: join(root, 'build/.ferry') });
        expect(outcome.diagnostics).toHaveLength(1);
        expect(outcome.diagnostics[0]).toMatchObject({ file: join(root, 'github/syncs/issues.ts'), code: 'TS2322' });
        expect(outcome.diagnostics[0]!.message).toMatch(/'string' is not assignable to type 'number'/);
    });

    it("types 'nango/experimental' without the nango package installed", async () => {
        const root = await nangoProject({
            'index.ts': "import './github/syncs/issues.js';\n",
            'github/syncs/issues.ts': SYNC.replace("import { size } from '../helpers.js';", "import { deriveFunctionCapabilities } from 'nango/experimental';\nconst size = (b: Buffer): number => b.length + (deriveFunctionCapabilities({}).usesRecords ? 1 : 0);")
        });
        const outcome = await typecheckProject({ root, cacheDir: join(root, 'build/.ferry') });
        expect(outcome.diagnostics).toEqual([]);
    });
});

describe('platform modules', () => {
    it("are Nango's set, and the message lists all of them", () => {
        expect([...PLATFORM_MODULES].sort()).toEqual(['botbuilder', 'crypto', 'nango/experimental', 'node:crypto', 'node:url', 'soap', 'unzipper', 'url', 'zod'].sort());
        expect(platformModuleList()).toContain("'soap', 'unzipper', 'botbuilder', 'nango/experimental'");
        // Exactly these, as nango compile checks them: no zod subpath, no other entry of nango.
        for (const refused of ['zod/v4', 'zod/mini', 'nango/test', 'soap/lib/client', 'node:fs']) expect(isPlatformModule(refused)).toBe(false);
    });

    it("load from the node_modules of the project the bundle belongs to", async () => {
        const root = await nangoProject({
            'node_modules/soap/package.json': JSON.stringify({ name: 'soap', version: '1.0.0', main: 'index.js' }),
            'node_modules/soap/index.js': "exports.createClientAsync = async () => 'fake soap client';\n"
        });
        const bundle = join(root, 'build/github_syncs_issues.cjs');
        expect(loadPlatformModule('soap', bundle)).toHaveProperty('createClientAsync');
        // What a bundle's require does, in compile and in the dryrun worker alike.
        const evaluator = createEvaluator();
        const exported = evaluator.evaluate("module.exports = { kind: typeof require('soap').createClientAsync, crypto: typeof require('node:crypto').randomUUID };", bundle) as Record<string, string>;
        expect(exported).toEqual({ kind: 'function', crypto: 'function' });
    });

    it('say what to do when the project has not installed one, and never load what the platform does not provide', async () => {
        const root = await nangoProject({});
        const bundle = join(root, 'build/x.cjs');
        expect(() => loadPlatformModule('unzipper', bundle)).toThrow(/Cannot find module 'unzipper'.*install it in the project \(npm i unzipper\)/);
        expect(() => loadPlatformModule('left-pad', bundle)).toThrow("Cannot find module 'left-pad': the platform does not provide it");
    });

    it("give Ferry's nango/experimental without the nango package, the project's with it", async () => {
        const without = await nangoProject({});
        const ours = loadPlatformModule('nango/experimental', join(without, 'build/x.cjs')) as typeof NANGO_EXPERIMENTAL_MODULE;
        expect(ours).toBe(NANGO_EXPERIMENTAL_MODULE);
        const fn = ours.createFunction({ description: 'x', data: { models: { A: z.object({ id: z.string() }) } }, exec: async () => undefined });
        expect(fn).toMatchObject({ type: 'function', description: 'x', capabilities: { usesRecords: true, usesCheckpoints: false, usesMetadata: false, usesOutbound: true, usesInvoke: false } });
        expect(ours.deriveFunctionCapabilities({ requires: { connection: false } }).usesOutbound).toBe(false);

        const withNango = await nangoProject({
            'node_modules/nango/package.json': JSON.stringify({ name: 'nango', version: '0.71.10', exports: { './experimental': { require: './experimental.cjs' } } }),
            'node_modules/nango/experimental.cjs': "exports.createFunction = () => 'the project nango';\n"
        });
        const theirs = loadPlatformModule('nango/experimental', join(withNango, 'build/x.cjs')) as { createFunction: () => string };
        expect(theirs.createFunction()).toBe('the project nango');

        // A Node that cannot require the package's ES modules gets the same exports from Ferry; any other failure is the package's own.
        const esmOnly = await nangoProject({
            'node_modules/nango/package.json': JSON.stringify({ name: 'nango', version: '0.71.10', exports: { './experimental': { require: './experimental.cjs' } } }),
            'node_modules/nango/experimental.cjs': "throw Object.assign(new Error('require() of ES Module'), { code: 'ERR_REQUIRE_ESM' });\n"
        });
        expect(loadPlatformModule('nango/experimental', join(esmOnly, 'build/x.cjs'))).toBe(NANGO_EXPERIMENTAL_MODULE);
        await writeFiles(esmOnly, { 'node_modules/nango/experimental.cjs': "throw new Error('broken install');\n" });
        expect(() => loadPlatformModule('nango/experimental', join(esmOnly, 'build/y/x.cjs'))).toThrow('broken install');
    });
});
