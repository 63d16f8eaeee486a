/**
 * Checking values against the function's zod schemas (records, action input and output,
 * checkpoints, metadata) and naming each bad field by its path, e.g. `Issue[3].labels[0].name`.
 */
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
    return `${subject}${displayPath(issue.path)}${id}: ${issue.message}`;
}
