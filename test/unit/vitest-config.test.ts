import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/cli.js';
import { DEFAULT_INCLUDE, readProjectTestSettings } from '../../src/testing/vitest-config.js';
import { summarizeVitestReport } from '../../src/testing/vitest-report.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function dir(): Promise<string> {
    const { dir, cleanup } = await makeTempDir('ferry-vitest-config-');
    cleanups.push(cleanup);
    return dir;
}

describe('readProjectTestSettings', () => {
    it("reads the literal settings of Nango's generated vite.config.ts", async () => {
        const root = await dir();
        await writeFile(
            join(root, 'vite.config.ts'),
            `/// <reference types="vitest" />
// Configure Vitest (https://vitest.dev/config/)
import { defineConfig } from "vitest/config";
export default defineConfig({
  test: {
    include: ["**/*.{test,spec}.?(c|m)[jt]s?(x)", 'extra/**/*.spec.ts'],
    exclude: ['legacy/**'],
    setupFiles: "./vitest.setup.ts",
    globals: true,
    testTimeout: 20_000,
  },
});
`
        );
        expect(readProjectTestSettings(root)).toEqual({
            configFile: 'vite.config.ts',
            include: ['**/*.{test,spec}.?(c|m)[jt]s?(x)', 'extra/**/*.spec.ts'],
            exclude: ['**/node_modules/**', '**/.git/**', 'build/**', 'dist/**', '.nango/**', '.ferry/**', 'legacy/**'],
            setupFiles: ['vitest.setup.ts'],
            globals: true,
            testTimeout: 20000
        });
    });

    it('defaults to vitest.setup.ts when it exists and no config names setup files', async () => {
        const root = await dir();
        expect(readProjectTestSettings(root)).toMatchObject({ include: DEFAULT_INCLUDE, setupFiles: [] });
        await writeFile(join(root, 'vitest.setup.ts'), '');
        expect(readProjectTestSettings(root).setupFiles).toEqual(['vitest.setup.ts']);
    });
});

describe('summarizeVitestReport', () => {
    it("reduces vitest's JSON report to Ferry's shape, stack frames and colours dropped", () => {
        const report = {
            startTime: 1000,
            testResults: [
                {
                    name: '/p/github/tests/a.test.ts',
                    status: 'failed',
                    endTime: 1600,
                    assertionResults: [
                        { ancestorTitles: ['github', 'issues'], title: 'saves', status: 'passed', duration: 12.4, failureMessages: [] },
                        { ancestorTitles: ['github'], title: 'deletes', status: 'failed', duration: 3, failureMessages: ['\u001b[31mAssertionError: expected 1 to be 2\u001b[39m\n    at x (/p/a.test.ts:1:1)'] },
                        { ancestorTitles: [], title: 'later', status: 'todo', failureMessages: [] }
                    ]
                },
                { name: '/p/linear/tests/b.test.ts', status: 'failed', endTime: 1800, message: 'Failed to load url nango (resolved id: nango)\n    at y', assertionResults: [] }
            ]
        };
        expect(summarizeVitestReport(JSON.stringify(report), (file) => file.slice('/p/'.length))).toEqual({
            tests: [
                { file: 'github/tests/a.test.ts', name: 'github > issues > saves', ok: true, status: 'passed', durationMs: 12, failures: [] },
                { file: 'github/tests/a.test.ts', name: 'github > deletes', ok: false, status: 'failed', durationMs: 3, failures: ['AssertionError: expected 1 to be 2'] },
                { file: 'github/tests/a.test.ts', name: 'later', ok: true, status: 'todo', durationMs: 0, failures: [] }
            ],
            fileErrors: [{ file: 'linear/tests/b.test.ts', message: 'Failed to load url nango (resolved id: nango)' }],
            passed: 1,
            failed: 2,
            skipped: 1,
            durationMs: 800
        });
        expect(summarizeVitestReport(undefined, (file) => file)).toEqual({ tests: [], fileErrors: [], passed: 0, failed: 0, skipped: 0, durationMs: 0 });
    });
});
