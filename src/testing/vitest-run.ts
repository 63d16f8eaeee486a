/**
 * `ferry test --vitest`: runs the project's own vitest files. A project without the `nango`
 * package gets a config of Ferry's (vitest-config.ts) that resolves `nango` and `nango/test` to
 * Ferry, so a Nango project's suite runs with no file changed; a project with `nango` installed
 * runs exactly as `vitest run` runs it there. The project's vitest is used when it has one,
 * Ferry's otherwise. Vitest runs in a child process: the project's tests never run in the CLI's.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { ferryPackageRoot, resolveFromFerry } from '../compiler/ferry-package.js';
import { projectPaths } from '../compiler/layout.js';
import { FerryError } from '../errors.js';
import { findProjectRoot, notAProject } from '../project/project.js';
import { writeFileAtomic } from '../util/fs.js';
import { summarizeVitestReport, type VitestSummary } from './vitest-report.js';
import { readProjectTestSettings, renderVitestConfig } from './vitest-config.js';

export interface VitestRunOptions {
    cwd: string;
    /** Only test files whose path contains this (vitest's filter). */
    functionName?: string;
    /** Only files under `<integration>/`. */
    integration?: string;
    /** Collect a summary (vitest's JSON report) instead of letting vitest print its own. */
    summary: boolean;
    /** Where vitest's own output goes: the terminal, or (when a summary is wanted) this stream. */
    progress?: NodeJS.WritableStream;
    env?: NodeJS.ProcessEnv;
}

export interface VitestRunResult {
    root: string;
    /** `ferry`: Ferry's nango/test mocks; `nango`: the project's own `nango` package, untouched. */
    mocks: 'ferry' | 'nango';
    /** The vitest that ran: the project's or Ferry's. */
    vitest: { version: string; from: 'project' | 'ferry' };
    exitCode: number;
    summary?: VitestSummary;
}

/** The project root as Ferry finds it, else the nearest folder with a package.json (a vitest project). */
function testRoot(cwd: string): string {
    try {
        return findProjectRoot(cwd);
    } catch (error) {
        for (let dir = resolve(cwd); ; dir = dirname(dir)) {
            if (existsSync(join(dir, 'package.json'))) return dir;
            if (dirname(dir) === dir) throw error instanceof FerryError ? error : notAProject(cwd);
        }
    }
}

/** A package's folder as the project resolves it; undefined when the project does not have it. */
function projectPackage(root: string, name: string): string | undefined {
    try {
        return dirname(createRequire(join(root, 'package.json')).resolve(`${name}/package.json`));
    } catch {
        return undefined;
    }
}

function vitestBin(packageDir: string): { bin: string; version: string } {
    const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string; bin?: string | Record<string, string> };
    const bin = typeof pkg.bin === 'string' ? pkg.bin : (pkg.bin?.['vitest'] ?? 'vitest.mjs');
    return { bin: join(packageDir, bin), version: pkg.version };
}

/** Writes the config that maps `nango` to Ferry; returns its path. */
async function writeFerryConfig(root: string): Promise<string> {
    const paths = projectPaths(root);
    const ferryRoot = ferryPackageRoot();
    const sdk = (file: string): string => join(ferryRoot, 'dist', 'sdk', file);
    const redirects: Record<string, string> = { nango: sdk('index.js'), 'nango/test': sdk('test-mocks.js') };
    if (!projectPackage(root, 'ferry')) Object.assign(redirects, { ferry: sdk('index.js'), 'ferry/test': sdk('test.js') });
    const config = renderVitestConfig({
        root,
        settings: readProjectTestSettings(root),
        redirects,
        fromFerry: projectPackage(root, 'zod') ? [] : ['zod'],
        ferryAnchor: join(ferryRoot, 'package.json'),
        inline: [sdk('test-mocks.js')],
        cacheDir: join(paths.cacheDir, 'vite')
    });
    const file = join(paths.cacheDir, 'vitest.config.mjs');
    await mkdir(paths.cacheDir, { recursive: true });
    await writeFileAtomic(file, config);
    return file;
}

function runChild(bin: string, args: string[], cwd: string, options: VitestRunOptions): Promise<number> {
    return new Promise((resolvePromise, reject) => {
        const child = spawn(process.execPath, [bin, ...args], {
            cwd,
            env: options.env ?? process.env,
            stdio: options.summary ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit']
        });
        if (options.summary) {
            child.stdout?.on('data', (chunk: Buffer) => options.progress?.write(chunk));
            child.stderr?.on('data', (chunk: Buffer) => options.progress?.write(chunk));
        }
        child.on('error', reject);
        child.on('close', (code, signal) => resolvePromise(code ?? (signal === 'SIGINT' ? 130 : 1)));
    });
}

export async function runVitest(options: VitestRunOptions): Promise<VitestRunResult> {
    const root = testRoot(options.cwd);
    const mocks = projectPackage(root, 'nango') ? 'nango' : 'ferry';
    const own = projectPackage(root, 'vitest');
    const { bin, version } = vitestBin(own ?? dirname(resolveFromFerry('vitest/package.json')));
    if (options.integration !== undefined && !existsSync(join(root, options.integration))) {
        throw new FerryError({
            code: 'INTEGRATION_NOT_FOUND',
            message: `there is no folder ${options.integration}/ in ${root}`,
            hint: 'Pass the name of an integration folder of the project to --integration.'
        });
    }
    const args = ['run'];
    if (mocks === 'ferry') args.push('--config', await writeFerryConfig(root));
    if (options.integration !== undefined) args.push('--dir', join(root, options.integration));
    const reportFile = join(projectPaths(root).cacheDir, `vitest-report-${process.pid}.json`);
    if (options.summary) {
        await mkdir(dirname(reportFile), { recursive: true });
        args.push('--reporter=json', `--outputFile=${reportFile}`);
    }
    if (options.functionName !== undefined) args.push(options.functionName);
    const exitCode = await runChild(bin, args, root, options);
    const result: VitestRunResult = { root, mocks, vitest: { version, from: own ? 'project' : 'ferry' }, exitCode };
    if (options.summary) {
        const text = await readFile(reportFile, 'utf8').catch(() => undefined);
        await rm(reportFile, { force: true });
        result.summary = summarizeVitestReport(text, (file) => relative(root, file).split('\\').join('/'));
    }
    return result;
}
