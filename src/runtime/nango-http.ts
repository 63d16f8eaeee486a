/**
 * The `nango` members that reach the network: proxy and its verbs, paginate, getProxyConfig and
 * uncontrolledFetch. Every call goes to the main thread, which owns the transports: the function
 * itself never holds a socket or a credential.
 */
import type { NangoContext } from './nango-context.js';
import { httpErrors, toRealm } from './nango-context.js';
import { mergePagination, paginatePages, validatePagination, type PaginateConfig } from './paginate.js';
import type { ProxyReply, WireBody } from './protocol.js';
import type { HttpMethod, ProxyRequest } from './types.js';

const METHODS = new Set<HttpMethod>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'PROPFIND', 'REPORT']);
const BODY_METHODS = new Set<HttpMethod>(['POST', 'PUT', 'PATCH']);
/** What `getProxyConfig` says the SDK sends as its user agent. */
const USER_AGENT = 'ferry-dryrun';

function isPlainData(value: unknown): boolean {
    if (value === null || typeof value !== 'object') return false;
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return false;
    const proto = Object.getPrototypeOf(value);
    return Array.isArray(value) || proto === null || Object.getPrototypeOf(proto) === null;
}

function queryParams(value: string): NonNullable<ProxyRequest['params']> {
    const search = new URLSearchParams(value.startsWith('?') ? value.slice(1) : value);
    const params: NonNullable<ProxyRequest['params']> = {};
    for (const key of new Set(search.keys())) {
        const all = search.getAll(key);
        params[key] = all.length > 1 ? all : all[0]!;
    }
    return params;
}

/**
 * Params as Nango's client puts them in the URL (`searchParams.set(key, value)`): every value as
 * its text, so an array is sent joined with commas and an undefined value as 'undefined', exactly
 * what the platform (and a recording made through Nango) receives.
 */
function objectParams(raw: object): NonNullable<ProxyRequest['params']> {
    const params: NonNullable<ProxyRequest['params']> = {};
    for (const [key, value] of Object.entries(raw)) params[key] = typeof value === 'number' || typeof value === 'boolean' ? value : String(value);
    return params;
}

function stringHeaders(raw: object): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) if (value !== undefined && value !== null) headers[key] = String(value);
    return headers;
}

/** A function's proxy config as the runtime sends it; the fields Nango's proxy reads, copied. */
function toRequest(ctx: Pick<NangoContext, 'fail'>, config: unknown, method?: HttpMethod, caller = 'proxy'): ProxyRequest {
    if (!config || typeof config !== 'object') throw ctx.fail(`nango.${caller}(config): config must be an object with an endpoint`);
    const c = config as Record<string, unknown>;
    if (typeof c['endpoint'] !== 'string' || c['endpoint'] === '') throw ctx.fail(`nango.${caller}(config): 'endpoint' must be the provider path, e.g. '/repos/owner/name/issues'`);
    const verb = String(method ?? (c['method'] || 'GET')).toUpperCase() as HttpMethod;
    if (!METHODS.has(verb)) throw ctx.fail(`nango.${caller}(config): unknown method '${String(c['method'])}'`);
    const request: ProxyRequest = { method: verb, endpoint: c['endpoint'] };
    const rawParams = c['params'];
    if (typeof rawParams === 'string') request.params = queryParams(rawParams);
    else if (rawParams && typeof rawParams === 'object') request.params = objectParams(rawParams);
    if (c['headers'] && typeof c['headers'] === 'object') request.headers = stringHeaders(c['headers']);
    const data = c['data'];
    if (data !== undefined) request.data = isPlainData(data) ? JSON.parse(JSON.stringify(data)) : ArrayBuffer.isView(data) ? Buffer.from(data as Uint8Array) : data;
    if (typeof c['baseUrlOverride'] === 'string') request.baseUrlOverride = c['baseUrlOverride'];
    if (c['retries'] !== undefined) request.retries = Number(c['retries']);
    if (Array.isArray(c['retryOn'])) request.retryOn = c['retryOn'].map(Number);
    if (typeof c['decompress'] === 'boolean') request.decompress = c['decompress'];
    else if (c['decompress'] === 'true' || c['decompress'] === 'false') request.decompress = c['decompress'] === 'true';
    if (typeof c['responseType'] === 'string') request.responseType = c['responseType'] as ProxyRequest['responseType'];
    if (typeof c['providerConfigKey'] === 'string') request.providerConfigKey = c['providerConfigKey'];
    if (typeof c['connectionId'] === 'string') request.connectionId = c['connectionId'];
    if (typeof c['forwardHeadersOnRedirect'] === 'boolean') request.forwardHeadersOnRedirect = c['forwardHeadersOnRedirect'];
    return request;
}

