/**
 * The few HTTP pieces the server needs on top of node:http: a route table (method plus a path
 * pattern with named segments), JSON bodies with a size limit, Nango's error body shape, and the
 * secret-key check with Nango's 401 bodies. No framework: the routes are few and the proxy needs
 * the raw request and response streams anyway.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RequestContext {
    req: IncomingMessage;
    res: ServerResponse;
    url: URL;
    params: Record<string, string>;
}

type RouteHandler = (ctx: RequestContext) => Promise<void> | void;

interface Route {
    method: string;
    /** e.g. /connections/:connectionId; a trailing * matches the rest (proxy). */
    path: string;
    /** Public routes (webhooks, OAuth callbacks) skip the secret key. */
    public?: boolean;
    handler: RouteHandler;
}

interface CompiledRoute extends Route {
    regex: RegExp;
    names: string[];
}

export class Router {
    private readonly routes: CompiledRoute[] = [];

    add(route: Route): void {
        const names: string[] = [];
        const pattern = route.path
            .split('/')
            .map((segment) => {
                if (segment === '*') return '(?:/(?<rest>.*))?';
                if (segment.startsWith(':')) {
                    names.push(segment.slice(1));
                    return `/(?<${segment.slice(1)}>[^/]+)`;
                }
                return segment === '' ? '' : `/${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
            })
            .join('');
        this.routes.push({ ...route, regex: new RegExp(`^${pattern}/?$`), names });
    }

    /** The route for a method and path; `allowed` lists the methods of a path that matched otherwise. */
    match(method: string, path: string): { route: CompiledRoute; params: Record<string, string> } | { allowed: string[] } {
        const allowed: string[] = [];
        for (const route of this.routes) {
            const found = route.regex.exec(path);
            if (!found) continue;
            if (route.method !== '*' && route.method !== method) {
                allowed.push(route.method);
                continue;
            }
            const params: Record<string, string> = {};
            for (const [name, value] of Object.entries(found.groups ?? {})) {
                if (value === undefined) continue;
                try {
                    params[name] = name === 'rest' ? value : decodeURIComponent(value);
                } catch {
                    params[name] = value;
                }
            }
            return { route, params };
        }
        return { allowed };
    }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const payload = Buffer.from(JSON.stringify(body));
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(payload.length), ...headers });
    res.end(payload);
}

/** Nango's error body: `{ error: { code, message?, errors?, payload? } }`. */
export function sendError(res: ServerResponse, status: number, code: string, message?: string, extra: Record<string, unknown> = {}): void {
    sendJson(res, status, { error: { code, ...(message === undefined ? {} : { message }), ...extra } });
}

/** Zod-like issue list, as Nango's `zodErrorToHTTP` shapes it. */
export interface ValidationIssue {
    code: string;
    message: string;
    path: (string | number)[];
}

export function sendInvalid(res: ServerResponse, code: 'invalid_body' | 'invalid_query_params' | 'invalid_uri_params' | 'invalid_headers', errors: ValidationIssue[]): void {
    sendError(res, 400, code, undefined, { errors });
}

export class BodyError extends Error {
    constructor(
        readonly status: number,
        message: string
    ) {
        super(message);
    }
}

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > limit) throw new BodyError(413, `the body is larger than ${limit} bytes`);
        chunks.push(chunk);
    }
    return Buffer.concat(chunks);
}

/** The JSON body, or undefined when there is none; a body that is not JSON is a 400. */
export async function readJson(req: IncomingMessage, limit = 10 * 1024 * 1024): Promise<unknown> {
    const raw = await readBody(req, limit);
    if (raw.length === 0) return undefined;
    try {
        return JSON.parse(raw.toString('utf8'));
    } catch {
        throw new BodyError(400, 'the body is not valid JSON');
    }
}

const UUID_V4 = /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/i;

const AUTH_FAILURES = {
    missing_auth_header: 'Authentication failed. The request is missing the Authorization header.',
    malformed_auth_header: 'Authentication failed. The Authorization header is malformed.',
    invalid_secret_key_format: 'Authentication failed. The provided secret key is not a UUID v4.',
    unknown_account: 'Authentication failed. The provided authorization header does not match any account.'
} as const;

/**
 * Checks `Authorization: Bearer <secret key>` as Nango does, with its 401 bodies. Returns true
 * when the request may go on; otherwise the 401 has been sent.
 */
export function checkSecretKey(req: IncomingMessage, res: ServerResponse, secretKey: string): boolean {
    const header = req.headers['authorization'];
    const fail = (code: keyof typeof AUTH_FAILURES): false => {
        sendJson(res, 401, { error: { message: AUTH_FAILURES[code], code, payload: {} } });
        return false;
    };
    if (!header) return fail('missing_auth_header');
    const given = header.split('Bearer ').pop();
    if (!given) return fail('malformed_auth_header');
    const a = Buffer.from(given);
    const b = Buffer.from(secretKey);
    if (a.length === b.length && timingSafeEqual(a, b)) return true;
    // Nango checks the format first; a key of another format (given with --secret-key) skips it.
    return fail(UUID_V4.test(secretKey) && !UUID_V4.test(given) ? 'invalid_secret_key_format' : 'unknown_account');
}
