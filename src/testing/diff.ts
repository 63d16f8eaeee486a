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

function joinPath(base: string, key: string | number): string {
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

/** A request as sent or as recorded, for saying how two differ. */
interface RequestShape {
    method: string;
    endpoint: string;
    params: Record<string, string | string[]>;
    /** Only compared when the recorded side has headers (a fixture may record none). */
    headers?: Record<string, string>;
    data?: unknown;
}

/** A body as a JSON value: JSON text parsed, bytes as text, nothing as null. */
export function bodyValue(value: unknown): unknown {
    if (value === undefined || value === null || value === '') return null;
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    if (typeof value === 'string') {
        try {
            return JSON.parse(value);
        } catch {
            return value;
        }
    }
    return toJsonValue(value);
}

const sentRecorded = (sent: unknown, recorded: unknown): string => `sent ${preview(sent, 60)}, recorded ${preview(recorded, 60)}`;

function keyedDifferences(what: string, sent: Record<string, unknown>, recorded: Record<string, unknown>, same: (a: unknown, b: unknown) => boolean): string[] {
    const out: string[] = [];
    for (const key of [...new Set([...Object.keys(recorded), ...Object.keys(sent)])].sort()) {
        const s = sent[key];
        const r = recorded[key];
        if (same(s, r)) continue;
        if (r === undefined) out.push(`${what} ${key} sent (${preview(s, 60)}) but not recorded`);
        else if (s === undefined) out.push(`${what} ${key} recorded (${preview(r, 60)}) but not sent`);
        else out.push(`${what} ${key}: ${sentRecorded(s, r)}`);
    }
    return out;
}

/**
 * Every way a sent request departs from a recorded one, each naming the method, the path, a
 * param, a header or a body field with both values; empty when nothing that identifies a request
 * differs. Header names compare case-insensitively; secret headers are never recorded, so never compared.
 */
export function requestDifferences(sent: RequestShape, recorded: RequestShape, isSecretHeader: (name: string) => boolean = () => false): string[] {
    const out: string[] = [];
    if (sent.method.toUpperCase() !== recorded.method.toUpperCase()) out.push(`method: sent ${sent.method.toUpperCase()}, recorded ${recorded.method.toUpperCase()}`);
    if (sent.endpoint !== recorded.endpoint) out.push(`path: sent ${sent.endpoint}, recorded ${recorded.endpoint}`);
    out.push(...keyedDifferences('param', sent.params, recorded.params, isDeepEqual));
    if (recorded.headers && Object.keys(recorded.headers).length > 0) {
        const lower = (headers: Record<string, string> | undefined): Record<string, string> =>
            Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !isSecretHeader(name)).map(([name, value]) => [name.toLowerCase(), String(value)]));
        const recordedHeaders = lower(recorded.headers);
        // Headers the fixture does not record were left out on purpose (defaults, transport headers): only recorded ones count.
        const sentHeaders = Object.fromEntries(Object.entries(lower(sent.headers)).filter(([name]) => name in recordedHeaders));
        out.push(...keyedDifferences('header', sentHeaders, recordedHeaders, (a, b) => a === b));
    }
    const body = diffValues(bodyValue(recorded.data), bodyValue(sent.data));
    for (const difference of body) {
        const where = difference.path === '' ? 'body' : `body field ${difference.path}`;
        if (difference.expected === undefined) out.push(`${where} sent (${preview(difference.actual, 60)}) but not recorded`);
        else if (difference.actual === undefined) out.push(`${where} recorded (${preview(difference.expected, 60)}) but not sent`);
        else out.push(`${where}: ${sentRecorded(difference.actual, difference.expected)}`);
    }
    return out;
}

/** The differences as one clause: the first few, then how many more. */
export function describeRequestDifferences(differences: readonly string[], max = 3): string {
    if (differences.length === 0) return 'it differs in nothing that identifies a request';
    const shown = differences.slice(0, max).join('; ');
    return differences.length > max ? `${shown}; and ${differences.length - max} more difference${differences.length - max === 1 ? '' : 's'}` : shown;
}
