/**
 * What a dry run returns or reports (the outcome, live events, errors) may quote what the
 * platform or the provider answered, and either may echo a secret: the platform's key in a 500,
 * the provider the connection's token. Every value leaving dryrun() passes through one redactor,
 * so no printer can forget: each known secret becomes `***`. Values are learnt as the run goes
 * (the key once settings are read, the connection's credentials once it is looked up).
 */
import { FerryError } from '../errors.js';

export const MASK = '***';
/** Shorter values are too likely to occur by chance (`true`, `dev`, ports), as for the --save scan. */
const MIN_LENGTH = 8;

export interface Redactor {
    /** Values to hide from now on; short and empty ones are ignored. */
    add(values: Iterable<string>): void;
    text(text: string): string;
    /** A copy with every string scrubbed; parts without a secret are shared, not copied. */
    value<T>(value: T): T;
    /** The same error with its message, hint, details and stack scrubbed. */
    error(error: unknown): unknown;
}

export function createRedactor(): Redactor {
    // Longest first: a secret that contains another is masked whole.
    let needles: string[] = [];
    const redactor: Redactor = {
        add(values) {
            const all = new Set(needles);
            for (const raw of values) {
                const value = raw.trim();
                if (value.length < MIN_LENGTH) continue;
                // As it appears in a JSON text or a URL as well as raw.
                for (const form of [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]) all.add(form);
            }
            needles = [...all].sort((a, b) => b.length - a.length);
        },
        text(text) {
            let scrubbed = text;
            for (const needle of needles) if (scrubbed.includes(needle)) scrubbed = scrubbed.replaceAll(needle, MASK);
            return scrubbed;
        },
        value(value) {
            return needles.length === 0 ? value : (scrub(value, redactor.text) as typeof value);
        },
        error(error) {
            if (needles.length === 0) return error;
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