function decodeBody(ctx: Pick<NangoContext, 'realm'>, body: WireBody): unknown {
    if ('json' in body) return ctx.realm.JSON.parse(body.json);
    if ('raw' in body) return ArrayBuffer.isView(body.raw) ? Buffer.from((body.raw as Uint8Array).buffer, (body.raw as Uint8Array).byteOffset, (body.raw as Uint8Array).byteLength) : body.raw;
    return '';
}

type RealmResponse = { status: number; headers: Record<string, string>; data: unknown; statusText?: string };

async function send(ctx: NangoContext, request: ProxyRequest): Promise<RealmResponse> {
    ctx.telemetry.proxyCalls++;
    const reply = (await ctx.call({ op: 'proxy', request })) as ProxyReply;
    const { status, headers } = reply.response;
    const response = toRealm<RealmResponse>(ctx.realm, { status, headers });
    response.data = decodeBody(ctx, reply.response.body);
    if (status >= 200 && status < 300) return response;
    // Shaped like an axios error, which is what function code written for Nango checks.
    const error = ctx.fail(`Request failed with status code ${status}: ${request.method} ${request.endpoint}`) as Error & Record<string, unknown>;
    error.name = 'AxiosError';
    error['code'] = status >= 500 ? 'ERR_BAD_RESPONSE' : 'ERR_BAD_REQUEST';
    error['status'] = status;
    error['isAxiosError'] = true;
    error['response'] = response;
    error['config'] = toRealm(ctx.realm, { method: request.method.toLowerCase(), url: request.endpoint, params: request.params, headers: request.headers });
    httpErrors.add(error);
    throw error;
}

/** The function's pagination merged over the provider's; Nango's checks first, in the function's realm. */
function paginationOf(ctx: NangoContext, config: Record<string, unknown>): PaginateConfig {
    const own = config['paginate'] && typeof config['paginate'] === 'object' ? (config['paginate'] as PaginateConfig) : undefined;
    const merged = mergePagination(ctx.job.provider?.paginate, own);
    try {
        validatePagination(merged);
    } catch (error) {
        throw ctx.fail((error as Error).message);
    }
    return merged;
}

function paginate(ctx: NangoContext, config: unknown): AsyncGenerator<unknown[], undefined, void> {
    const request = toRequest(ctx, config, undefined, 'paginate');
    const c = config as Record<string, unknown>;
    const merged = paginationOf(ctx, c);
    // Nango sets the default method on the function's own config object.
    if (!c['method']) c['method'] = 'GET';
    const own = (c['paginate'] ?? {}) as Record<string, unknown>;
    const inBody = typeof own['in_body'] === 'boolean' ? own['in_body'] : BODY_METHODS.has(request.method);
    const target = inBody ? c['data'] : c['params'];
    const onPage = typeof merged['on_page'] === 'function' ? (merged['on_page'] as (state: unknown) => unknown) : undefined;
    const pages = paginatePages(request, merged, (next) => send(ctx, next), {
        inBody,
        ...(onPage ? { onPage: (state) => onPage(toRealmState(ctx, state)) } : {}),
        ...(target && typeof target === 'object' && !Array.isArray(target) ? { fieldsInto: target as Record<string, unknown> } : {})
    });
    // Errors from the pager are made in the function's realm, like every other error it sees.
    return (async function* () {
        try {
            return yield* pages;
        } catch (error) {
            if (error && typeof error === 'object' && (error as Error).name === 'PaginateError') throw ctx.fail((error as Error).message);
            throw error;
        }
    })();
}

function toRealmState(ctx: NangoContext, state: { nextPageParam: string | number | undefined; response: unknown }): unknown {
    const out = toRealm<Record<string, unknown>>(ctx.realm, {});
    out['nextPageParam'] = state.nextPageParam;
    out['response'] = state.response;
    return out;
}

