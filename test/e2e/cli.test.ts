import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, runFerry } from '../support/cli.js';

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

    it('reports "not a project" as one line with a hint and exit 1', async () => {
        const result = await runFerry(['compile'], { cwd: dir });
        expect(result.code).not.toBe(0);
        expect(result.stderr.trim().split('\n')).toHaveLength(1);
    });
});
