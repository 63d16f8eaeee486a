/**
 * `nango.paginate`: cursor, link (Link header or a URL in the body) and offset pagination, with
 * the function's `paginate` config merged over the provider's default. Pure: it only builds the
 * next request from the previous answer, and `send` does the call (with retries) for it.
 */
import type { ProxyRequest } from './types.js';

export type PaginateConfig = Record<string, unknown>;

export interface PageResponse {
    status: number;
    headers: Record<string, string>;
    data: unknown;
}

type Params = NonNullable<ProxyRequest['params']>;

export class PaginateError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'PaginateError';
    }
}

/** Reads `a.b.c` (or `a.0.b`, `a[0].b`) from a value; undefined when any step is missing. */
export function getPath(value: unknown, path: string | undefined): unknown {
    if (!path) return value;
    let current: unknown = value;
    for (const key of path.replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean)) {
        if (current === null || typeof current !== 'object') return undefined;
        current = (current as Record<string, unknown>)[key];
    }
    return current;
}

/** The URL of the `Link` header entry with this rel (RFC 8288), if any. */
export function linkFromHeader(header: string | undefined, rel: string): string | undefined {
    if (!header) return undefined;
    for (const part of header.split(/,(?=\s*<)/)) {
        const match = /<([^>]*)>(.*)/.exec(part.trim());
        if (!match) continue;
        const rels = /rel\s*=\s*"?([^";]+)"?/i.exec(match[2]!)?.[1]?.split(/\s+/) ?? [];
        if (rels.includes(rel)) return match[1];
    }
    return undefined;
}

function headerOf(headers: Record<string, string>, name: string): string | undefined {
    const lower = name.toLowerCase();
    for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) return value;
    return undefined;
}

/** Replaces `${connectionConfig.x}` placeholders of a catalog base URL. */
export function resolveBaseUrl(baseUrl: string | undefined, connectionConfig: Record<string, unknown> | undefined): string | undefined {
    if (!baseUrl) return undefined;
    return baseUrl.replace(/\$\{connectionConfig\.([^}]+)\}/g, (_, key: string) => String(connectionConfig?.[key] ?? ''));
}

function queryToParams(search: URLSearchParams): Params {
    const params: Params = {};
    for (const key of new Set(search.keys())) {
        const values = search.getAll(key);
        params[key] = values.length > 1 ? values : values[0]!;
    }
    return params;
}

/**
 * A next-page URL as the next request: its path relative to the API's base (the override or the
 * provider's base URL) and its query as params. A URL on another host keeps only its path, so a
 * local stand-in for a provider (whose links name itself) still pages through the same proxy.
 */
