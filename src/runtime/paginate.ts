/**
 * `nango.paginate`: cursor, link (Link header or a URL in the body) and offset pagination, with
 * the function's `paginate` config merged over the provider's default, page by page as Nango's
 * runner asks for them (the same requests, so recordings made by either replay in the other).
 * Pure: it only builds the next request from the previous answer; `send` does the call (with
 * retries) for it.
 */
import type { ProxyRequest } from './types.js';

export type PaginateConfig = Record<string, unknown>;

export interface PageResponse {
    status: number;
    headers: Record<string, string>;
    data: unknown;
}

interface PaginateOptions {
    /** The pagination fields go in the body (`paginate.in_body`, else POST/PUT/PATCH) instead of the query. */
    inBody: boolean;
    /** `paginate.on_page`: awaited after each page with the next page's cursor, link or offset. */
    onPage?: (state: { nextPageParam: string | number | undefined; response: PageResponse }) => Promise<unknown> | unknown;
    /**
     * The function's own params (or body) object: Nango writes the pagination fields into it, so
     * a config object paged twice starts the second time where the first ended.
     */
    fieldsInto?: Record<string, unknown>;
}

type Field = string | number | unknown;

type Params = NonNullable<ProxyRequest['params']>;

class PaginateError extends Error {
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
 * A next-page link as the next request, as Nango follows it: a full URL is called on its own
 * origin (`baseUrlOverride`) at its path; a relative one replaces the endpoint. Its query becomes
 * the params (the request's own are dropped); the body stays.
 */
export function requestFromLink(link: string, request: ProxyRequest): ProxyRequest {
    let absolute: URL | undefined;
    try {
        absolute = new URL(link);
    } catch {
        absolute = undefined;
    }
    const url = absolute ?? new URL(link, 'http://relative.invalid');
    const { params: _dropped, ...rest } = request;
    const next: ProxyRequest = { ...rest, endpoint: absolute ? url.pathname : link.split('?')[0]! };
    if (absolute) next.baseUrlOverride = url.origin;
    const params = queryToParams(url.searchParams);
    if (Object.keys(params).length > 0) next.params = params;
    return next;
}

/** Sets `a.b` keys as nested objects, as Nango does for pagination fields sent in a body. */
function expand(fields: Record<string, Field>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) {
        const parts = key.split('.');
        let target = out;
        for (const part of parts.slice(0, -1)) {
            if (target[part] === null || typeof target[part] !== 'object') target[part] = {};
            target = target[part] as Record<string, unknown>;
        }
        target[parts[parts.length - 1]!] = value;
    }
    return out;
}

function requireString(config: PaginateConfig, key: string, type: string): string {
    const value = config[key];
    if (typeof value !== 'string' || value === '') throw new PaginateError(`paginate: ${type} pagination needs '${key}'`);
    return value;
}

/**
 * The function's pagination over the provider's, key by key, whatever their types: a function
 * that pages GitHub by cursor still sends the provider's `per_page` limit name, as on the platform.
 */
export function mergePagination(providerDefault: PaginateConfig | undefined, own: PaginateConfig | undefined): PaginateConfig {
    return { ...providerDefault, ...own };
}

/** The checks Nango makes before the first request. */
export function validatePagination(config: PaginateConfig): void {
    const type = config['type'];
    if (type === undefined || type === null || type === '') {
        throw new PaginateError(`paginate: no pagination type; pass paginate: { type: 'cursor' | 'link' | 'offset', ... } (the provider has no default)`);
    }
    if (type === 'cursor') {
        requireString(config, 'cursor_name_in_request', 'cursor');
        requireString(config, 'cursor_path_in_response', 'cursor');
        if (config['limit'] && !config['limit_name_in_request']) throw new PaginateError(`paginate: cursor pagination needs 'limit_name_in_request' when 'limit' is set`);
    } else if (type === 'link') {
        if (!config['link_rel_in_response_header'] && !config['link_path_in_response_body']) {
            throw new PaginateError(`paginate: link pagination needs 'link_rel_in_response_header' or 'link_path_in_response_body'`);
        }
    } else if (type === 'offset') {
        requireString(config, 'offset_name_in_request', 'offset');
    } else {
        throw new PaginateError(`paginate: unknown pagination type '${String(type)}'; use 'cursor', 'link' or 'offset'`);
    }
}

/** The records of a page: the body, or what `response_path` points at. */
function pageOf(data: unknown, config: PaginateConfig): unknown {
    const path = config['response_path'];
    return typeof path === 'string' && path !== '' ? getPath(data, path) : data;
}

const isEmpty = (page: unknown): boolean => !page || !(page as { length?: unknown }).length;

/** A next cursor as Nango keeps it: a trimmed non-empty string or a number, else the end. */
function cursorOf(value: unknown): string | number | undefined {
    if (typeof value === 'number') return value;
    if (typeof value === 'string') return value.trim() || undefined;
    return undefined;
}

/**
 * Yields one page per provider response. Each request carries the accumulated pagination fields
 * (limit, then cursor or offset) in its query, or in its body when `options.inBody`.
 */
export async function* paginatePages(
    first: ProxyRequest,
    config: PaginateConfig,
    send: (request: ProxyRequest) => Promise<PageResponse>,
    options: PaginateOptions = { inBody: false }
): AsyncGenerator<unknown[], undefined, void> {
    validatePagination(config);
    const fields: Record<string, Field> = { ...(options.inBody ? (first.data as Record<string, Field> | undefined) : first.params) };
    const setField = (name: string, value: Field): void => {
        fields[name] = value;
        if (options.fieldsInto) options.fieldsInto[name] = value;
    };
    // Nango sets it under the configured name even when there is none (the key is then "undefined").
    if (config['limit']) setField(String(config['limit_name_in_request']), config['limit']);
    const withFields = (request: ProxyRequest): ProxyRequest =>
        options.inBody ? { ...request, data: expand(fields) } : { ...request, params: { ...fields } as NonNullable<ProxyRequest['params']> };

    if (config['type'] === 'cursor') {
        const cursorName = String(config['cursor_name_in_request']);
        let cursor: string | number | undefined;
        do {
            if (cursor !== undefined) setField(cursorName, cursor);
            const response = await send(withFields(first));
            const page = pageOf(response.data, config);
            if (isEmpty(page)) return undefined;
            yield page as unknown[];
            cursor = cursorOf(getPath(response.data, String(config['cursor_path_in_response'])));
            await options.onPage?.({ nextPageParam: cursor, response });
        } while (cursor !== undefined);
        return undefined;
    }

    if (config['type'] === 'link') {
        const rel = typeof config['link_rel_in_response_header'] === 'string' ? config['link_rel_in_response_header'] : undefined;
        const bodyPath = typeof config['link_path_in_response_body'] === 'string' ? config['link_path_in_response_body'] : undefined;
        let request = withFields(first);
        let previous: string | undefined;
        for (;;) {
            const response = await send(request);
            yield pageOf(response.data, config) as unknown[];
            let link: unknown = rel ? linkFromHeader(headerOf(response.headers, 'link'), rel) : undefined;
            if (!link && bodyPath) link = getPath(response.data, bodyPath);
            const next = typeof link === 'string' && link !== '' ? link : undefined;
            await options.onPage?.({ nextPageParam: next, response });
            if (!next || next === previous) return undefined;
            previous = next;
            request = requestFromLink(next, request);
        }
    }

    const offsetName = String(config['offset_name_in_request']);
    const perPage = config['offset_calculation_method'] === 'per-page';
    let offset = Number(config['offset_start_value'] || 0);
    if (!Number.isFinite(offset)) throw new PaginateError(`paginate: offset_start_value must be a number`);
    for (;;) {
        setField(offsetName, options.inBody ? offset : String(offset));
        const response = await send(withFields(first));
        const page = pageOf(response.data, config);
        if (isEmpty(page)) return undefined;
        yield page as unknown[];
        const count = Number((page as { length: unknown }).length);
        if (config['limit'] && count < Number(config['limit'])) return undefined;
        await options.onPage?.({ nextPageParam: offset, response });
        offset += perPage ? 1 : count;
    }
}
