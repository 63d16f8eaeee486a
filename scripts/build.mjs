// Builds the CLI into dist/: one ESM bundle per entry with code splitting, so each command's
// module (and its heavy dependencies) is only loaded when that command runs.
import { build, transform } from 'esbuild';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function walk(dir) {
    return readdirSync(dir).flatMap((name) => {
        const full = join(dir, name);
        return statSync(full).isDirectory() ? walk(full) : [full];
    });
}

// Entries: the CLI, the SDK surfaces user code imports, and any worker scripts.
const entryPoints = [
    'src/cli.ts',
    'src/sdk/index.ts',
    'src/sdk/shim.ts',
    'src/sdk/test.ts',
    // nango/test's mocks (imports vitest): ferry/test loads it inside vitest runs only.
    'src/sdk/test-mocks.ts',
    // Loaded by bin/ferry.js before the CLI, to place Node's compile cache.
    'src/util/user-cache-dir.ts',
    ...walk(join(root, 'src')).filter((f) => f.endsWith('.worker.ts')).map((f) => relative(root, f))
].filter((f) => existsSync(join(root, f)));

// Build beside dist/ and swap it in at the end, so a CLI already running never sees half a build.
const outdir = `dist.build-${process.pid}`;
const testTypes = join(root, `${outdir}.test-types`);
rmSync(join(root, outdir), { recursive: true, force: true });
// A failed esbuild or tsc run must not leave its scratch folders in the checkout; after a success
// both are already gone (renamed to dist/, removed), so this is a no-op then.
process.on('exit', () => {
    for (const scratch of [join(root, outdir), testTypes]) rmSync(scratch, { recursive: true, force: true });
});

// The dashboard of `ferry serve` (src/serve/dashboard/client: one page, a plain script, a style),
// minified and baked into the bundle: the installed CLI serves it with no file beside it.
const dashboardDir = join(root, 'src/serve/dashboard/client');
const dashboardAsset = async (name, loader) => (await transform(readFileSync(join(dashboardDir, name), 'utf8'), { loader, minify: true, target: 'es2022' })).code;
const dashboard = { html: readFileSync(join(dashboardDir, 'index.html'), 'utf8'), js: await dashboardAsset('app.js', 'js'), css: await dashboardAsset('app.css', 'css') };

await build({
    absWorkingDir: root,
    entryPoints,
    outdir,
    outbase: 'src',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.18',
    packages: 'external',
    sourcemap: 'linked',
    chunkNames: 'chunks/[name]-[hash]',
    define: { __FERRY_VERSION__: JSON.stringify(pkg.version), __FERRY_DASHBOARD__: JSON.stringify(dashboard) },
    plugins: [vendoredCommander()],
    logLevel: 'warning'
});