function getProxyConfig(ctx: NangoContext, config: unknown): unknown {
    const c = (config && typeof config === 'object' ? config : {}) as Record<string, unknown>;
    const headers = { ...(c['headers'] as Record<string, unknown> | undefined), 'user-agent': USER_AGENT };
    const out = toRealm<Record<string, unknown>>(ctx.realm, {});
    Object.assign(out, { method: 'GET' }, c, { providerConfigKey: c['providerConfigKey'] || ctx.providerConfigKey, headers: Object.assign(toRealm<object>(ctx.realm, {}), headers) });
    return out;
}

export function httpMembers(ctx: NangoContext, nango: Record<string, unknown>): Record<string, unknown> {
    // Nango's verbs call `this.proxy`, so a function (or a test) that replaces nango.proxy sees them go through it.
    const viaProxy = (method: HttpMethod) => (config: unknown) => (nango['proxy'] as (c: unknown) => Promise<unknown>)({ ...(config as object), method });
    return {
        proxy: (config: unknown) => send(ctx, toRequest(ctx, config)),
        get: viaProxy('GET'),
        post: viaProxy('POST'),
        put: viaProxy('PUT'),
        patch: viaProxy('PATCH'),
        delete: viaProxy('DELETE'),
        paginate: (config: unknown) => paginate(ctx, config),
        getProxyConfig: (config: unknown) => getProxyConfig(ctx, config),
        uncontrolledFetch: (options: unknown) => uncontrolledFetch(ctx, options)
    };
}

/**
 * A plain HTTP call outside the proxy, as Nango makes it (no credentials, no retries), sent by
 * the main thread: live to the URL, in replay answered from the fixture, recorded either way.
 */
async function uncontrolledFetch(ctx: NangoContext, options: unknown): Promise<Response> {
    const o = (options && typeof options === 'object' ? options : {}) as Record<string, unknown>;
    const raw = o['url'];
    const href = typeof raw === 'string' ? raw : raw && typeof raw === 'object' && typeof (raw as URL).href === 'string' ? (raw as URL).href : undefined;
    let url: URL;
    try {
        url = new URL(href ?? '');
    } catch {
        throw ctx.fail(`nango.uncontrolledFetch(options): 'url' must be an absolute URL (a URL object), got ${JSON.stringify(href ?? raw ?? null)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw ctx.fail(`nango.uncontrolledFetch: only http and https URLs can be fetched, not ${url.protocol}`);
    const method = String(o['method'] || 'GET').toUpperCase() as HttpMethod;
    if (!METHODS.has(method)) throw ctx.fail(`nango.uncontrolledFetch(options): unknown method '${String(o['method'])}'`);
    const request: ProxyRequest = { method, endpoint: url.href, responseType: 'arraybuffer' };
    if (o['headers'] && typeof o['headers'] === 'object') request.headers = stringHeaders(o['headers']);
    if (typeof o['body'] === 'string' && o['body'] !== '') request.data = o['body'];
    const reply = (await ctx.call({ op: 'fetch', request })) as ProxyReply | { refused: { code: string; message: string } };
    if ('refused' in reply) throw new ctx.realm.ActionError(toRealm(ctx.realm, reply.refused));
    return toResponse(ctx, reply, url.href);
}

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function bodyBytes(body: WireBody): Uint8Array | string | null {
    if ('json' in body) return body.json;
    if ('raw' in body) return ArrayBuffer.isView(body.raw) ? new Uint8Array((body.raw as Uint8Array).buffer, (body.raw as Uint8Array).byteOffset, (body.raw as Uint8Array).byteLength) : String(body.raw);
    return null;
}

/** A fetch Response; `json()` makes its value in the function's realm, like every other answer. */
function toResponse(ctx: Pick<NangoContext, 'realm'>, reply: ProxyReply, url: string): Response {
    const { status, headers } = reply.response;
    const body = NULL_BODY.has(status) ? null : bodyBytes(reply.response.body);
    const response = new Response(body as ConstructorParameters<typeof Response>[0], { status, headers });
    Object.defineProperty(response, 'url', { value: url });
    Object.defineProperty(response, 'json', { value: async () => ctx.realm.JSON.parse(await response.text()) });
    return response;
}
