/**
 * Checking values against the function's zod schemas (records, action input and output,
 * checkpoints, metadata) and naming each bad field by its path, e.g. `Issue[3].labels[0].name`.
 */
import { isVoid, isZodSchema, objectShape, unwrap, zodType, type ZodLike } from '../compiler/zod-introspect.js';
import type { ValidationIssue } from './run-types.js';

interface ZodIssueLike {
    code?: string;
    /** invalid_type: the zod type wanted (`date`, `number`), or a class name for z.instanceof. */
    expected?: string;
    path?: PropertyKey[];
    message?: string;
    /** invalid_union: the issues of each option, with paths inside the union's value. */
    errors?: ZodIssueLike[][];
}

interface SchemaLike {
    safeParse(value: unknown): { success: boolean; error?: { issues?: ZodIssueLike[] } };
    partial?: () => SchemaLike;
}

function isSchema(value: unknown): value is SchemaLike {
    return typeof value === 'object' && value !== null && typeof (value as SchemaLike).safeParse === 'function';
}

/** `title`, `labels.0.name`: the issue's path inside the value. */
function dottedPath(path: PropertyKey[] | undefined): string {
    return (path ?? []).map(String).join('.');
}

/** `.title`, `[0].name`: a path to append to a subject (`Issue[3]`). */
function displayPath(path: string): string {
    if (!path) return '';
    return path
        .split('.')
        .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
        .join('');
}

/** zod's issues with the value, [] when it matches; a single pathless issue when it could not be checked. */
function zodIssues(schema: SchemaLike, value: unknown): ZodIssueLike[] {
    let result: ReturnType<SchemaLike['safeParse']>;
    try {
        result = schema.safeParse(value);
    } catch (error) {
        return [{ message: `could not be checked: ${(error as Error)?.message ?? String(error)}` }];
    }
    if (result.success) return [];
    const issues = result.error?.issues ?? [];
    return issues.length > 0 ? issues : [{ message: 'does not match its schema' }];
}

function toIssue(issue: ZodIssueLike, where: Omit<ValidationIssue, 'path' | 'message'>): ValidationIssue {
    return { ...where, path: dottedPath(issue.path), message: issue.message ?? 'invalid' };
}

/** Issues of one value; [] when it matches (or when there is no schema to check). */
export function checkValue(schema: unknown, value: unknown, where: Omit<ValidationIssue, 'path' | 'message'>): ValidationIssue[] {
    if (!isSchema(schema)) return [];
    return zodIssues(schema, value).map((issue) => toIssue(issue, where));
}

/**
 * zod types JSON cannot carry, and which JSON values the deploy schema (summarize.ts) takes in
 * their place, since the platform checks an action input against that schema: a date is a
 * date-time string there, a file a binary string, void and undefined are null, and what JSON
 * Schema cannot express at all (bigint, map, set, a class of z.instanceof...) is `{}`, anything
 * present. A JSON input can never satisfy zod on such a field, so that alone must not refuse it.
 */
const JSON_STAND_IN: Record<string, (value: unknown) => boolean> = {
    date: (value) => typeof value === 'string',
    file: (value) => typeof value === 'string',
    undefined: (value) => value === null,
    void: (value) => value === null
};
const UNCHECKED_ON_PLATFORM = new Set(['bigint', 'symbol', 'map', 'set', 'function', 'nan', 'promise']);

function standsIn(expected: string | undefined, value: unknown): boolean {
    if (expected === undefined) return false;
    const check = JSON_STAND_IN[expected];
    if (check) return check(value);
    // z.instanceof reports the class name: a class is no JSON type either.
    return (UNCHECKED_ON_PLATFORM.has(expected) || /^[A-Z]/.test(expected)) && value !== undefined;
}

function valueAt(value: unknown, path: PropertyKey[] | undefined): unknown {
    let current = value;
    for (const key of path ?? []) {
        if (typeof current !== 'object' || current === null) return undefined;
        current = (current as Record<PropertyKey, unknown>)[key];
    }
    return current;
}

/** The issue only says a JSON value is not of a type JSON cannot carry; in a union, one option fails only that way. */
function onlyNotJson(issue: ZodIssueLike, value: unknown): boolean {
    const at = valueAt(value, issue.path);
    if (issue.code === 'invalid_type') return standsIn(issue.expected, at);
    if (issue.code === 'invalid_union') return (issue.errors ?? []).some((option) => option.length > 0 && option.every((inner) => onlyNotJson(inner, at)));
    return false;
}

function notJsonHint(issue: ZodIssueLike, value: unknown): string {
    if (issue.code === 'invalid_union') {
        const at = valueAt(value, issue.path);
        const option = (issue.errors ?? []).find((inner) => inner.length > 0 && inner.every((one) => onlyNotJson(one, at)));
        return notJsonHint(option![0]!, at);
    }
    if (issue.expected === 'date') return 'JSON has no dates: the platform takes a date-time string here and the function gets that string, not a Date';
    if (issue.expected === 'file') return 'JSON has no files: the platform takes a string here and the function gets that string';
    if (issue.expected === 'undefined' || issue.expected === 'void') return 'JSON has no undefined: the platform takes null here';
    return `JSON has no ${issue.expected}: the platform does not check this field and the function gets the value as JSON gives it`;
}

