/**
 * What a dry run returns or reports (the outcome, live events, errors) may quote what the
 * platform or the provider answered, and either may echo a secret: the platform's key in a 500,
 * the provider the connection's token. Every value leaving dryrun() (and every MCP tool result)
 * passes through one redactor, so no printer can forget: each known secret becomes `***`. Values
 * are learnt as the run goes (the key once settings are read, the connection's credentials once
 * it is looked up).
 */
import { FerryError } from '../errors.js';
import { MIN_SECRET_LENGTH, secretForms } from './values.js';

const MASK = '***';

/**
 * `text` with one known value (the secret key) masked, for text that exists before a run's
 * redactor does: the platform's address, a server's error message. Only the raw form: these
 * texts are never JSON- or URL-encoded copies of the key.
 */
export function maskValue<T extends string | undefined>(text: T, secret: string | undefined): T {
    return (text && secret ? text.replaceAll(secret, MASK) : text) as T;
}

export interface Redactor {
    /**
     * Values to hide from now on, in each of their secretForms. Values shorter than `minLength`
     * (default MIN_SECRET_LENGTH, for values read from .env or the environment) are ignored.
     */
    add(values: Iterable<string>, minLength?: number): void;
    text(text: string): string;
    /** A copy with every string scrubbed; parts without a secret are shared, not copied. */
    value<T>(value: T): T;
    /**
     * One JSON text (an --out line) scrubbed as `value` would scrub what it encodes, without
     * parsing it unless a secret is in it: the JSON-escaped forms are needles already.
     */
    json(text: string): string;
    /** The same error with its message, hint, details and stack scrubbed. */
    error(error: unknown): unknown;
}

export function createRedactor(): Redactor {
    const values = new Set<string>();
    let matcher: Matcher | undefined;
    const redactor: Redactor = {
        add(added, minLength = MIN_SECRET_LENGTH) {
            const before = values.size;
            for (const raw of added) {
                const value = raw.trim();
                if (value.length >= Math.max(minLength, SHORTEST)) values.add(value);
            }
            if (values.size !== before) matcher = new Matcher([...values].flatMap(secretForms));
        },
        text(text) {
            return matcher ? matcher.replace(text) : text;
        },
        value(value) {
            return matcher ? (scrub(value, redactor.text) as typeof value) : value;
        },
        json(text) {
            if (!matcher?.mayContain(text)) return text;
            let structural = false;
            const replaced = matcher.replace(text, (needle) => {
                // A needle with a quote or a backslash may begin or end mid-escape or span a
                // string's end: only the decoded value can say what to mask.
                if (needle.includes('"') || needle.includes('\\')) structural = true;
            });
            if (replaced === text) return text;
            // A match outside a string (a number, a key's quotes) leaves `***` where JSON allows
            // none, and JSON.parse says so: then the decoded value is scrubbed instead.
            if (!structural && isJson(replaced)) return replaced;
            return JSON.stringify(redactor.value(JSON.parse(text)));
        },
        error(error) {
            if (!matcher) return error;
            if (error instanceof FerryError) {
                const scrubbed = new FerryError({
                    code: error.code,
                    message: redactor.text(error.message),
                    ...(error.hint ? { hint: redactor.text(error.hint) } : {}),
                    exitCode: error.exitCode,
                    ...(error.details ? { details: redactor.value(error.details) } : {}),
                    ...(error.cause !== undefined ? { cause: redactor.error(error.cause) } : {})
                });
                if (error.stack) scrubbed.stack = redactor.text(error.stack);
                return scrubbed;
            }
            if (error instanceof Error) {
                error.message = redactor.text(error.message);
                if (error.stack) error.stack = redactor.text(error.stack);
            }
            return error;
        }
    };
    return redactor;
}

/** The shortest value ever masked (the matcher's pre-check reads needles four characters at a time at least). */
const SHORTEST = 4;
/** Characters are folded to 7 bits for the tables: a non-ASCII one only makes the pre-check less sure, never wrong. */
const FOLD = 127;

/**
 * Finds any of many needles in a text at a cost that hardly grows with their number: an --out of
 * a million records is scanned line by line, and a regex alternation alone slows down with every
 * needle whose first character is common. A Wu-Manber pre-check (skip ahead by the last two
 * characters of a window as long as the shortest needle, then compare a hash of the window's
 * start with the needles' starts) passes over almost every line that holds no needle; only a line
 * that may hold one meets the alternation (escaped needles, longest first, so a secret that
 * contains another is masked whole).
 */
class Matcher {
    private readonly regex: RegExp;
    /** The shortest needle's length: the window. */
    private readonly window: number;
    /** How far the window may move on, by the two characters at its end. */
    private readonly shift = new Uint8Array(1 << 14);
    /** Hashes of each needle's first `prefix` characters. */
    private readonly starts = new Set<number>();
    private readonly prefix: number;

    constructor(needles: string[]) {
        const sorted = [...new Set(needles)].sort((a, b) => b.length - a.length);
        this.regex = new RegExp(sorted.map((needle) => needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
        this.window = Math.min(sorted.at(-1)?.length ?? SHORTEST, 255);
        this.prefix = Math.min(this.window, 8);
        this.shift.fill(this.window - 1);
        for (const needle of sorted) {
            for (let end = 1; end < this.window; end++) {
                const pair = bigram(needle, end);
                this.shift[pair] = Math.min(this.shift[pair]!, this.window - 1 - end);
            }
            this.starts.add(hash(needle, 0, this.prefix));
        }
    }

    mayContain(text: string): boolean {
        const { shift, starts, window, prefix } = this;
        for (let end = window - 1; end < text.length; ) {
            const skip = shift[bigram(text, end)]!;
            if (skip > 0) {
                end += skip;
                continue;
            }
            if (starts.has(hash(text, end - window + 1, prefix))) return true;
            end++;
        }
        return false;
    }

    /** Every needle masked; `seen` hears each needle found. */
    replace(text: string, seen?: (needle: string) => void): string {
        if (!this.mayContain(text)) return text;
        return text.replace(this.regex, (needle) => {
            seen?.(needle);
            return MASK;
        });
    }
}

function bigram(text: string, end: number): number {
    return ((text.charCodeAt(end - 1) & FOLD) << 7) | (text.charCodeAt(end) & FOLD);
}

function hash(text: string, from: number, length: number): number {
    let h = 0;
    for (let i = from; i < from + length; i++) h = (Math.imul(h, 31) + (text.charCodeAt(i) & FOLD)) | 0;
    return h;
}

function isJson(text: string): boolean {
    try {
        JSON.parse(text);
        return true;
    } catch {
        return false;
    }
}

/** Plain objects and arrays are walked; anything else (bytes, dates) is kept as it is. */
function scrub(value: unknown, text: (text: string) => string): unknown {
    if (typeof value === 'string') return text(value);
    if (Array.isArray(value)) {
        let changed = false;
        const copy = value.map((item) => {
            const scrubbed = scrub(item, text);
            if (scrubbed !== item) changed = true;
            return scrubbed;
        });
        return changed ? copy : value;
    }
    if (value && typeof value === 'object' && isPlain(value)) {
        let changed = false;
        const copy: Record<string, unknown> = {};
        for (const [key, field] of Object.entries(value)) {
            const scrubbedKey = text(key);
            const scrubbed = scrub(field, text);
            if (scrubbed !== field || scrubbedKey !== key) changed = true;
            copy[scrubbedKey] = scrubbed;
        }
        return changed ? copy : value;
    }
    return value;
}

function isPlain(value: object): boolean {
    const proto = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
}
