/** The rules createContext derives from the environment and the terminal: colour, prompts, debug. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createContext, type ContextOptions } from '../../src/context.js';

interface Terminal {
    stdinTTY?: boolean;
    stderrTTY?: boolean;
}

/** A context on fake streams that claim (or not) to be terminals; returns what reached stderr. */
function contextOn(env: NodeJS.ProcessEnv, { stdinTTY = true, stderrTTY = true }: Terminal = {}, options: ContextOptions = {}) {
    const stdin = Object.assign(new PassThrough(), { isTTY: stdinTTY });
    const stderr = Object.assign(new PassThrough(), { isTTY: stderrTTY, columns: 100 });
    const stdout = new PassThrough();
    let err = '';
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    const ctx = createContext({ env, stdin, stderr, stdout, ...options });
    return { ctx, err: () => err };
}

const ESC = '\u001b[';

describe('colour', () => {
    it('is on for a terminal with no NO_COLOR, CI or dumb TERM, and reaches the output', () => {
        const { ctx, err } = contextOn({});
        expect(ctx.color).toBe(true);
        ctx.log.error('boom');
        expect(err()).toContain(ESC);
    });

    it('is off when NO_COLOR has any non-empty value', () => {
        for (const value of ['1', 'true', '0', 'false']) {
            const { ctx, err } = contextOn({ NO_COLOR: value });
            expect(ctx.color, `NO_COLOR=${value}`).toBe(false);
            ctx.log.error('boom');
            expect(err()).toBe('error boom\n');
        }
    });

    it('stays on when NO_COLOR is set but empty', () => {
        expect(contextOn({ NO_COLOR: '' }).ctx.color).toBe(true);
    });

    it('is off when stderr is not a terminal, even with stdin one', () => {
        const { ctx, err } = contextOn({}, { stderrTTY: false });
        expect(ctx.color).toBe(false);
        ctx.log.warn('careful');
        expect(err()).toBe('warning careful\n');
    });

    it('is off under CI=true and TERM=dumb', () => {
        expect(contextOn({ CI: 'true' }).ctx.color).toBe(false);
        expect(contextOn({ TERM: 'dumb' }).ctx.color).toBe(false);
    });

    it('is off when the caller says so (--no-color)', () => {
        expect(contextOn({}, {}, { color: false }).ctx.color).toBe(false);
    });
});

describe('interactive', () => {
    it('is true only when stdin and stderr are terminals and CI is not set', () => {
        expect(contextOn({}).ctx.interactive).toBe(true);
        expect(contextOn({ CI: 'false' }).ctx.interactive).toBe(true);
    });

    it('is false under CI=true', () => {
        expect(contextOn({ CI: 'true' }).ctx.interactive).toBe(false);
    });

    it('is false with --no-interactive on a terminal', () => {
        expect(contextOn({}, {}, { interactive: false }).ctx.interactive).toBe(false);
    });

    it('is false when stdin is not a terminal (piped input)', () => {
        expect(contextOn({}, { stdinTTY: false }).ctx.interactive).toBe(false);
    });

    it('is false when stderr, where prompts are written, is not a terminal', () => {
        expect(contextOn({}, { stderrTTY: false }).ctx.interactive).toBe(false);
    });
});

describe('debug', () => {
    it('follows FERRY_DEBUG when the flag is not given: 1 or any other value turns it on', () => {
        for (const value of ['1', 'true', 'yes']) {
            const { ctx, err } = contextOn({ FERRY_DEBUG: value, NO_COLOR: '1' });
            expect(ctx.debug, `FERRY_DEBUG=${value}`).toBe(true);
            ctx.log.debug('compile', 'bundle: 12 ms');
            expect(err()).toBe('[compile] bundle: 12 ms\n');
        }
    });

    it('stays off for an unset, empty, 0 or false FERRY_DEBUG, and prints nothing', () => {
        for (const value of [undefined, '', '0', 'false', 'FALSE']) {
            const { ctx, err } = contextOn(value === undefined ? {} : { FERRY_DEBUG: value });
            expect(ctx.debug, `FERRY_DEBUG=${value}`).toBe(false);
            ctx.log.debug('compile', () => {
                throw new Error('a lazy debug message is never built when debug is off');
            });
            expect(err()).toBe('');
        }
    });

    it('is on with --debug whatever FERRY_DEBUG says', () => {
        expect(contextOn({ FERRY_DEBUG: '0' }, {}, { debug: true }).ctx.debug).toBe(true);
    });
});
