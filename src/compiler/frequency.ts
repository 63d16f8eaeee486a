/**
 * A sync's `frequency` as Nango reads it: the phrases it knows ('every hour', 'every half day',
 * ...), else the text after the first 'every ' read by the `ms` package's grammar (a number, then
 * an optional unit), at least 30 seconds. The platform's deploy schema then allows fewer spellings
 * (no weeks or years as units, no decimals), so both must accept a frequency.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const PHRASES: Record<string, number> = {
    'every half day': 12 * HOUR,
    'every half hour': 30 * MINUTE,
    'every quarter hour': 15 * MINUTE,
    'every hour': HOUR,
    'every day': DAY,
    'every month': 30 * DAY,
    'every week': 7 * DAY
};

const MS_GRAMMAR = /^(-?(?:\d+)?\.?\d+) *(milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|years?|yrs?|y)?$/i;
const UNIT_MS: [RegExp, number][] = [
    [/^(years?|yrs?|y)$/, DAY * 365.25],
    [/^(weeks?|w)$/, 7 * DAY],
    [/^(days?|d)$/, DAY],
    [/^(hours?|hrs?|h)$/, HOUR],
    [/^(minutes?|mins?|m)$/, MINUTE],
    [/^(seconds?|secs?|s)$/, SECOND],
    [/^(milliseconds?|msecs?|ms)$/, 1]
];

/** What the platform's deploy schema accepts as `runs`. */
const PLATFORM_FREQUENCY =
    /^(?<every>every )?((?<amount>[0-9]+)?\s?(?<unit>(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?))|(?<unit2>(month|week|half day|half hour|quarter hour)))$/;

export const MIN_FREQUENCY_MS = 30 * SECOND;
/** The longest interval Nango documents; longer ones deploy, but are not promised to run. */
export const MAX_FREQUENCY_MS = 31 * DAY;

/** Milliseconds as the `ms` package parses them; NaN when it does not. */
function msOf(text: string): number {
    if (text.length === 0 || text.length > 100) return Number.NaN;
    const match = MS_GRAMMAR.exec(text);
    if (!match) return Number.NaN;
    const unit = (match[2] ?? 'ms').toLowerCase();
    return parseFloat(match[1]!) * UNIT_MS.find(([pattern]) => pattern.test(unit))![1];
}

export type FrequencyVerdict =
    | { ok: true; ms: number }
    | { ok: false; why: 'unreadable' | 'too-often' | 'platform'; ms?: number };

export function readFrequency(frequency: string): FrequencyVerdict {
    const phrase = PHRASES[frequency];
    if (phrase !== undefined) return { ok: true, ms: phrase };
    const ms = msOf(frequency.replace('every ', ''));
    if (!ms) return { ok: false, why: 'unreadable' };
    if (ms < MIN_FREQUENCY_MS) return { ok: false, why: 'too-often', ms };
    if (!PLATFORM_FREQUENCY.test(frequency)) return { ok: false, why: 'platform', ms };
    return { ok: true, ms };
}
