import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/commands/compile.js';
import { codeFrame } from '../../src/compiler/frame.js';
import { createContext } from '../../src/context.js';
import type { CompileDiagnostic } from '../../src/compiler/types.js';

function stream(isTTY: boolean): Writable & { isTTY: boolean } {
    const s = new Writable({ write: (_chunk, _encoding, done) => done() }) as Writable & { isTTY: boolean };
    s.isTTY = isTTY;
    return s;
}

const diagnostic: CompileDiagnostic = {
    file: '/project/github/actions/create-issue.ts',
    line: 2,
    column: 5,
    code: 'TS2322',
    message: "Type 'number' is not assignable to type 'string'.",
    frame: codeFrame('a\n    return { id: 1 };\nc\n', 2, 5)
};

describe('formatDiagnostic', () => {
    it('reads file:line:col  message [CODE], relative to where the user is', () => {
        const ctx = createContext({ cwd: '/project', env: { CI: 'true' }, stderr: stream(false), stdout: stream(false), color: false });
        expect(formatDiagnostic(diagnostic, ctx)).toBe("github/actions/create-issue.ts:2:5  Type 'number' is not assignable to type 'string'. [TS2322]");
    });

    it('adds the code frame on a terminal', () => {
        const ctx = createContext({ cwd: '/project/github', env: {}, stderr: stream(true), stdout: stream(true), color: false });
        expect(formatDiagnostic(diagnostic, ctx).split('\n')).toEqual([
            "actions/create-issue.ts:2:5  Type 'number' is not assignable to type 'string'. [TS2322]",
            '  1 | a',
            '> 2 |     return { id: 1 };',
            '    |     ^',
            '  3 | c',
            ''
        ]);
    });

    it('prints problems without a location as the message alone', () => {
        const ctx = createContext({ cwd: '/project', env: { CI: 'true' }, stderr: stream(false), stdout: stream(false), color: false });
        expect(formatDiagnostic({ code: 'TYPECHECK_FAILED', message: 'tsc exited with code 3' }, ctx)).toBe('tsc exited with code 3 [TYPECHECK_FAILED]');
    });
});
