/**
 * A sync's frequency is read as Nango's own parser reads it: the same strings accepted, refused
 * as unreadable or as too frequent, and the same durations. Checked against Nango's getInterval
 * (the nango-reference devDependency's @nangohq/nango-yaml) and the `ms` it calls, over many
 * spellings.
 */
import { getInterval } from '@nangohq/nango-yaml';
import ms from 'ms';
import { describe, expect, it } from 'vitest';
import { MIN_FREQUENCY_MS, readFrequency } from '../../src/compiler/frequency.js';

const UNITS = ['', 'ms', 'msec', 'msecs', 'millisecond', 'milliseconds', 's', 'sec', 'secs', 'second', 'seconds', 'm', 'min', 'mins', 'minute', 'minutes', 'h', 'hr', 'hrs', 'hour', 'hours', 'd', 'day', 'days', 'w', 'week', 'weeks', 'y', 'yr', 'yrs', 'year', 'years', 'H', 'Hours', 'DAYS', 'Min', 'mo', 'month', 'x', 'sek'];
const AMOUNTS = ['0', '1', '2', '5', '15', '29', '30', '31', '90', '1000', '29999', '30000', '.5', '0.5', '1.5', '-1', '-30', '01', '1e3', '1,5', ''];
const SPACES = ['', ' ', '  ', '\t'];

function spellings(): string[] {
    const found = new Set<string>();
    for (const amount of AMOUNTS) {
        for (const unit of UNITS) {
            for (const space of SPACES) {
                const text = `${amount}${space}${unit}`;
                found.add(text);
                found.add(`every ${text}`);
            }
        }
    }
    for (const phrase of ['half day', 'half hour', 'quarter hour', 'hour', 'day', 'month', 'week', 'year', 'minute', 'second']) {
        found.add(`every ${phrase}`);
        found.add(phrase);
        found.add(`Every ${phrase}`);
        found.add(`every  ${phrase}`);
    }
    for (const odd of ['', 'every ', 'every', 'every every 5m', '5m every ', ' 5m', '5m ', 'every 5 m', `${'1'.repeat(101)}`, `every ${'9'.repeat(99)}`, 'NaN', 'Infinity', '5m5s', '1h30m', '٣m', '5 ｍ']) {
        found.add(odd);
    }
    return [...found];
}

type Verdict = { accepted: true; ms: number } | { accepted: false; why: string };

/** What Nango's parser says of `runs`: an interval (then its milliseconds), or which error. */
function nangoVerdict(runs: string): Verdict {
    let answer: ReturnType<typeof getInterval>;
    try {
        answer = getInterval(runs, new Date(0));
    } catch {
        // `ms` throws on '' and on more than 100 characters; Nango's deploy fails on it.
        return { accepted: false, why: 'unreadable' };
    }
    if (answer instanceof Error) return { accepted: false, why: answer.message === 'sync_interval_too_short' ? 'too-often' : 'unreadable' };
    return { accepted: true, ms: ms(answer.interval) };
}

function ferryVerdict(runs: string): Verdict {
    const verdict = readFrequency(runs);
    // 'platform': Nango's parser reads it; only the platform's deploy schema is narrower.
    if (verdict.ok || verdict.why === 'platform') return { accepted: true, ms: verdict.ms! };
    return { accepted: false, why: verdict.why };
}

describe('frequency, as Nango parses it', () => {
    const all = spellings();

    it('gives the same verdict and duration as Nango for every spelling', () => {
        const differences = all.filter((runs) => JSON.stringify(ferryVerdict(runs)) !== JSON.stringify(nangoVerdict(runs)));
        expect(differences).toEqual([]);
        // The list is not blind: it holds each kind of answer, many times over.
        const kinds = all.map((runs) => {
            const verdict = nangoVerdict(runs);
            return verdict.accepted ? 'accepted' : verdict.why;
        });
        for (const kind of ['accepted', 'unreadable', 'too-often']) expect(kinds.filter((k) => k === kind).length).toBeGreaterThan(50);
    });

    it('takes the phrases and ms spellings, 30 seconds at least', () => {
        expect(readFrequency('every half day')).toEqual({ ok: true, ms: 12 * 3_600_000 });
        expect(readFrequency('every 1.5 hours')).toEqual({ ok: false, why: 'platform', ms: 5_400_000 });
        expect(readFrequency('every 30s')).toEqual({ ok: true, ms: MIN_FREQUENCY_MS });
        expect(readFrequency('every 29s')).toEqual({ ok: false, why: 'too-often', ms: 29_000 });
        expect(readFrequency('every fortnight')).toEqual({ ok: false, why: 'unreadable' });
        expect(readFrequency('')).toEqual({ ok: false, why: 'unreadable' });
    });
});