export function requestFromLink(link: string, request: ProxyRequest, bases: (string | undefined)[]): ProxyRequest {
    let url: URL;
    try {
        url = new URL(link, 'http://relative.invalid');
    } catch {
        throw new PaginateError(`paginate: the next-page link '${link}' is not a URL`);
    }
    let endpoint = url.pathname;
    for (const base of bases) {
        if (!base) continue;
        let basePath: string;
        let baseOrigin: string;
        try {
            const parsed = new URL(base);
            basePath = parsed.pathname.replace(/\/+$/, '');
            baseOrigin = parsed.origin;
        } catch {
            continue;
        }
        const sameOrigin = url.origin === baseOrigin || url.origin === 'http://relative.invalid';
        if (basePath && endpoint.startsWith(`${basePath}/`) && (sameOrigin || !link.startsWith('http'))) {
            endpoint = endpoint.slice(basePath.length);
            break;
        }
    }
    const next: ProxyRequest = { ...request, endpoint, params: queryToParams(url.searchParams) };
    return next;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Sets pagination fields in the query, or in the body for POST/PUT/PATCH (as Nango does). */
function withFields(request: ProxyRequest, fields: Record<string, string | number>): ProxyRequest {
    if (BODY_METHODS.has(request.method) && (request.data === undefined || (typeof request.data === 'object' && request.data !== null && !Array.isArray(request.data)))) {
        return { ...request, data: { ...(request.data as Record<string, unknown> | undefined), ...fields } };
    }
    return { ...request, params: { ...request.params, ...fields } };
}

function recordsOf(data: unknown, responsePath: string | undefined): unknown[] {
    const records = getPath(data, responsePath);
    if (records === undefined || records === null) return [];
    if (!Array.isArray(records)) {
        throw new PaginateError(
            responsePath
                ? `paginate: '${responsePath}' in the response is not an array; set paginate.response_path to the records' path`
                : `paginate: the response body is not an array; set paginate.response_path to the path of the records`
        );
    }
    return records;
}

function requireString(config: PaginateConfig, key: string, type: string): string {
    const value = config[key];
    if (typeof value !== 'string' || value === '') throw new PaginateError(`paginate: ${type} pagination needs '${key}'`);
    return value;
}

/** Merges the function's pagination over the provider's; a different `type` replaces it. */
export function mergePagination(providerDefault: PaginateConfig | undefined, own: PaginateConfig | undefined): PaginateConfig {
    if (own?.['type'] && providerDefault?.['type'] && own['type'] !== providerDefault['type']) return { ...own };
    return { ...providerDefault, ...own };
}

/**
 * Yields one array of records per page. `bases` are the base URLs a next-page link is made
 * relative to (the request's override, then the provider's).
 */
export async function* paginatePages(
    first: ProxyRequest,
    config: PaginateConfig,
    send: (request: ProxyRequest) => Promise<PageResponse>,
    bases: (string | undefined)[] = []
): AsyncGenerator<unknown[], undefined, void> {
    const type = config['type'];
    if (type !== 'cursor' && type !== 'link' && type !== 'offset') {
        throw new PaginateError(
            type === undefined
                ? `paginate: no pagination type; pass paginate: { type: 'cursor' | 'link' | 'offset', ... } (the provider has no default)`
                : `paginate: unknown pagination type '${String(type)}'; use 'cursor', 'link' or 'offset'`
        );
    }
    const responsePath = typeof config['response_path'] === 'string' ? config['response_path'] : undefined;
    const limit = config['limit'] === undefined || config['limit'] === null || config['limit'] === '' ? undefined : Number(config['limit']);
    const limitName = typeof config['limit_name_in_request'] === 'string' ? config['limit_name_in_request'] : undefined;
    let request = limit !== undefined && limitName ? withFields(first, { [limitName]: limit }) : first;

    if (type === 'cursor') {
        const cursorPath = requireString(config, 'cursor_path_in_response', 'cursor');
        const cursorName = requireString(config, 'cursor_name_in_request', 'cursor');
        for (;;) {
            const response = await send(request);
            const records = recordsOf(response.data, responsePath);
            if (records.length === 0) return undefined;
            yield records;
            const cursor = getPath(response.data, cursorPath);
            if (cursor === undefined || cursor === null || cursor === '') return undefined;
            request = withFields(request, { [cursorName]: typeof cursor === 'number' ? cursor : String(cursor) });
        }
    }

    if (type === 'link') {
        const rel = typeof config['link_rel_in_response_header'] === 'string' ? config['link_rel_in_response_header'] : undefined;
        const bodyPath = typeof config['link_path_in_response_body'] === 'string' ? config['link_path_in_response_body'] : undefined;
        if (!rel && !bodyPath) throw new PaginateError(`paginate: link pagination needs 'link_rel_in_response_header' or 'link_path_in_response_body'`);
        for (;;) {
            const response = await send(request);
            const records = recordsOf(response.data, responsePath);
            if (records.length === 0) return undefined;
            yield records;
            const fromBody = bodyPath ? getPath(response.data, bodyPath) : undefined;
            const link = rel ? linkFromHeader(headerOf(response.headers, 'link'), rel) : typeof fromBody === 'string' && fromBody !== '' ? fromBody : undefined;
            if (!link) return undefined;
            request = requestFromLink(link, request, bases);
        }
    }

    const offsetName = requireString(config, 'offset_name_in_request', 'offset');
    const perPage = config['offset_calculation_method'] === 'per-page';
    let offset = Number(config['offset_start_value'] ?? 0);
    if (!Number.isFinite(offset)) throw new PaginateError(`paginate: offset_start_value must be a number`);
    for (;;) {
        request = withFields(request, { [offsetName]: offset });
        const response = await send(request);
        const records = recordsOf(response.data, responsePath);
        if (records.length === 0) return undefined;
        yield records;
        if (limit !== undefined && records.length < limit) return undefined;
        offset += perPage ? 1 : records.length;
    }
}
