/**
 * A sync's `frequency` as Nango reads it: the phrases it knows ('every hour', 'every half day',
 * ...), else the text after the first 'every ' read by the `ms` package (the version Nango's
 * parser pins), at least 30 seconds. The platform's deploy schema then allows fewer spellings
 * (no weeks or years as units, no decimals), so both must accept a frequency.
 */
import ms from 'ms';

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

/** What the platform's deploy schema accepts as `runs`. */
const PLATFORM_FREQUENCY =
    /^(?<every>every )?((?<amount>[0-9]+)?\s?(?<unit>(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?))|(?<unit2>(month|week|half day|half hour|quarter hour)))$/;

export const MIN_FREQUENCY_MS = 30 * SECOND;
/** The longest interval Nango documents; longer ones deploy, but are not promised to run. */
export const MAX_FREQUENCY_MS = 31 * DAY;

/**
 * Milliseconds as `ms` reads them; NaN when it does not. `ms` throws on an empty text or one of
 * more than 100 characters, which Nango's deploy reports as an error too: unreadable either way.
 */
function msOf(text: string): number {
    try {
        return ms(text);
    } catch {
        return Number.NaN;
    }
}

type FrequencyVerdict =
    | { ok: true; ms: number }
    | { ok: false; why: 'unreadable' | 'too-often' | 'platform'; ms?: number };

export function readFrequency(frequency: string): FrequencyVerdict {
    const phrase = PHRASES[frequency];
    if (phrase !== undefined) return { ok: true, ms: phrase };
    const duration = msOf(frequency.replace('every ', ''));
    if (!duration) return { ok: false, why: 'unreadable' };
    if (duration < MIN_FREQUENCY_MS) return { ok: false, why: 'too-often', ms: duration };
    if (!PLATFORM_FREQUENCY.test(frequency)) return { ok: false, why: 'platform', ms: duration };
    return { ok: true, ms: duration };
}
