/**
 * `paginate` in Nango's test mocks. A `.test.json` file is replayed page by page exactly as the
 * platform pages (so the requests match what was recorded); a `mocks/` folder is replayed the way
 * the older recorder asked for pages, including its quirks (a cursor or records path read as one
 * key, an answer without headers taken as the only page), so suites written against those files
 * keep passing.
 */
import { getPath, linkFromHeader } from '../runtime/paginate.js';
import { isHttpUrl, type MockProxyConfig } from './test-mocks-identity.js';

export interface MockAnswer {
    data: any;
    headers?: any;
    status?: any;
}

export type Pagination = Record<string, any>;
type Send = (config: MockProxyConfig) => Promise<MockAnswer>;
type Fields = Record<string, unknown>;

/** The checks the platform makes before the first page. */
export function validatePagination(pagination: Pagination): void {
    const type = pagination['type'];
    if (!type) throw new Error('Pagination type is required');
    if (type === 'cursor') {
        if (!pagination['cursor_name_in_request']) throw new Error('Param cursor_name_in_request is required for cursor pagination');
        if (!pagination['cursor_path_in_response']) throw new Error('Param cursor_path_in_response is required for cursor pagination');
        if (pagination['limit'] && !pagination['limit_name_in_request']) throw new Error('Param limit_name_in_request is required for cursor pagination when limit is set');
    } else if (type === 'link') {
        if (!pagination['link_rel_in_response_header'] && !pagination['link_path_in_response_body']) {
            throw new Error('Either param link_rel_in_response_header or link_path_in_response_body is required for link pagination');
        }
    } else if (type === 'offset') {
        if (!pagination['offset_name_in_request']) throw new Error('Param offset_name_in_request is required for offset pagination');
    } else {
        throw new Error(`Pagination type ${String(type)} is not supported. Only cursor, link and offset pagination types are supported.`);
    }
}

/** `a.b` keys become nested objects, as the platform writes pagination fields into a body. */
function expand(fields: Fields): Fields {
    const out: Fields = {};
    for (const [key, value] of Object.entries(fields)) {
        const parts = key.split('.');
        let node = out;
        for (const part of parts.slice(0, -1)) node = (node[part] = typeof node[part] === 'object' && node[part] !== null ? node[part] : {}) as Fields;
        node[parts[parts.length - 1]!] = value;
    }
    return out;
}

function place(config: MockProxyConfig, fields: Fields, inBody: boolean, nested: boolean): void {
    if (inBody) config.data = nested ? expand(fields) : fields;
    else config.params = fields;
}

/** A cursor is kept when it is a number or a non-blank string. */
function nextCursor(value: unknown): string | number | undefined {
    if (typeof value === 'number') return value;
    if (typeof value === 'string') return value.trim() || undefined;
    return undefined;
}

async function onPage(pagination: Pagination, nextPageParam: unknown, response: MockAnswer): Promise<void> {
    if (typeof pagination['on_page'] === 'function') await pagination['on_page']({ nextPageParam, response });
}

