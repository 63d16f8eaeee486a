/**
 * The dryrun flags that carry values: JSON given inline or as `@file.json`, a date, a duration.
 * Each bad value is a one-line usage error naming the flag and what to write instead.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FerryError, ExitCode, errnoCode } from '../errors.js';
import { parseDuration } from '../util/duration.js';

function flagError(flag: string, message: string, hint: string): FerryError {
    return new FerryError({ code: 'BAD_FLAG_VALUE', message: `${flag}: ${message}`, hint, exitCode: ExitCode.Failure, details: { flag } });
}

/**
 * `--input '{"a":1}'`, `--input @input.json` (relative to `cwd`), or a bare scalar such as
 * `--input 42` / `--input hello` (JSON when it parses, else the string as typed, as users expect
 * for actions that take a string).
 */
export async function parseJsonFlag(flag: string, value: string | undefined, cwd: string, options: { object?: boolean } = {}): Promise<unknown> {
    if (value === undefined) return undefined;
    let text = value;
    let source = 'the value';
    if (value.startsWith('@')) {
        const file = resolve(cwd, value.slice(1));
        source = file;
        try {
            text = await readFile(file, 'utf8');
        } catch (error) {
            const code = errnoCode(error);
            throw flagError(flag, `cannot read ${file} (${code ?? (error as Error).message})`, `Pass JSON inline or @<path to an existing JSON file>.`);
        }
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (error) {
        const looksLikeJson = /^\s*[[{"]/.test(text) || value.startsWith('@');
        if (looksLikeJson || options.object) {
            throw flagError(flag, `${source} is not valid JSON (${whereJsonBreaks(text, error)})`, `Write it as JSON, e.g. ${flag} '{"key":"value"}', or ${flag} @file.json.`);
        }
        return value;
    }
    if (options.object && (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))) {
        throw flagError(flag, `${source} must be a JSON object`, `e.g. ${flag} '{"key":"value"}'.`);
    }
    return parsed;
}

/**
 * Where JSON.parse stopped, as a line and column. Its own message quotes the text it choked on
 * (`"API_KEY=sk-…" is not valid JSON`), and a file given by mistake (a .env) must not be printed.
 */
function whereJsonBreaks(text: string, error: unknown): string {
    const message = error instanceof Error ? error.message : '';
    const at = /position (\d+)/.exec(message);
    if (!at) return /end of JSON input/i.test(message) ? 'it ends too early' : 'it does not parse';
    const position = Number(at[1]);
    const before = text.slice(0, position);
    const line = before.split('\n').length;
    const column = position - before.lastIndexOf('\n');
    return `unexpected character at line ${line}, column ${column}`;
}

/** ISO 8601 date or date-time; anything `Date` cannot read is refused rather than guessed. */
export function parseDateFlag(flag: string, value: string | undefined): Date | undefined {
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    const date = /^\d{4}-\d{2}-\d{2}/.test(trimmed) ? new Date(trimmed) : new Date(NaN);
    if (Number.isNaN(date.getTime())) {
        throw flagError(flag, `'${value}' is not an ISO 8601 date`, `e.g. ${flag} 2024-01-31 or ${flag} 2024-01-31T12:00:00Z.`);
    }
    return date;
}

/** How long a dry run lets a function run when --timeout is not given. */
export const DEFAULT_TIMEOUT_MS = 15 * 60_000;
/** Node's timers hold at most 2^31-1 ms (about 24.8 days). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** The time limit in ms: DEFAULT_TIMEOUT_MS when not given, undefined (none) for `0`. */
export function parseTimeoutFlag(flag: string, value: string | undefined): number | undefined {
    if (value === undefined) return DEFAULT_TIMEOUT_MS;
    if (/^0+$/.test(value.trim())) return undefined;
    const ms = /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : parseDuration(value);
    if (ms === undefined || ms <= 0) {
        throw flagError(flag, `'${value}' is not a duration`, `e.g. ${flag} 30s, ${flag} 5m or ${flag} 1h (a bare number means seconds), or ${flag} 0 for no limit.`);
    }
    if (ms > MAX_TIMEOUT_MS) {
        throw flagError(flag, `'${value}' is longer than a run can be timed (at most 24 days)`, `Give a shorter duration, e.g. ${flag} 2h, or ${flag} 0 for no limit.`);
    }
    return Math.round(ms);
}
