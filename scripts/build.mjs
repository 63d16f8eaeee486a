// Builds the CLI into dist/: one ESM bundle per entry with code splitting, so each command's
// module (and its heavy dependencies) is only loaded when that command runs.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
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
    ...walk(join(root, 'src')).filter((f) => f.endsWith('.worker.ts')).map((f) => relative(root, f))
].filter((f) => existsSync(join(root, f)));

// Build beside dist/ and swap it in at the end, so a CLI already running never sees half a build.
const outdir = `dist.build-${process.pid}`;
rmSync(join(root, outdir), { recursive: true, force: true });

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
    define: { __FERRY_VERSION__: JSON.stringify(pkg.version) },
    logLevel: 'warning'
});

// Declarations for the SDK, so projects get complete types from `ferry` (and `nango`).
if (existsSync(join(root, 'tsconfig.sdk.json'))) {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.sdk.json', '--outDir', join(outdir, 'sdk')], {
        cwd: root,
        stdio: 'inherit'
    });
}

const old = `dist.old-${process.pid}`;
if (existsSync(join(root, 'dist'))) renameSync(join(root, 'dist'), join(root, old));
renameSync(join(root, outdir), join(root, 'dist'));
rmSync(join(root, old), { recursive: true, force: true });