/** The platform's pagination, over recorded answers. */
export async function* platformPages(config: MockProxyConfig, pagination: Pagination, fields: Fields, inBody: boolean, send: Send): AsyncGenerator<any, undefined, void> {
    const records = (response: MockAnswer): any => (pagination['response_path'] ? getPath(response.data, pagination['response_path']) : response.data);
    if (pagination['type'] === 'cursor') {
        let cursor: string | number | undefined;
        do {
            if (cursor !== undefined) fields[pagination['cursor_name_in_request']] = cursor;
            place(config, fields, inBody, true);
            const response = await send(config);
            const page = records(response);
            if (!page || !page.length) return undefined;
            yield page;
            cursor = nextCursor(getPath(response.data, pagination['cursor_path_in_response']));
            await onPage(pagination, cursor, response);
        } while (cursor !== undefined);
        return undefined;
    }
    if (pagination['type'] === 'link') {
        place(config, fields, inBody, true);
        let previous: string | undefined;
        for (;;) {
            const response = await send(config);
            yield records(response);
            let link: unknown = pagination['link_rel_in_response_header'] ? linkFromHeader(response.headers?.['link'], pagination['link_rel_in_response_header']) : undefined;
            if (!link && pagination['link_path_in_response_body']) link = getPath(response.data, pagination['link_path_in_response_body']);
            await onPage(pagination, link, response);
            if (!link || link === previous) return undefined;
            previous = link as string;
            if (isHttpUrl(previous)) {
                const url = new URL(previous);
                config.baseUrlOverride = url.origin;
                config.endpoint = url.pathname + url.search;
            } else {
                config.endpoint = previous;
            }
            delete config.params;
        }
    }
    // Not made a number: the platform sends the configured start value as it is.
    let offset = pagination['offset_start_value'] || 0;
    for (;;) {
        fields[pagination['offset_name_in_request']] = inBody ? offset : String(offset);
        place(config, fields, inBody, true);
        const response = await send(config);
        const page = records(response);
        if (!page || !page.length) return undefined;
        yield page;
        if (pagination['limit'] && page.length < Number(pagination['limit'])) return undefined;
        await onPage(pagination, offset, response);
        offset += pagination['offset_calculation_method'] === 'per-page' ? 1 : page.length;
    }
}

/** An answer saved without headers: every array in it is a page, and there is no next one. */
function* wholeAnswer(data: any, pagination: Pagination): Generator<any, void, void> {
    if (Array.isArray(data)) yield data;
    if (pagination['response_path']) {
        yield data[pagination['response_path']];
        return;
    }
    for (const value of Object.values(data as object)) if (Array.isArray(value)) yield value;
}

/** Pagination as the `mocks/` folders were recorded. */
export async function* legacyPages(config: MockProxyConfig, pagination: Pagination, fields: Fields, inBody: boolean, send: Send): AsyncGenerator<any, undefined, void> {
    const type = pagination['type'];
    if (type !== 'cursor' && type !== 'link' && type !== 'offset') throw new Error(`Invalid pagination type: ${String(type)}`);
    let cursor: string | number | undefined;
    let offset = pagination['offset_start_value'] || 0;
    if (type === 'link') place(config, fields, inBody, false);
    for (;;) {
        if (type === 'cursor' && cursor !== undefined) fields[pagination['cursor_name_in_request']] = cursor;
        if (type === 'offset') fields[pagination['offset_name_in_request']] = inBody ? offset : String(offset);
        if (type !== 'link') place(config, fields, inBody, false);
        const response = await send(config);
        if (!response.headers) {
            yield* wholeAnswer(response.data, pagination);
            return undefined;
        }
        const path = pagination['response_path'];
        const page = !path ? response.data : type === 'offset' ? getPath(response.data, path) : response.data[path];
        if (type === 'link' ? !page.length : !page || !page.length) return undefined;
        yield page;
        if (type === 'cursor') {
            cursor = nextCursor(response.data[pagination['cursor_path_in_response']]);
            if (cursor === undefined) return undefined;
        } else if (type === 'link') {
            const link = legacyLink(response, pagination);
            if (!link) return undefined;
            config.endpoint = isHttpUrl(link) ? new URL(link).pathname + new URL(link).search : link;
            config.params = {};
        } else {
            if (pagination['limit'] && page.length < pagination['limit']) return undefined;
            offset += pagination['offset_calculation_method'] === 'per-page' ? 1 : page.length;
        }
    }
}

function legacyLink(response: MockAnswer, pagination: Pagination): string | undefined {
    if (pagination['link_rel_in_response_header']) return linkFromHeader(response.headers?.['link'], pagination['link_rel_in_response_header']);
    if (pagination['link_path_in_response_body']) return getPath(response.data, pagination['link_path_in_response_body']) as string | undefined;
    throw new Error(`Either 'link_rel_in_response_header' or 'link_path_in_response_body' should be specified for 'link' pagination`);
}
