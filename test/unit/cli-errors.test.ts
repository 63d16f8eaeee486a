/** The single exit policy: how errors that reach the entry point are printed. */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportError } from '../../src/cli.js';
import { errorLine, ExitCode, FerryError } from '../../src/errors.js';
import { writeFilesAtomic } from '../../src/util/fs.js';
import { captureContext } from '../support/context.js';

const capture = (json: boolean) => captureContext({ json, color: false, env: {} });

describe('errors at the entry point', () => {
    let dir: string;
    beforeAll(async () => {
        dir = await mkdtemp(join(tmpdir(), 'ferry-cli-errors-'));
        await mkdir(join(dir, 'nango.json'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('a folder in the way of a write is a one-line user error, not an internal error, and leaves no temporary file', async () => {
        const error = await writeFilesAtomic([
            { path: join(dir, 'a.cjs'), content: 'a' },
            { path: join(dir, 'nango.json'), content: '{}' },
            { path: join(dir, 'z.cjs'), content: 'z' }
        ]).then(
            () => undefined,
            (e: unknown) => e
        );
        expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);

        const human = capture(false);
        expect(reportError(error, human.ctx)).toBe(1);
        expect(human.err().trim().split('\n')).toHaveLength(1);
        expect(human.err()).toMatch(/^error cannot write .*nango\.json: a folder is in the way \(EISDIR\)\. A file or folder of that name is in the way/);
        expect(human.err()).not.toContain('internal error');

        const machine = capture(true);
        reportError(error, machine.ctx);
        expect(JSON.parse(machine.out())).toMatchObject({ error: { code: 'FILE_SYSTEM', details: { errno: 'EISDIR' } } });
    });

    it('anything else is still an internal error', () => {
        const human = capture(false);
        expect(reportError(new TypeError('x is undefined'), human.ctx)).toBe(1);
        expect(human.err()).toContain('internal error: x is undefined. This is a bug in Ferry');
    });
});

describe('errorLine', () => {
    it('puts one full stop between the message and the hint, whatever the message ends with', () => {
        const hinted = (message: string) => new FerryError({ code: 'X', message, hint: 'Check NANGO_SECRET_KEY_DEV.', exitCode: ExitCode.Deploy });
        expect(errorLine(hinted('The key does not match.'))).toBe('The key does not match. Check NANGO_SECRET_KEY_DEV.');
        expect(errorLine(hinted('The key does not match'))).toBe('The key does not match. Check NANGO_SECRET_KEY_DEV.');
        expect(errorLine(new FerryError({ code: 'X', message: 'No hint here', exitCode: ExitCode.Failure }))).toBe('No hint here.');
        expect(errorLine(hinted('m'), (text) => `<${text}>`)).toBe('m. <Check NANGO_SECRET_KEY_DEV.>');
    });
});