/**
 * Issues of an action input, and which of them the platform refuses the input for too: it checks
 * the input against the deploy schema, where a type JSON cannot carry stands for a JSON value
 * (see JSON_STAND_IN). The others carry a hint saying what the function will get instead.
 */
export function checkInput(schema: unknown, value: unknown): { issues: ValidationIssue[]; refused: ValidationIssue[] } {
    if (!isSchema(schema)) return { issues: [], refused: [] };
    const issues: ValidationIssue[] = [];
    const refused: ValidationIssue[] = [];
    for (const raw of zodIssues(schema, value)) {
        const tolerated = onlyNotJson(raw, value);
        const issue = toIssue(raw, tolerated ? { subject: 'input', hint: notJsonHint(raw, value) } : { subject: 'input' });
        issues.push(issue);
        if (!tolerated) refused.push(issue);
    }
    return { issues, refused };
}

/** The schema for batchUpdate: every field optional but the id. */
export function partialOf(schema: unknown): unknown {
    if (!isSchema(schema) || typeof schema.partial !== 'function') return undefined;
    try {
        return schema.partial();
    } catch {
        return undefined;
    }
}

/** A one-line description for warnings: `batchSave Issue[3].title (id 42): expected string, received number`. */
export function describeIssue(issue: ValidationIssue, index?: number): string {
    const subject = issue.model ? `${issue.subject} ${issue.model}${index === undefined ? '' : `[${index}]`}` : issue.subject;
    const id = issue.recordId === undefined ? '' : ` (id ${issue.recordId})`;
    return `${subject}${displayPath(issue.path)}${id}: ${issue.message}${issue.hint ? ` — ${issue.hint}` : ''}`;
}

const EXAMPLE_WIDTH = 200;

/** A value of the schema's type for the user to replace: `"…"` for a string, 0, false, the first enum member. */
function placeholder(schema: ZodLike, depth: number): unknown {
    const inner = unwrap(schema);
    const def = inner._zod.def as { entries?: Record<string, unknown>; values?: unknown[]; options?: unknown[] };
    switch (zodType(inner)) {
        case 'string':
        case 'date':
            return '…';
        case 'number':
        case 'int':
        case 'bigint':
            return 0;
        case 'boolean':
            return false;
        case 'array':
        case 'tuple':
        case 'set':
            return [];
        case 'record':
        case 'map':
            return {};
        case 'enum':
            return Object.values(def.entries ?? {})[0] ?? null;
        case 'literal':
            return def.values?.[0] ?? null;
        case 'union': {
            const first = def.options?.[0];
            return isZodSchema(first) ? placeholder(first, depth) : null;
        }
        case 'object':
            return depth < 2 ? requiredFields(inner, depth + 1) : {};
        default:
            return null;
    }
}

/** zod marks a field the input may leave out (optional, with a default, with a catch) with `optin`. */
const isOptional = (schema: ZodLike): boolean => typeof (schema as { _zod: { optin?: unknown } })._zod.optin === 'string';

function requiredFields(schema: ZodLike, depth: number): Record<string, unknown> {
    const example: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(objectShape(schema) ?? {})) if (!isOptional(field)) example[key] = placeholder(field, depth);
    return example;
}

/**
 * What a value of the schema looks like, for a hint: `{"title":"…","count":0} (optional: body)`.
 * Only the required fields get a value; undefined when the schema is not zod.
 */
export function exampleOf(schema: unknown): string | undefined {
    if (!isZodSchema(schema)) return undefined;
    const json = JSON.stringify(placeholder(schema, 0)) ?? 'null';
    const optional = Object.entries(objectShape(schema) ?? {})
        .filter(([, field]) => isOptional(field))
        .map(([key]) => key);
    const text = `${json}${optional.length > 0 ? ` (optional: ${optional.join(', ')})` : ''}`;
    return text.length > EXAMPLE_WIDTH ? `${text.slice(0, EXAMPLE_WIDTH - 1)}…` : text;
}

/**
 * How to give the function a value its schema accepts. The runtime serves both `ferry dryrun`
 * and `ferry test`, so the hint names where the value comes from in each.
 */
export function passHint(what: 'input' | 'metadata', schema: unknown): string {
    if (what === 'input' && isVoid(schema)) return 'the action takes no input: leave --input out (and "input" out of a test fixture)';
    const example = exampleOf(schema);
    const like = example ? ` like ${example}` : ' that matches the schema';
    return what === 'input'
        ? `pass an input${like} (--input with dryrun, "input" in a test fixture)`
        : `pass metadata${like} (--metadata with dryrun, nango.getMetadata in a test fixture)`;
}
