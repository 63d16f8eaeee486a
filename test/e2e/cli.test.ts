import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import module from 'node:module';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { baseEnv, FERRY_BIN, makeTempDir, REPO_ROOT, runFerry } from '../support/cli.js';

// stderr made to look like a colour terminal before Ferry starts.
const tty = `data:text/javascript,${encodeURIComponent('process.stderr.isTTY = true; process.stderr.columns = 100;')}`;

describe('the CLI shell', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    beforeAll(async () => ({ dir, cleanup } = await makeTempDir()));
    afterAll(() => cleanup());

    it('lists every command in --help', async () => {
        const result = await runFerry(['--help'], { cwd: dir });
        expect(result.code).toBe(0);
        for (const command of ['init', 'generate', 'clone', 'compile', 'dev', 'dryrun', 'test', 'deploy']) {
            expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b.*\\S`, 'm'));
        }
    });

    it("each command's --help has examples", async () => {
        const results = await Promise.all(['init', 'generate', 'clone', 'compile', 'dev', 'dryrun', 'test', 'deploy'].map((name) => runFerry([name, '--help'], { cwd: dir })));
        for (const result of results) {
            expect(result.code).toBe(0);
            expect(result.stdout).toMatch(/^Examples:\n  ferry \w+/m);
        }
    });

    it("keeps Node's compile cache (Node 22.1 and newer) in Ferry's per-user cache folder, never the shared temporary one", async () => {
        const cacheDir = join(dir, 'user-cache');
        const result = await runFerry(['--version'], { cwd: dir, env: { FERRY_CACHE_DIR: cacheDir, NODE_COMPILE_CACHE: undefined } });
        expect(result.code).toBe(0);
        expect(existsSync(join(cacheDir, 'node-compile-cache'))).toBe(typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function');
    });

    it("prints package.json's version", async () => {
        const { version } = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
        for (const flag of ['--version', '-V']) {
            const result = await runFerry([flag], { cwd: dir });
            expect(result.code).toBe(0);
            expect(result.stdout).toBe(`${version}\n`);
        }
    });

    it('rejects an unknown command with exit 1', async () => {
        const result = await runFerry(['bogus'], { cwd: dir });
        expect(result.code).toBe(1);
        expect(result.stderr).toContain("unknown command 'bogus'");
    });

    it('reports a bad flag as one line with the suggestion and where to look', async () => {
        const result = await runFerry(['compile', '--jsn'], { cwd: dir });
        expect(result.code).toBe(1);
        expect(result.stdout).toBe('');
        expect(result.stderr.trim().split('\n')).toEqual(["error unknown option '--jsn'. Did you mean --json? Run `ferry compile --help` to see the usage."]);
    });

    it('prints one JSON document on stdout for a usage error under --json', async () => {
        for (const args of [['dryrun', 'issues', '--json'], ['test', '--json', '--integration'], ['deploy', '--json', '--bogus'], ['compile', '--json', 'extra']]) {
            const result = await runFerry(args, { cwd: dir });
            expect(result.code, args.join(' ')).toBe(1);
            const doc = JSON.parse(result.stdout) as { error: { code: string; message: string; hint: string } };
            expect(doc.error.code).toBe('USAGE');
            expect(doc.error.hint).toContain(`ferry ${args[0]} --help`);
            expect(result.stderr.trim().split('\n')).toHaveLength(1);
        }
    });

    it('dev --json reports an error before watching starts as one JSON line', async () => {
        for (const args of [['dev', '--json'], ['dev', '--json', '--bogus']]) {
            const result = await runFerry(args, { cwd: dir });
            expect(result.code, args.join(' ')).toBe(1);
            const lines = result.stdout.trimEnd().split('\n');
            expect(lines).toHaveLength(1);
            expect(JSON.parse(lines[0]!)).toMatchObject({ error: { code: args.length === 2 ? 'NOT_A_PROJECT' : 'USAGE' } });
        }
    });

    it('--no-color turns colours off before or after the command name', async () => {
        const stderrOf = (args: string[]): string =>
            spawnSync(process.execPath, ['--import', tty, FERRY_BIN, ...args], { cwd: dir, env: baseEnv({ CI: undefined, NO_COLOR: undefined }), encoding: 'utf8' }).stderr;
        expect(stderrOf(['dryrun', 'issues', 'c1'])).toContain('\u001b[');
        expect(stderrOf(['dryrun', 'issues', 'c1', '--no-color'])).not.toContain('\u001b[');
        expect(stderrOf(['--no-color', 'dryrun', 'issues', 'c1'])).not.toContain('\u001b[');
    });

    it('NO_COLOR turns colours off when it has a value, not when it is empty', () => {
        const stderrWith = (noColor: string): string =>
            spawnSync(process.execPath, ['--import', tty, FERRY_BIN, 'dryrun', 'issues', 'c1'], { cwd: dir, env: baseEnv({ CI: undefined, NO_COLOR: noColor }), encoding: 'utf8' })
                .stderr;
        expect(stderrWith('1')).toMatch(/^error /);
        expect(stderrWith('1')).not.toContain('\u001b[');
        expect(stderrWith('')).toContain('\u001b[');
    });

    it('FERRY_DEBUG=1 prints debug lines on stderr like --debug; unset, 0 or false prints none', async () => {
        const project = join(dir, 'debug-project');
        await mkdir(join(project, '.nango'), { recursive: true });
        await writeFile(join(project, 'index.ts'), '');
        const debugLines = (stderr: string): string[] => stderr.split('\n').filter((line) => line.startsWith('[compile] '));
        const compile = (args: string[], env: Record<string, string | undefined>) => runFerry(['compile', '--no-typecheck', ...args], { cwd: project, env });

        const fromEnv = await compile([], { FERRY_DEBUG: '1' });
        expect(fromEnv.code, fromEnv.stderr).toBe(0);
        expect(debugLines(fromEnv.stderr)).toEqual(expect.arrayContaining(['[compile] load: reading index.ts', '[compile] write: writing build/ and the manifest']));
        expect(fromEnv.stdout).not.toContain('[compile]');

        // The same stages as --debug; only their timings differ between runs.
        const withoutTimings = (stderr: string): string[] => debugLines(stderr).map((line) => line.replace(/ \([^)]*\)$/, ''));
        const fromFlag = await compile(['--debug'], { FERRY_DEBUG: undefined });
        expect(withoutTimings(fromEnv.stderr)).toEqual(withoutTimings(fromFlag.stderr));

        for (const value of [undefined, '0', 'false']) {
            const quiet = await compile([], { FERRY_DEBUG: value });
            expect(quiet.code, quiet.stderr).toBe(0);
            expect(debugLines(quiet.stderr), `FERRY_DEBUG=${value}`).toEqual([]);
            expect(quiet.stdout).toMatch(/^✓ compiled 0 functions/);
            expect(quiet.stderr).toBe('bundles in build/, manifest in .nango/nango.json\n');
        }
    });

    it('reports "not a project" as one line with a hint and exit 1', async () => {
        const result = await runFerry(['compile'], { cwd: dir });
        expect(result.code).toBe(1);
        expect(result.stdout).toBe('');
        expect(result.stderr).toBe(
            `error ${dir} is not inside a functions project (no folder with both index.ts and .nango/). Run this inside your functions folder, or create one with \`ferry init\`.\n`
        );
    });
});
