/**
 * The frozen clock of replays (src/runtime/clock.ts) in a vm context, and where a replay's clock
 * starts (src/testing/recorded-time.ts): `--now`, the fixture's recordedAt, its earliest Date header.
 */
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createFrozenClock } from '../../src/runtime/clock.js';
import type { Fixture } from '../../src/runtime/fixture.js';
import { clockShiftFor, MAX_SHIFT_MS } from '../../src/testing/clock-refine.js';
import { parseNow, recordedTime, replayClock } from '../../src/testing/recorded-time.js';

const START = Date.parse('2024-03-01T12:00:00.000Z');

function realmWithClock(): { run: (code: string) => unknown; clock: ReturnType<typeof createFrozenClock> } {
    const clock = createFrozenClock(START);
    const timers = clock.wrapTimers({ setTimeout, setInterval, clearTimeout, clearInterval });
    const context = vm.createContext({ ...timers, performance: clock.performance });
    clock.install(context);
    return { clock, run: (code) => vm.runInContext(code, context) };
}

describe('frozen clock', () => {
    it('gives the start instant to every way of asking for now, and leaves other dates alone', async () => {
        const { run } = realmWithClock();
        await new Promise((resolve) => setTimeout(resolve, 15));
        expect(run('Date.now()')).toBe(START);
        expect(run('new Date().toISOString()')).toBe('2024-03-01T12:00:00.000Z');
        expect(run('Date()')).toBe(new Date(START).toString());
        expect(run('new Date(0).getTime()')).toBe(0);
        expect(run('new Date(2020, 0, 2).getFullYear()')).toBe(2020);
        expect(run("Date.parse('2020-01-01T00:00:00Z')")).toBe(Date.parse('2020-01-01T00:00:00Z'));
        expect(run('Date.UTC(2020, 0, 1)')).toBe(Date.UTC(2020, 0, 1));
        expect(run('new Date() instanceof Date && new Date().constructor === Date')).toBe(true);
        expect(run('class Later extends Date {}; const l = new Later(); l instanceof Later && l instanceof Date && l.getTime()')).toBe(START);
        expect(run("new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric' }).format()")).toBe('2024');
        expect(run("new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'numeric' }).formatToParts()[0].value")).toBe('3');
        expect(run('performance.now()')).toBe(0);
    });

    it('moves only when a timer of the function fires, by that timer\'s delay', async () => {
        const { run, clock } = realmWithClock();
        const after = (await run('new Promise((resolve) => setTimeout(() => resolve(Date.now()), 20))')) as number;
        expect(after).toBe(START + 20);
        expect(clock.now()).toBe(START + 20);
        expect(run('performance.now()')).toBe(20);
        const ticks = (await run(`new Promise((resolve) => { const seen = []; const id = setInterval(() => { seen.push(Date.now()); if (seen.length === 3) { clearInterval(id); resolve(seen); } }, 5); })`)) as number[];
        expect(ticks).toEqual([START + 25, START + 30, START + 35]);
    });
});

describe('where a replay clock starts', () => {
    const runStart = new Date('2030-01-01T00:00:00Z');

    it('prefers --now, then recordedAt, then the earliest Date header, then the run start', () => {
        const withHeaders: Fixture = {
            api: {
                get: {
                    '/a': [
                        { response: 1, headers: { Date: 'Tue, 05 Mar 2024 10:00:05 GMT' } },
                        { response: 2, headers: { date: 'Tue, 05 Mar 2024 10:00:01 GMT' } }
                    ],
                    '/b': { response: 3, headers: { 'content-type': 'application/json' } }
                }
            }
        };
        expect(recordedTime(withHeaders)).toEqual({ now: new Date('2024-03-05T10:00:01Z'), from: 'date header' });
        expect(replayClock({ ...withHeaders, recordedAt: '2024-03-05T09:59:59.123Z' }, undefined, runStart)).toEqual({ now: new Date('2024-03-05T09:59:59.123Z'), from: 'recordedAt' });
        expect(replayClock(withHeaders, new Date('2025-01-01T00:00:00Z'), runStart).from).toBe('option');
        expect(replayClock({ api: { get: { '/x': { response: 1, headers: { date: 'not a date' } } } } }, undefined, runStart)).toEqual({ now: runStart, from: 'run start' });
    });

    it('reads --now as an ISO date or date-time only', () => {
        expect(parseNow('2025-06-01')?.toISOString()).toBe('2025-06-01T00:00:00.000Z');
        expect(parseNow('2025-06-01T12:30:00+02:00')?.toISOString()).toBe('2025-06-01T10:30:00.000Z');
        expect(parseNow('yesterday')).toBeUndefined();
        expect(parseNow('2025-13-45')).toBeUndefined();
    });
});

describe('clockShiftFor', () => {
    const fixture: Fixture = {
        api: {
            get: { '/changes': { response: [], request: { params: { since: '2024-05-01T07:00:00.734Z', limit: '10' } } } },
            post: { '/report': { response: {}, request: { data: { range: { from: 1714546800, to: 1714633200 }, kind: 'daily' } } } }
        }
    };

    it('finds the one shift that turns a missed request into a recorded one', () => {
        expect(clockShiftFor(fixture, { method: 'GET', endpoint: '/changes', params: { since: '2024-05-01T07:00:01.000Z', limit: 10 } })).toBe(-266);
        // Unix seconds in a body, both ends moved alike.
        expect(clockShiftFor(fixture, { method: 'POST', endpoint: '/report', data: { range: { from: 1714546801, to: 1714633201 }, kind: 'daily' } })).toBe(-1000);
    });

    it('finds none when something other than a time differs, the times moved apart, or by more than minutes', () => {
        expect(clockShiftFor(fixture, { method: 'GET', endpoint: '/changes', params: { since: '2024-05-01T07:00:01.000Z', limit: 20 } })).toBeUndefined();
        expect(clockShiftFor(fixture, { method: 'POST', endpoint: '/report', data: { range: { from: 1714546801, to: 1714633300 }, kind: 'daily' } })).toBeUndefined();
        const weekLater = new Date(Date.parse('2024-05-01T07:00:00.734Z') + 7 * 86_400_000).toISOString();
        expect(clockShiftFor(fixture, { method: 'GET', endpoint: '/changes', params: { since: weekLater, limit: 10 } })).toBeUndefined();
        expect(MAX_SHIFT_MS).toBeLessThan(86_400_000);
        expect(clockShiftFor(fixture, { method: 'GET', endpoint: '/other', params: { since: '2024-05-01T07:00:01.000Z', limit: 10 } })).toBeUndefined();
    });
});
