/**
 * Checking values against the function's zod schemas (records, action input and output,
 * checkpoints, metadata) and naming each bad field by its path, e.g. `Issue[3].labels[0].name`.
 */
import { isVoid, isZodSchema, objectShape, unwrap, zodType, type ZodLike } from '../compiler/zod-introspect.js';
import type { ValidationIssue } from './types.js';

interface ZodIssueLike {
    path?: PropertyKey[];
    message?: string;
}

interface SchemaLike {
    safeParse(value: unknown): { success: boolean; error?: { issues?: ZodIssueLike[] } };
    partial?: () => SchemaLike;
}

export function isSchema(value: unknown): value is SchemaLike {
    return typeof value === 'object' && value !== null && typeof (value as SchemaLike).safeParse === 'function';
}

/** `title`, `labels.0.name`: the issue's path inside the value. */
function dottedPath(path: PropertyKey[] | undefined): string {
    return (path ?? []).map(String).join('.');
}

/** `.title`, `[0].name`: a path to append to a subject (`Issue[3]`). */
export function displayPath(path: string): string {
    if (!path) return '';
    return path
        .split('.')
        .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
        .join('');
}

/** Issues of one value; [] when it matches (or when there is no schema to check). */
export function checkValue(schema: unknown, value: unknown, where: Omit<ValidationIssue, 'path' | 'message'>): ValidationIssue[] {
    if (!isSchema(schema)) return [];
    let result: ReturnType<SchemaLike['safeParse']>;
    try {
        result = schema.safeParse(value);
    } catch (error) {
        return [{ ...where, path: '', message: `could not be checked: ${(error as Error)?.message ?? String(error)}` }];
    }
    if (result.success) return [];
    const issues = result.error?.issues ?? [];
    if (issues.length === 0) return [{ ...where, path: '', message: 'does not match its schema' }];
    return issues.map((issue) => ({ ...where, path: dottedPath(issue.path), message: issue.message ?? 'invalid' }));
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
