import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/util/duration.js';

describe('formatDuration', () => {
    it('keeps milliseconds and decimal seconds under a minute', () => {
        expect(formatDuration(850)).toBe('850 ms');
        expect(formatDuration(1234)).toBe('1.23 s');
        expect(formatDuration(12_500)).toBe('12.5 s');
        expect(formatDuration(29_000)).toBe('29.0 s');
    });

    it('rounds before it picks the unit, so a value never reads as the next unit written in this one', () => {
        expect(formatDuration(999.4)).toBe('999 ms');
        expect(formatDuration(999.6)).toBe('1.00 s');
        expect(formatDuration(9994)).toBe('9.99 s');
        expect(formatDuration(9996)).toBe('10.0 s');
        expect(formatDuration(59_949)).toBe('59.9 s');
        expect(formatDuration(59_960)).toBe('1m');
        expect(formatDuration(3_599_600)).toBe('1h');
    });

    it('writes a minute and more in days, hours, minutes and seconds, leaving out zero parts', () => {
        expect(formatDuration(60_000)).toBe('1m');
        expect(formatDuration(125_000)).toBe('2m 5s');
        expect(formatDuration(125_400)).toBe('2m 5s');
        expect(formatDuration(90 * 60_000)).toBe('1h 30m');
        expect(formatDuration(3_600_000 + 1000)).toBe('1h 1s');
        expect(formatDuration(86_400_000 + 1000)).toBe('1d 1s');
        expect(formatDuration(31.5 * 86_400_000)).toBe('31d 12h');
    });

    it('reads naturally for the frequencies users write', () => {
        expect(formatDuration(parseDuration('every 40 days')!)).toBe('40d');
        expect(formatDuration(parseDuration('every 2 weeks')!)).toBe('14d');
        expect(formatDuration(parseDuration('every 36 hours')!)).toBe('1d 12h');
        expect(formatDuration(parseDuration('every 5 minutes')!)).toBe('5m');
    });
});
