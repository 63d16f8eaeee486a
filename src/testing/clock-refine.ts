/**
 * A Date header says when an answer left the provider, to the second; the function read the
 * clock a little before. A function that sends a time computed from "now" (`since=<now - 7 days>`,
 * to the millisecond) then misses its recorded request by that little. When every difference
 * between the missed request and a recorded one at the same endpoint is a time, all shifted by the
 * same amount within a few minutes, the recording's clock is that much off: the replay runs again
 * with it corrected. A changed date window (days, not minutes) is never hidden this way.
 */
import type { Fixture } from '../runtime/fixture.js';
import type { ProxyRequest } from '../runtime/types.js';
import { bodyValue, diffValues } from './diff.js';
import { splitEndpoint } from './replay-transport.js';

/** How far a Date header may be from the instant the function read: the first answer's latency and more. */
export const MAX_SHIFT_MS = 10 * 60_000;

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A time in ms with its resolution, when the value is one: an ISO date-time or a Unix time in s or ms. */
function asTime(value: unknown): { ms: number; resolution: number } | undefined {
    if (typeof value === 'string' && ISO_TIME.test(value)) {
        const ms = Date.parse(value);
        return Number.isNaN(ms) ? undefined : { ms, resolution: /\.\d/.test(value) ? 1 : 1000 };
    }
    const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{10}(\d{3})?$/.test(value) ? Number(value) : NaN;
    if (n >= 1e9 && n < 1e10) return { ms: n * 1000, resolution: 1000 };
    if (n >= 1e12 && n < 1e13) return { ms: n, resolution: 1 };
    return undefined;
}

/** Every pair of values (sent, recorded) where two requests to the same path differ, params and body. */
function differingValues(sent: { params: Record<string, unknown>; data: unknown }, recorded: { params: Record<string, unknown>; data: unknown }): [unknown, unknown][] {
    const pairs: [unknown, unknown][] = [];
    for (const key of new Set([...Object.keys(sent.params), ...Object.keys(recorded.params)])) {
        const s = sent.params[key];
        const r = recorded.params[key];
        if (JSON.stringify(s) !== JSON.stringify(r)) pairs.push([s, r]);
    }
    for (const difference of diffValues(bodyValue(recorded.data), bodyValue(sent.data))) pairs.push([difference.actual, difference.expected]);
    return pairs;
}

/** The one shift (recorded minus sent) that explains every difference, if there is one. */
function commonShift(pairs: readonly [unknown, unknown][]): number | undefined {
    if (pairs.length === 0) return undefined;
    let shift: { ms: number; resolution: number } | undefined;
    for (const [sent, recorded] of pairs) {
        const s = asTime(sent);
        const r = asTime(recorded);
        if (!s || !r) return undefined;
        const here = { ms: r.ms - s.ms, resolution: Math.max(s.resolution, r.resolution) };
        if (!shift) shift = here;
        else if (Math.abs(shift.ms - here.ms) >= Math.max(shift.resolution, here.resolution)) return undefined;
        // The finest reading gives the shift to the millisecond.
        else if (here.resolution < shift.resolution) shift = here;
    }
    return shift && shift.ms !== 0 && Math.abs(shift.ms) <= MAX_SHIFT_MS ? shift.ms : undefined;
}

/**
 * How many ms to move the replay's clock so `missed` becomes a request the fixture recorded at the
 * same method and path, or undefined when no recorded request differs from it only by one such shift.
 */
export function clockShiftFor(fixture: Fixture, missed: ProxyRequest): number | undefined {
    const method = missed.method.toUpperCase();
    const sent = splitEndpoint(missed.endpoint, missed.params);
    let best: number | undefined;
    for (const [recordedMethod, endpoints] of Object.entries(fixture.api ?? {})) {
        if (recordedMethod.toUpperCase() !== method) continue;
        for (const [endpoint, recorded] of Object.entries(endpoints)) {
            for (const entry of Array.isArray(recorded) ? recorded : [recorded]) {
                const split = splitEndpoint(endpoint, entry.request?.params as ProxyRequest['params']);
                if (split.endpoint !== sent.endpoint) continue;
                const shift = commonShift(differingValues({ params: sent.params, data: missed.data }, { params: split.params, data: entry.request?.data }));
                if (shift !== undefined && (best === undefined || Math.abs(shift) < Math.abs(best))) best = shift;
            }
        }
    }
    return best;
}
