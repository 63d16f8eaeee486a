/**
 * The HttpTransport `ferry test` gives the runtime: every provider call is answered from the
 * fixture's `api` section, nothing reaches the network. Retries and pagination stay in the
 * runtime, exactly as live; this only answers one attempt at a time.
 *
 * Which recorded entry answers a request: the one whose hash is the request's (Ferry's hash, or
 * the one Nango's CLI writes), else the one recorded with the same params and body, else, when
 * the entries carry no request details, the next one in recorded order. Repeated identical
 * requests take the matching entries in turn, then keep getting the last one.
 */
import { createHash } from 'node:crypto';
import { normalizeParams, requestHash, type Fixture, type FixtureEntry } from '../runtime/fixture.js';
import { isSecretHeader } from '../secrets/names.js';
import type { HttpTransport, ProxyRequest, ProxyResponse } from '../runtime/types.js';
import { editDistance } from '../util/suggest.js';
import { bodyValue, describeRequestDifferences, diffValues, isDeepEqual, requestDifferences } from './diff.js';

/** A request the fixture has no answer for. */
export interface ReplayMiss {
    method: string;
    endpoint: string;
    params: Record<string, string | string[]>;
    /** The most similar recorded request, if any. */
    closest?: { method: string; endpoint: string; params: Record<string, string | string[]> };
    message: string;
}

export class UnrecordedRequestError extends Error {
    /** The runtime's mark for "no answer exists": never retried, and the run fails with this message. */
    readonly fatal = true;
    readonly miss: ReplayMiss;
    constructor(miss: ReplayMiss) {
        super(miss.message);
        this.name = 'UnrecordedRequestError';
        this.miss = miss;
    }
}

interface IndexedEntry {
    method: string;
    endpoint: string;
    entry: FixtureEntry;
    params: Record<string, string | string[]>;
    /** Recorded with a `request` section (even an empty one: no params, no body), so content can identify it. */
    detailed: boolean;
    uses: number;
}

