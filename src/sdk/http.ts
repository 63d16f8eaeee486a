/**
 * How functions talk to a provider: the proxy configuration, pagination settings and the
 * axios-like response. Types only: nothing here exists at run time.
 */

export type HttpMethod =
    | 'GET'
    | 'POST'
    | 'PUT'
    | 'PATCH'
    | 'DELETE'
    | 'PROPFIND'
    | 'REPORT'
    | 'get'
    | 'post'
    | 'put'
    | 'patch'
    | 'delete'
    | 'propfind'
    | 'report';

/** What `on_page` receives after each page: the next page's cursor, link or offset, and the raw answer. */
export interface PageState {
    nextPageParam?: string | number | undefined;
    response: NangoResponse;
}

/** Fields every pagination style shares. */
export interface PaginationCommon {
    /** Page size to ask for. */
    limit?: number | string;
    /** Query (or body) parameter that carries `limit`. */
    limit_name_in_request?: string;
    /** Dot path of the records array in the response body; the whole body when absent. */
    response_path?: string;
    /** Send the pagination fields in the body (default: for POST, PUT and PATCH) instead of the query. */
    in_body?: boolean;
    /** Called after each page, before the next one is asked for. */
    on_page?: (paginationState: PageState) => Promise<void>;
}

/** The next page is asked for with a cursor read from the previous response. */
export interface CursorPagination extends PaginationCommon {
    type: 'cursor';
    /** Dot path of the next cursor in the response body, e.g. `meta.next_cursor`. */
    cursor_path_in_response: string;
    /** Parameter that sends the cursor back, e.g. `cursor`. */
    cursor_name_in_request: string;
}

/** The next page's URL comes from a `Link` header or from a field of the body. */
export interface LinkPagination extends PaginationCommon {
    type: 'link';
    /** `rel` of the `Link` header entry to follow, e.g. `next` (GitHub's default). */
    link_rel_in_response_header?: string;
    /** Dot path of the next page's URL in the response body. */
    link_path_in_response_body?: string;
}

/** Pages are addressed by a numeric offset. */
export interface OffsetPagination extends PaginationCommon {
    type: 'offset';
    /** Parameter that carries the offset, e.g. `offset` or `page`. */
    offset_name_in_request: string;
    /** First offset; 0 when absent. */
    offset_start_value?: number;
    /** `by-response-size` (default) adds the number of records received; `per-page` adds 1. */
    offset_calculation_method?: 'per-page' | 'by-response-size';
}

export type Pagination = CursorPagination | LinkPagination | OffsetPagination;

export type ParamValue = string | number | boolean | readonly string[] | readonly number[] | undefined;

/** How the platform finds a provider's rate-limit reset in its answers. */
export interface RetryHeaderConfig {
    at?: string[] | string;
    after?: string[] | string;
    remaining?: string;
    error_code?: string[];
    in_body?: { path: string; value?: string; strategy: 'at' | 'after' };
}

/** One provider call. Paths are the provider's own; the platform adds credentials. */
export interface ProxyConfiguration {
    /** Provider path, e.g. `/repos/octo/hello/issues`. */
    endpoint: string;
    method?: HttpMethod;
    headers?: Record<string, string>;
    /**
     * Query parameters as an object, or a ready-made query string. Each value is sent as its text,
     * as Nango sends it: an array joined with commas, `undefined` as 'undefined'.
     */
    params?: string | Record<string, ParamValue>;
    /** Request body; objects are sent as JSON. */
    data?: unknown;
    /** Extra attempts on network errors, 5xx and 429 (exponential backoff). Default 0. */
    retries?: number;
    /** More status codes to retry on. */
    retryOn?: number[] | null;
    /** Call this base URL instead of the provider's. */
    baseUrlOverride?: string;
    decompress?: boolean | string;
    responseType?: 'arraybuffer' | 'blob' | 'document' | 'json' | 'text' | 'stream';
    /** Part of Nango's type, not sent by its client: the platform reads rate-limit resets as the provider's config says. */
    retryHeader?: RetryHeaderConfig;
    /** Keep the request's headers when the provider redirects. */
    forwardHeadersOnRedirect?: boolean;
    /** Platform hooks on the outbound URL; a function's own are not called. */
    validateProxyRequestUrl?: (args: { absoluteUrl: string; proxyConfig: Record<string, any>; connection: Record<string, any>; integrationConfig?: Record<string, any> }) => void;
    validateProxyRedirectUrl?: (absoluteRedirectUrl: string) => void;
    /** Pagination for `nango.paginate`, merged over the provider's defaults. */
    paginate?: Partial<CursorPagination> | Partial<LinkPagination> | Partial<OffsetPagination>;
    /** Call through another integration than the function's own. */
    providerConfigKey?: string;
    /** Call through another connection than the one the function runs for. */
    connectionId?: string;
}

/** What a provider answered, shaped like an axios response. */
export interface NangoResponse<T = any> {
    data: T;
    status: number;
    statusText?: string;
    /** Header names in lower case. */
    headers: Record<string, string>;
    /** The request as sent, when the runtime keeps it. */
    config?: Record<string, any>;
}

/**
 * The project's own `URL`, `Response` and `AbortSignal` when its libs declare them (the DOM lib or
 * @types/node), else the minimal shapes below: the SDK's declarations must not require either.
 */
type Global<K extends string, Fallback> = typeof globalThis extends Record<K, { prototype: infer T }> ? T : Fallback;

export type FetchUrl = Global<'URL', { readonly href: string; toString(): string }>;

export type FetchResponse = Global<
    'Response',
    {
        readonly status: number;
        readonly statusText: string;
        readonly ok: boolean;
        readonly url: string;
        readonly redirected: boolean;
        readonly headers: { get(name: string): string | null; has(name: string): boolean; forEach(fn: (value: string, name: string) => void): void };
        readonly bodyUsed: boolean;
        json(): Promise<any>;
        text(): Promise<string>;
        arrayBuffer(): Promise<ArrayBuffer>;
        clone(): FetchResponse;
    }
>;

export type AbortSignalLike = Global<'AbortSignal', { readonly aborted: boolean; readonly reason: any }>;

/** `nango.uncontrolledFetch`: a plain HTTP call outside the proxy, without credentials or retries. */
export interface UncontrolledFetchOptions {
    url: FetchUrl;
    method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'PROPFIND' | 'REPORT';
    headers?: Record<string, string> | undefined;
    body?: string | null;
}
