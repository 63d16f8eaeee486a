import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { baseEnv, FERRY_BIN, makeTempDir, runFerry } from '../support/cli.js';

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

    it('prints the version', async () => {
        const result = await runFerry(['--version'], { cwd: dir });
        expect(result.code).toBe(0);
        expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
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
        // stderr made to look like a colour terminal before Ferry starts.
        const tty = `data:text/javascript,${encodeURIComponent('process.stderr.isTTY = true; process.stderr.columns = 100;')}`;
        const stderrOf = (args: string[]): string =>
            spawnSync(process.execPath, ['--import', tty, FERRY_BIN, ...args], { cwd: dir, env: baseEnv({ CI: undefined, NO_COLOR: undefined }), encoding: 'utf8' }).stderr;
        expect(stderrOf(['dryrun', 'issues', 'c1'])).toContain('\u001b[');
        expect(stderrOf(['dryrun', 'issues', 'c1', '--no-color'])).not.toContain('\u001b[');
        expect(stderrOf(['--no-color', 'dryrun', 'issues', 'c1'])).not.toContain('\u001b[');
    });

    it('reports "not a project" as one line with a hint and exit 1', async () => {
        const result = await runFerry(['compile'], { cwd: dir });
        expect(result.code).not.toBe(0);
        expect(result.stderr.trim().split('\n')).toHaveLength(1);
    });
});