// commander as one ES module (dist/vendor/commander.js): every command parses its flags with it,
// and importing it from its CommonJS files costs about twice as long (14 ms against 8 on Node 20)
// as one file. Only src/cli.ts imports it, so dist/cli.js finds it at ./vendor/commander.js.
function vendoredCommander() {
    return {
        name: 'vendored-commander',
        setup(plugin) {
            plugin.onResolve({ filter: /^commander$/ }, (args) => {
                if (relative(root, args.importer) !== join('src', 'cli.ts')) {
                    return { errors: [{ text: `only src/cli.ts may import commander (dist/vendor/commander.js is found from dist/cli.js); ${args.importer} does` }] };
                }
                return { path: './vendor/commander.js', external: true };
            });
        }
    };
}
await build({
    absWorkingDir: root,
    stdin: { contents: "export * from 'commander';\n", resolveDir: root, sourcefile: 'vendored-commander-entry.js', loader: 'js' },
    outfile: join(outdir, 'vendor/commander.js'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.18',
    // commander's CommonJS requires Node's modules; an ES module has no require of its own.
    banner: {
        js: `// commander ${JSON.parse(readFileSync(join(root, 'node_modules/commander/package.json'), 'utf8')).version}, bundled by Ferry's build; its licence is in commander.LICENSE beside this file.\nimport { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);`
    },
    logLevel: 'warning'
});
copyFileSync(join(root, 'node_modules/commander/LICENSE'), join(root, outdir, 'vendor/commander.LICENSE'));

// zod as one file (src/compiler/vendored-zod.ts loads it with a V8 code cache): every subpath zod
// exports for require, behind getters so a subpath's modules run only when it is first required,
// all sharing one copy of zod's internals as require would. The first line names the content's
// hash: the code cache is kept per content, whatever path Ferry is installed at.
const zodPackage = JSON.parse(readFileSync(join(root, 'node_modules/zod/package.json'), 'utf8'));
const zodSubpaths = Object.entries(zodPackage.exports)
    .filter(([subpath, target]) => subpath !== './package.json' && !subpath.includes('*') && typeof target === 'object' && target.require)
    .map(([subpath, target]) => [subpath === '.' ? 'zod' : `zod/${subpath.slice(2)}`, subpath === '.' ? 'zod' : `zod/${subpath.slice(2)}`]);
// The one wildcard export: each locale, as `zod/v4/locales/en.js` (what TypeScript users write) and `.cjs`.
for (const file of readdirSync(join(root, 'node_modules/zod/v4/locales')).filter((name) => name.endsWith('.cjs') && name !== 'index.cjs')) {
    const base = `zod/v4/locales/${file.slice(0, -'.cjs'.length)}`;
    zodSubpaths.push([`${base}.cjs`, `${base}.cjs`], [`${base}.js`, `${base}.cjs`]);
}
const zodBuild = await build({
    absWorkingDir: root,
    stdin: {
        contents: `module.exports = {\n${zodSubpaths.map(([specifier, file]) => `    get ${JSON.stringify(specifier)}() { return require(${JSON.stringify(file)}); }`).join(',\n')}\n};\n`,
        resolveDir: root,
        sourcefile: 'vendored-zod-entry.cjs',
        loader: 'js'
    },
    outfile: join(outdir, 'vendor/zod.cjs'),
    write: false,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20.18',
    minifyWhitespace: true,
    logLevel: 'warning'
});
const zodCode = zodBuild.outputFiles[0].text;
const zodHash = createHash('sha256').update(zodCode).digest('hex').slice(0, 20);
mkdirSync(join(root, outdir, 'vendor'), { recursive: true });
writeFileSync(join(root, outdir, 'vendor/zod.cjs'), `// zod ${zodPackage.version} ${zodHash}, bundled by Ferry's build; its licence is in zod.LICENSE beside this file.\n${zodCode}`);
copyFileSync(join(root, 'node_modules/zod/LICENSE'), join(root, outdir, 'vendor/zod.LICENSE'));

// Declarations for the SDK, so projects get complete types from `ferry` (and `nango`).
function tsc(args) {
    return new Promise((resolve, reject) => {
        execFile(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), ...args], { cwd: root }, (error, stdout, stderr) => {
            if (error) reject(new Error(`tsc ${args.join(' ')} failed:\n${stdout}${stderr}`));
            else resolve();
        });
    });
}

// `ferry/test` declares its whole surface in src/sdk/test.ts and loads the replay code lazily, so
// its declaration file stands alone. It cannot join tsconfig.sdk.json (its lazy import reaches out
// of src/sdk), hence a run of its own in a scratch folder, keeping only that one file. Both tsc runs
// go in parallel: the native compiler is mostly start-up.
await Promise.all([
    tsc(['-p', 'tsconfig.sdk.json', '--outDir', join(outdir, 'sdk')]),
    tsc(['--ignoreConfig', '--declaration', '--emitDeclarationOnly', '--skipLibCheck', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node', '--rootDir', 'src', '--outDir', testTypes, 'src/sdk/test.ts'])
]);
// test.d.ts names the mocks' types, declared in test-mocks*.d.ts beside it.
for (const file of readdirSync(join(testTypes, 'sdk')).filter((name) => /^test(-[a-z-]+)?\.d\.ts$/.test(name))) {
    copyFileSync(join(testTypes, 'sdk', file), join(root, outdir, 'sdk', file));
}
rmSync(testTypes, { recursive: true, force: true });

const old = `dist.old-${process.pid}`;
if (existsSync(join(root, 'dist'))) renameSync(join(root, 'dist'), join(root, old));
renameSync(join(root, outdir), join(root, 'dist'));
rmSync(join(root, old), { recursive: true, force: true });
