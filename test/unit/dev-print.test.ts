/**
 * How `ferry dev` prints error and type-check events on a terminal (colour off): the head line,
 * then each diagnostic as compile prints it (`file:line:col  message [CODE]`) with its code frame,
 * paths relative to the project root. The frames are compile's codeFrame, for every kind of error.
 */
import { join } from 'node:path';
import { createColors } from 'picocolors';
import { describe, expect, it } from 'vitest';
import { codeFrame } from '../../src/compiler/frame.js';
import { formatEvent, type PrintStyle } from '../../src/dev/print.js';

const root = '/home/dev/functions';
const style: PrintStyle = { colors: createColors(false), root };

describe('formatEvent', () => {
    it('prints a bundle error as compile does (file:line:col  message [CODE]) with the code frame type errors get', () => {
        const source = 'const a = 1;\nexport const x = ;\n';
        const lines = formatEvent(
            {
                event: 'error',
                phase: 'bundle',
                errors: [{ file: join(root, 'github/syncs/issues.ts'), line: 2, column: 18, code: 'BUNDLE_ERROR', message: 'Unexpected ";"', function: 'github/issues', frame: codeFrame(source, 2, 18)! }],
                durationMs: 12
            },
            style
        );
        expect(lines).toEqual([
            '✗ build failed (1 error); the previous bundles are kept',
            '  github/syncs/issues.ts:2:18  Unexpected ";" [BUNDLE_ERROR]',
            '      1 | const a = 1;',
            '    > 2 | export const x = ;',
            '        |                  ^',
            '      3 | '
        ]);
    });

    it('names functions <integration>/<name> in rebuild, added and removed lines, with compile\'s durations', () => {
        const fn = (integration: string, type: 'sync' | 'action' | 'onEvent', name: string) => ({ integration, type, name, durationMs: 3, bundlePath: '/b', size: 1 });
        expect(formatEvent({ event: 'rebuild', functions: [fn('github', 'action', 'create-comment')], added: [], removed: [], durationMs: 23.4, recovered: false }, style)).toEqual([
            '✓ github/create-comment rebuilt in 23 ms'
        ]);
        expect(
            formatEvent(
                {
                    event: 'rebuild',
                    functions: [fn('github', 'sync', 'commits'), fn('google_mail', 'onEvent', 'setup')],
                    added: ['github_syncs_commits', 'google_mail_on-events_setup'],
                    removed: ['github_actions_close-issue'],
                    durationMs: 1234,
                    recovered: true
                },
                style
            )
        ).toEqual([
            '✓ 2 functions rebuilt in 1.23 s (all errors fixed)',
            '  github/commits',
            '  google_mail/setup',
            '  + github/commits added',
            '  + google_mail/setup added',
            '  - github/close-issue removed (its bundle was deleted)'
        ]);
    });

    it('names each phase in the head line and prints every error of a project error', () => {
        const index = join(root, 'index.ts');
        const source = "import './github/syncs/issues.js';\nimport './github/syncs/gone.js';\nimport './x\n";
        const lines = formatEvent(
            {
                event: 'error',
                phase: 'project',
                errors: [
                    { file: index, line: 2, column: 1, code: 'ENTRY_NOT_FOUND', message: "index.ts imports './github/syncs/gone.js' but github/syncs/gone.ts does not exist", frame: codeFrame(source, 2, 1)! },
                    { file: index, line: 3, column: 1, code: 'ENTRY_SYNTAX', message: "index.ts:3 does not parse (import './x)" }
                ],
                durationMs: 3
            },
            style
        );
        expect(lines).toEqual([
            '✗ index.ts has problems (2 errors); the previous bundles are kept',
            "  index.ts:2:1  index.ts imports './github/syncs/gone.js' but github/syncs/gone.ts does not exist [ENTRY_NOT_FOUND]",
            "      1 | import './github/syncs/issues.js';",
            "    > 2 | import './github/syncs/gone.js';",
            '        | ^',
            "      3 | import './x",
            "  index.ts:3:1  index.ts:3 does not parse (import './x) [ENTRY_SYNTAX]"
        ]);
        const validate = formatEvent({ event: 'error', phase: 'validate', errors: [{ code: 'DUPLICATE_NAME', message: "two syncs named 'issues'" }], durationMs: 1 }, style);
        expect(validate).toEqual(['✗ invalid function definition (1 error); the previous bundles are kept', "  two syncs named 'issues' [DUPLICATE_NAME]"]);
    });

    it('prints a failed type-check with its count, duration and each error with its frame', () => {
        const file = join(root, 'github/syncs/issues.ts');
        const source = 'const a = 1;\nexport const count: number = \'three\';\n';
        const lines = formatEvent(
            {
                event: 'typecheck',
                ok: false,
                errors: [
                    { file, line: 2, column: 14, code: 'TS2322', message: "Type 'string' is not assignable to type 'number'.", frame: codeFrame(source, 2, 14)! },
                    { file: join(root, 'github/helpers.ts'), line: 4, code: 'TS2304', message: "Cannot find name 'repo'." }
                ],
                durationMs: 1234
            },
            style
        );
        expect(lines).toEqual([
            '✗ type-check: 2 errors (1.23 s)',
            "  github/syncs/issues.ts:2:14  Type 'string' is not assignable to type 'number'. [TS2322]",
            '      1 | const a = 1;',
            "    > 2 | export const count: number = 'three';",
            '        |              ^',
            '      3 | ',
            "  github/helpers.ts:4:1  Cannot find name 'repo'. [TS2304]"
        ]);
    });

    it('indents the further lines of a multi-line message under its head', () => {
        const lines = formatEvent(
            {
                event: 'typecheck',
                ok: false,
                errors: [{ file: join(root, 'a/actions/b.ts'), line: 3, column: 5, code: 'TS2345', message: "Argument of type 'X' is not assignable.\n  Property 'id' is missing." }],
                durationMs: 80
            },
            style
        );
        expect(lines).toEqual(['✗ type-check: 1 error (80 ms)', "  a/actions/b.ts:3:5  Argument of type 'X' is not assignable.\n      Property 'id' is missing. [TS2345]"]);
    });

    it('says so when a failed type-check run could not report errors of its own', () => {
        const lines = formatEvent({ event: 'typecheck', ok: false, errors: [{ code: 'TYPECHECK_FAILED', message: 'tsc exited with code 3 without reporting why: no output' }], durationMs: 0 }, style);
        expect(lines).toEqual(['✗ type-check: 1 error (0 ms)', '  tsc exited with code 3 without reporting why: no output [TYPECHECK_FAILED]']);
    });

    it('prints a recovery that rebuilt nothing (an index.ts fix) as one line', () => {
        expect(formatEvent({ event: 'rebuild', functions: [], added: [], removed: [], durationMs: 2, recovered: true }, style)).toEqual(['✓ all errors fixed, nothing to rebuild']);
        expect(formatEvent({ event: 'rebuild', functions: [], added: [], removed: [], durationMs: 2, recovered: false }, style)).toEqual([]);
    });
});
