/**
 * Diagnostics read the same whatever found them: esbuild's errors get compile's code frame with a
 * 1-based character column (esbuild counts bytes from 0), every diagnostic in a function's own
 * file names that function, and dev prints a diagnostic with compile's `[CODE]`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createColors } from 'picocolors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunctions, characterColumn } from '../../src/compiler/bundle.js';
import { withFunctions } from '../../src/compiler/compile-diagnostics.js';
import { formatDiagnostic } from '../../src/compiler/diagnostic-text.js';
import { codeFrame } from '../../src/compiler/frame.js';
import { formatEvent } from '../../src/dev/print.js';
import { toFunctionRef } from '../../src/project/project.js';
import { makeTempDir } from '../support/cli.js';

const colors = createColors(false);

describe('bundle errors', () => {
    let root: string;
    let cleanup: () => Promise<void>;
    // An accent before the error: esbuild's byte column is one more than the character column.
    const source = "import { createSync } from 'nango';\nconst greeting = 'héllo';\n\tconst x x = 1;\nexport default createSync({});\n";

    beforeAll(async () => {
        ({ dir: root, cleanup } = await makeTempDir('ferry-diagnostics-'));
        await mkdir(join(root, 'github/syncs'), { recursive: true });
        await writeFile(join(root, 'github/syncs/issues.ts'), source.replace('\tconst x x', "const s = 'é'; const x x"));
        await writeFile(join(root, 'github/syncs/tabs.ts'), source);
    });
    afterAll(() => cleanup());

    it('carry a 1-based character column, the function, and the code frame type errors get', async () => {
        const ref = toFunctionRef(root, 'github/syncs/issues.ts', 1)!;
        const { errors } = await bundleFunctions(root, [ref], { sourcemap: false });
        expect(errors).toHaveLength(1);
        const [error] = errors;
        const line = "const s = 'é'; const x x = 1;";
        expect(error).toMatchObject({ file: ref.file, line: 3, column: line.indexOf('x x') + 3, code: 'BUNDLE_ERROR', function: 'github/issues' });
        expect(error!.frame).toBe(codeFrame(await readFile(ref.file, 'utf8'), 3, error!.column!));
        expect(error!.frame!.split('\n').slice(1, 3)).toEqual([`> 3 | ${line}`, `    | ${' '.repeat(error!.column! - 1)}^`]);

        const text = formatDiagnostic(error!, { root, colors, tty: true });
        expect(text.split('\n')[0]).toBe(`github/syncs/issues.ts:3:${error!.column}  ${error!.message} [BUNDLE_ERROR]`);
        expect(text).toContain(`> 3 | ${line}`);
    });

    it('put the caret under the column when tabs come before it', async () => {
        const ref = toFunctionRef(root, 'github/syncs/tabs.ts', 1)!;
        const [error] = (await bundleFunctions(root, [ref], { sourcemap: false })).errors;
        // `\tconst x x`: the second x is the 10th character.
        expect(error).toMatchObject({ line: 3, column: 10 });
        expect(error!.frame!.split('\n').slice(1, 3)).toEqual(['> 3 |     const x x = 1;', `    | ${' '.repeat(12)}^`]);
    });

    it('count characters, not bytes', () => {
        expect(characterColumn("const s = 'é'; x", 16)).toBe(16);
        expect(characterColumn('plain', 0)).toBe(1);
    });
});

describe('withFunctions', () => {
    const root = '/project';
    const refs = [toFunctionRef(root, 'github/actions/create-issue.ts', 1)!, toFunctionRef(root, 'github/syncs/issues.ts', 2)!];

    it("names the function of a diagnostic in its own file, and none for a helper, index.ts or a file-less one", () => {
        const out = withFunctions(
            [
                { file: '/project/github/actions/create-issue.ts', line: 9, column: 5, code: 'TS2322', message: 'a' },
                { file: '/project/github/helpers.ts', line: 1, column: 1, code: 'TS2304', message: 'b' },
                { file: '/project/index.ts', line: 2, column: 1, code: 'ENTRY_NOT_FOUND', message: 'c' },
                { code: 'TYPECHECK_FAILED', message: 'd' },
                { file: '/project/github/syncs/issues.ts', code: 'DUPLICATE_NAME', message: 'e', function: 'github/issues' }
            ],
            refs
        );
        expect(out.map((d) => d.function ?? null)).toEqual(['github/create-issue', null, null, null, 'github/issues']);
        expect(out[1]).not.toHaveProperty('function');
    });
});

describe('dev and compile print a diagnostic alike', () => {
    it('uses [CODE] and the same head line in both', () => {
        const d = { file: '/project/github/syncs/issues.ts', line: 9, column: 11, code: 'TS2322', message: "Type 'string' is not assignable to type 'number'.", function: 'github/issues' };
        const compile = formatDiagnostic(d, { root: '/project', colors, tty: false });
        const dev = formatEvent({ event: 'typecheck', ok: false, errors: [d], durationMs: 1200 }, { root: '/project', colors });
        expect(compile).toBe("github/syncs/issues.ts:9:11  Type 'string' is not assignable to type 'number'. [TS2322]");
        expect(dev).toEqual(['✗ type-check: 1 error (1.20 s)', `  ${compile}`]);
    });
});
