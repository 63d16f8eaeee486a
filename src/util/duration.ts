/**
 * Durations as users write them: '30s', '5m', '1h', '2d', '1500ms', 'every hour',
 * 'every 5 minutes', 'every day', '1 week'. Returns milliseconds, or undefined when unparsable.
 */
const UNITS: Record<string, number> = {
    ms: 1,
    millisecond: 1,
    s: 1000,
    sec: 1000,
    second: 1000,
    m: 60_000,
    min: 60_000,
    minute: 60_000,
    h: 3_600_000,
    hr: 3_600_000,
    hour: 3_600_000,
    d: 86_400_000,
    day: 86_400_000,
    w: 604_800_000,
    week: 604_800_000
};

export function parseDuration(text: string): number | undefined {
    const cleaned = text.trim().toLowerCase().replace(/^every\s+/, '');
    const match = /^(\d+(?:\.\d+)?)?\s*([a-z]+)$/.exec(cleaned);
    if (!match) return undefined;
    const amount = match[1] === undefined ? 1 : Number(match[1]);
    const unitWord = match[2]!;
    const unit = UNITS[unitWord] ?? UNITS[unitWord.replace(/s$/, '')];
    if (unit === undefined || !Number.isFinite(amount) || amount <= 0) return undefined;
    return amount * unit;
}

const PARTS: readonly [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000]
];

/**
 * '850 ms', '1.23 s', '12.5 s' under a minute; from a minute on, whole seconds in the largest units,
 * without zero parts: '2m 5s', '1h 30m', '40d', '1d 1s'. Each unit is chosen after rounding to
 * its precision, so 999.6 ms is '1.00 s' and 59 960 ms is '1m', never '1000 ms' or '60.0 s'.
 */
export function formatDuration(ms: number): string {
    if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
    const hundredths = Math.round(ms / 10);
    if (hundredths < 1000) return `${(hundredths / 100).toFixed(2)} s`;
    const tenths = Math.round(ms / 100);
    if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`;
    let rest = Math.round(ms / 1000) * 1000;
    const parts: string[] = [];
    for (const [unit, size] of PARTS) {
        const count = Math.floor(rest / size);
        rest -= count * size;
        if (count > 0) parts.push(`${count}${unit}`);
    }
    return parts.join(' ');
}
