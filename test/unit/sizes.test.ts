/**
 * The size rule of docs/architecture.md: no source file over 300 lines, no function over 80
 * unless the comment above it says why it must be one piece (scripts/sizes.mjs measures).
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without declarations
import { MAX_FILE_LINES, MAX_FUNCTION_LINES, measure } from '../../scripts/sizes.mjs';

interface Sizes {
    files: { path: string; lines: number }[];
    functions: { path: string; name: string; line: number; lines: number; why: boolean }[];
}

describe('source sizes', () => {
    const sizes = measure(resolve(import.meta.dirname, '../..')) as Sizes;

    it(`has no source file over ${MAX_FILE_LINES} lines`, () => {
        expect(sizes.files.map((file) => `${file.path}: ${file.lines} lines`)).toEqual([]);
    });

    it(`has no function over ${MAX_FUNCTION_LINES} lines without a comment saying why it is one piece`, () => {
        expect(sizes.functions.filter((fn) => !fn.why).map((fn) => `${fn.path}:${fn.line} ${fn.name}: ${fn.lines} lines`)).toEqual([]);
    });

    it('measures what it claims (a long function is seen, with its name)', () => {
        expect(sizes.functions.some((fn) => fn.name === 'agentsFile' && fn.lines > MAX_FUNCTION_LINES && fn.why)).toBe(true);
    });
});
