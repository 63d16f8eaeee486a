/**
 * Structural comparison of JSON values: what differs, where (`labels[0].name`), expected against
 * actual. Values are compared as JSON sees them, since that is how fixtures store them.
 */

export interface Difference {
    /** e.g. `title`, `labels[0].name`; empty for the value itself. */
    path: string;
    /** undefined when the field is missing on that side. */
    expected?: unknown;
    actual?: unknown;
}

/** The value as it would read back from a fixture: Dates become ISO strings, undefined fields vanish. */
export function toJsonValue(value: unknown): unknown {
    if (value === undefined) return undefined;
    const text = JSON.stringify(value);
    return text === undefined ? undefined : JSON.parse(text);
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function isDeepEqual(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (Array.isArray(a)) {
        if (!Array.isArray(b) || a.length !== b.length) return false;
        return a.every((item, i) => isDeepEqual(item, b[i]));
    }
    if (isPlainObject(a)) {
        if (!isPlainObject(b)) return false;
        const keysA = Object.keys(a).filter((k) => a[k] !== undefined);
        const keysB = Object.keys(b).filter((k) => b[k] !== undefined);
        if (keysA.length !== keysB.length) return false;
        return keysA.every((key) => isDeepEqual(a[key], b[key]));
    }
    return Number.isNaN(a) && Number.isNaN(b);
}

export function joinPath(base: string, key: string | number): string {
    if (typeof key === 'number') return `${base}[${key}]`;
    const safe = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
    if (safe !== key) return `${base}[${safe}]`;
    return base === '' ? key : `${base}.${key}`;
}

/** Every leaf where `actual` departs from `expected`. Arrays compare by position. */
export function diffValues(expected: unknown, actual: unknown, path = ''): Difference[] {
    if (isDeepEqual(expected, actual)) return [];
    if (Array.isArray(expected) && Array.isArray(actual)) {
        const out: Difference[] = [];
        const length = Math.max(expected.length, actual.length);
        for (let i = 0; i < length; i++) {
            const p = joinPath(path, i);
            if (i >= actual.length) out.push({ path: p, expected: expected[i] });
            else if (i >= expected.length) out.push({ path: p, actual: actual[i] });
            else out.push(...diffValues(expected[i], actual[i], p));
        }
        return out;
    }
    if (isPlainObject(expected) && isPlainObject(actual)) {
        const out: Difference[] = [];
        const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
        for (const key of keys) {
            const e = expected[key];
            const a = actual[key];
            if (e === undefined && a === undefined) continue;
            const p = joinPath(path, key);
            if (e === undefined) out.push({ path: p, actual: a });
            else if (a === undefined) out.push({ path: p, expected: e });
            else out.push(...diffValues(e, a, p));
        }
        return out;
    }
    return [{ path, ...(expected === undefined ? {} : { expected }), ...(actual === undefined ? {} : { actual }) }];
}

/** A value on one line, shortened: diffs stay readable with big records. */
export function preview(value: unknown, max = 80): string {
    if (value === undefined) return '(missing)';
    const text = JSON.stringify(value) ?? String(value);
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