/** Query strings written into the endpoint itself count as params, as they do on the wire. */
export function splitEndpoint(endpoint: string, params: ProxyRequest['params']): { endpoint: string; params: Record<string, string | string[]> } {
    const withSlash = endpoint.startsWith('/') ? endpoint : `/${endpoint}`;
    const query = withSlash.indexOf('?');
    const merged = normalizeParams(params);
    if (query === -1) return { endpoint: withSlash, params: merged };
    for (const [key, value] of new URLSearchParams(withSlash.slice(query + 1))) {
        const existing = merged[key];
        merged[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
    }
    return { endpoint: withSlash.slice(0, query), params: merged };
}

/** Headers Nango's CLI leaves out of its request identity besides credentials. */
const NANGO_UNHASHED_HEADERS = new Set([
    'user-agent',
    'accept-encoding',
    'retries',
    'host',
    'connection-id',
    'provider-config-key',
    'content-length',
    'accept',
    'base-url-override',
    'retry-on',
    'enable-header-forwarding'
]);

/** The request identity Nango's CLI hashes, so its fixtures replay by hash too. */
export function nangoRequestHash(method: string, endpoint: string, params: Record<string, string | string[]>, headers: Record<string, string> | undefined, data: unknown): string {
    const sorted = <T>(entries: [string, T][]): [string, T][] => entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const headerEntries = sorted(
        Object.entries(headers ?? {})
            .map(([key, value]): [string, string] => [key, String(value)])
            .filter(([key, value]) => {
                const lower = key.toLowerCase();
                if (isSecretHeader(lower) || NANGO_UNHASHED_HEADERS.has(lower) || lower.startsWith('nango-')) return false;
                return !(lower === 'content-type' && /^(application\/json|application\/x-www-form-urlencoded|undefined)/i.test(value));
            })
    );
    const paramEntries = sorted(Object.entries(params).flatMap(([key, value]): [string, string][] => (Array.isArray(value) ? value.map((v): [string, string] => [key, v]) : [[key, value]])));
    let body: string | undefined;
    if (data !== undefined && data !== null && data !== '') {
        body = typeof data === 'string' ? data : data instanceof Uint8Array ? Buffer.from(data).toString('base64') : JSON.stringify(data);
        if (body.length > 1000) body = `sha1:${createHash('sha1').update(body).digest('hex')}`;
    }
    const identity = { method: method.toLowerCase(), endpoint: endpoint.replace(/^\//, ''), params: paramEntries, headers: headerEntries, data: body };
    return createHash('sha1').update(JSON.stringify(identity)).digest('hex');
}

/** Bodies compare by value; a JSON string and the object it encodes are the same body. */
function sameBody(recorded: unknown, sent: unknown): boolean {
    return isDeepEqual(bodyValue(recorded), bodyValue(sent));
}

function describeParams(params: Record<string, string | string[]>): string {
    return Object.keys(params).length === 0 ? 'no params' : `params ${JSON.stringify(params)}`;
}

export class ReplayTransport implements HttpTransport {
    /** Every request the fixture could not answer, in order. */
    readonly misses: ReplayMiss[] = [];
    private readonly byKey = new Map<string, IndexedEntry[]>();
    private readonly all: IndexedEntry[] = [];

    constructor(fixture: Fixture) {
        for (const [method, endpoints] of Object.entries(fixture.api ?? {})) {
            // Read the section as written: a hand-written "GET" key counts as much as "get".
            for (const [rawEndpoint, recorded] of Object.entries(endpoints)) {
                const list = (Array.isArray(recorded) ? recorded : [recorded]).map((entry): IndexedEntry => {
                    const { endpoint, params } = splitEndpoint(rawEndpoint, entry.request?.params as ProxyRequest['params']);
                    return { method: method.toUpperCase(), endpoint, entry, params, detailed: entry.request !== undefined, uses: 0 };
                });
                const key = `${method.toUpperCase()} ${list[0]?.endpoint ?? rawEndpoint}`;
                this.byKey.set(key, [...(this.byKey.get(key) ?? []), ...list]);
                this.all.push(...list);
            }
        }
    }

    async send(request: ProxyRequest): Promise<ProxyResponse> {
        const found = this.match(request);
        if (!found) {
            const miss = this.describeMiss(request);
            this.misses.push(miss);
            throw new UnrecordedRequestError(miss);
        }
        found.uses += 1;
        return { status: found.entry.status ?? 200, headers: { ...(found.entry.headers ?? {}) }, data: found.entry.response };
    }

    private match(request: ProxyRequest): IndexedEntry | undefined {
        const method = request.method.toUpperCase();
        const { endpoint, params } = splitEndpoint(request.endpoint, request.params);
        const candidates = this.byKey.get(`${method} ${endpoint}`);
        if (!candidates || candidates.length === 0) return undefined;

        // Ferry's hash of the request as the function made it and as normalized, then Nango's.
        const hashes = new Set([requestHash(request), requestHash({ ...request, endpoint, params }), nangoRequestHash(method, endpoint, params, request.headers, request.data)]);
        const byHash = candidates.filter((c) => c.entry.hash !== undefined && hashes.has(c.entry.hash));
        if (byHash.length > 0) return nextOf(byHash);

        const byContent = candidates.filter((c) => c.detailed && isDeepEqual(c.params, params) && sameBody(c.entry.request?.data, request.data));
        if (byContent.length > 0) return nextOf(byContent);

        // Entries recorded without any request details can only be told apart by their order.
        const bare = candidates.filter((c) => !c.detailed);
        if (bare.length > 0) return nextOf(bare);
        return undefined;
    }

    private describeMiss(request: ProxyRequest): ReplayMiss {
        const method = request.method.toUpperCase();
        const { endpoint, params } = splitEndpoint(request.endpoint, request.params);
        const closest = this.closestTo(method, endpoint, params, request.data);
        const closestText = closest
            ? `; the closest recorded request is ${closest.method} ${closest.endpoint}, which differs in ${describeRequestDifferences(
                  requestDifferences(
                      { method, endpoint, params, ...(request.headers ? { headers: request.headers } : {}), data: request.data },
                      { method: closest.method, endpoint: closest.endpoint, params: closest.params, ...(closest.entry.request?.headers ? { headers: closest.entry.request.headers } : {}), data: closest.entry.request?.data },
                      isSecretHeader
                  )
              )}`
            : '; the fixture records no request at all';
        return {
            method,
            endpoint,
            params,
            ...(closest ? { closest: { method: closest.method, endpoint: closest.endpoint, params: closest.params } } : {}),
            message: `unrecorded request ${method} ${endpoint} with ${describeParams(params)}${closestText}`
        };
    }

    /** By endpoint first (same method preferred), then by how many params differ, then by the body. */
    private closestTo(method: string, endpoint: string, params: Record<string, string | string[]>, data: unknown): IndexedEntry | undefined {
        let best: { entry: IndexedEntry; score: number } | undefined;
        for (const candidate of this.all) {
            const endpointScore = candidate.endpoint === endpoint ? 0 : editDistance(candidate.endpoint, endpoint) + 1;
            const methodScore = candidate.method === method ? 0 : 0.5;
            const keys = new Set([...Object.keys(candidate.params), ...Object.keys(params)]);
            let paramScore = 0;
            // A param with another value is closer than a param missing on one side.
            for (const key of keys) {
                if (isDeepEqual(candidate.params[key], params[key])) continue;
                paramScore += candidate.params[key] === undefined || params[key] === undefined ? 1 : 0.5;
            }
            // Each differing body field counts a little, never as much as a param.
            const bodyScore = Math.min(0.49, 0.01 * diffValues(bodyValue(candidate.entry.request?.data), bodyValue(data)).length);
            const score = (endpointScore + methodScore) * 1000 + paramScore + bodyScore;
            if (!best || score < best.score) best = { entry: candidate, score };
        }
        return best?.entry;
    }
}

/** The first entry not used yet; once all were, the last one keeps answering. */
function nextOf(entries: IndexedEntry[]): IndexedEntry {
    return entries.find((e) => e.uses === 0) ?? entries[entries.length - 1]!;
}
