/**
 * Request validation with zod, reported as Nango reports it (`{ code, message, path }` per issue,
 * under invalid_body / invalid_query_params / invalid_uri_params).
 */
import type { ServerResponse } from 'node:http';
import type { z } from 'zod';
import { sendInvalid, type ValidationIssue } from '../http.js';

function issues(error: z.ZodError): ValidationIssue[] {
    return error.issues.map(({ code, message, path }) => ({ code, message, path: path.map((p) => String(p)) }));
}

/** The parsed value, or undefined after sending the 400. */
export function parseOr400<T>(
    res: ServerResponse,
    schema: z.ZodType<T>,
    value: unknown,
    code: 'invalid_body' | 'invalid_query_params' | 'invalid_uri_params' | 'invalid_headers'
): T | undefined {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    sendInvalid(res, code, issues(result.error));
    return undefined;
}

/** Query parameters as an object; a repeated key becomes an array. */
export function queryObject(url: URL): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [key, value] of url.searchParams) {
        const existing = out[key];
        out[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
    return out;
}
