/**
 * When a fixture was recorded, so its replay can run on a clock frozen at that instant: the
 * `recordedAt` that `dryrun --save` writes, else the earliest `Date` header of the recorded
 * responses (Nango's CLI keeps every response header, Date included). The earliest, because the
 * function read the clock before its first answer came back.
 */
import type { Fixture, FixtureEntry } from '../runtime/fixture.js';

/** `recorded request`: the Date headers' time, corrected to the millisecond by a recorded request (clock-refine.ts). */
export type ClockSource = 'option' | 'recordedAt' | 'date header' | 'recorded request' | 'run start';

export interface ReplayClock {
    now: Date;
    /** Where the instant came from: `--now`, the fixture, or (nothing recorded) the start of the run. */
    from: ClockSource;
}

function parsed(text: unknown): Date | undefined {
    if (typeof text !== 'string' || text.trim() === '') return undefined;
    const time = Date.parse(text);
    return Number.isNaN(time) ? undefined : new Date(time);
}

function dateHeader(entry: FixtureEntry): Date | undefined {
    if (typeof entry !== 'object' || entry === null || typeof entry.headers !== 'object' || entry.headers === null) return undefined;
    for (const [name, value] of Object.entries(entry.headers)) {
        if (name.toLowerCase() === 'date') return parsed(Array.isArray(value) ? value[0] : value);
    }
    return undefined;
}

/** The recording's instant, or undefined when the fixture carries none. */
export function recordedTime(fixture: Fixture): ReplayClock | undefined {
    const stamped = parsed(fixture.recordedAt);
    if (stamped) return { now: stamped, from: 'recordedAt' };
    let earliest: Date | undefined;
    for (const endpoints of Object.values(fixture.api ?? {})) {
        if (typeof endpoints !== 'object' || endpoints === null) continue;
        for (const recorded of Object.values(endpoints)) {
            for (const entry of Array.isArray(recorded) ? recorded : [recorded]) {
                const date = dateHeader(entry);
                if (date && (!earliest || date < earliest)) earliest = date;
            }
        }
    }
    return earliest ? { now: earliest, from: 'date header' } : undefined;
}

/** `--now` wins, then what the fixture recorded, then `runStart` (one instant for a whole run). */
export function replayClock(fixture: Fixture, override: Date | undefined, runStart: Date): ReplayClock {
    if (override) return { now: override, from: 'option' };
    return recordedTime(fixture) ?? { now: runStart, from: 'run start' };
}

/** `--now` as given: an ISO date or date-time; undefined when it is not one. */
export function parseNow(text: string): Date | undefined {
    if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim())) return undefined;
    return parsed(text);
}
