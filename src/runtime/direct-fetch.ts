/**
 * Where a live dry run sends `nango.uncontrolledFetch`: straight to the URL, as Nango's runner
 * does (no proxy, no credentials, no retries), from the main thread. Ferry adds nothing to the
 * request: not its secret key, not the connection's credentials. As on Nango's runner, hosts of
 * the machine's own networks are refused (loopback, private and link-local addresses, the cloud
 * metadata names), at every redirect and again when the socket connects, so a function cannot
 * reach the developer's local services (a running `ferry serve` included) through it.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import net from 'node:net';
import type { Agent, fetch as UndiciFetch } from 'undici';
import type { HttpTransport, ProxyRequest, ProxyResponse } from './types.js';

const TEXT = /json|text|xml|csv|javascript|x-www-form-urlencoded/i;
const MAX_REDIRECTS = 5;
const DENIED_HOSTS = new Set(['localhost', 'metadata.google.internal']);

/** What Nango's runner answers a refused call with: an ActionError of this payload. */
export class FetchRefusedError extends Error {
    readonly refusal: { code: string; message: string };
    constructor(code: string, message: string) {
        super(message);
        this.name = 'FetchRefusedError';
        this.refusal = { code, message };
    }
}

const notAllowed = (): FetchRefusedError => new FetchRefusedError('url_not_allowed', 'This URL is not allowed by server configuration.');

function blockedV4(ip: string): boolean {
    const [a, b] = ip.split('.').map(Number) as [number, number];
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
}

/** Loopback, private, link-local, unspecified and CGNAT addresses, IPv4-mapped ones included. */
export function isBlockedAddress(address: string): boolean {
    const ip = address.toLowerCase().replace(/^\[|\]$/g, '');
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
    if (mapped) return blockedV4(mapped[1]!);
    if (net.isIPv4(ip)) return blockedV4(ip);
    if (!net.isIPv6(ip)) return false;
    if (ip === '::' || ip === '::1') return true;
    const first = Number.parseInt(ip.split(':')[0] || '0', 16);
    // fc00::/7 unique local, fe80::/10 link-local.
    return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80;
}

function checkHost(url: URL): void {
    const host = url.hostname.toLowerCase().replace(/\.$/, '');
    if (DENIED_HOSTS.has(host) || host.endsWith('.localhost') || isBlockedAddress(host)) throw notAllowed();
}

/** A DNS lookup that refuses blocked addresses, so a name that resolves (or rebinds) to one never connects. */
function safeLookup(hostname: string, options: object, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void): void {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
        if (error) return callback(error, []);
        const list = addresses as LookupAddress[];
        if (list.some((entry) => isBlockedAddress(entry.address))) return callback(notAllowed(), []);
        if ((options as { all?: boolean }).all) return callback(null, list);
        callback(null, list[0]!.address, list[0]!.family);
    });
}

/** JSON or text when the answer says it is (so a saved fixture is readable), else the bytes. */
function decode(bytes: Buffer, contentType: string): unknown {
    if (contentType !== '' && !TEXT.test(contentType)) return new Uint8Array(bytes);
    const text = bytes.toString('utf8');
    if (/[/+]json\b/i.test(contentType) && text.trim() !== '') {
        try {
            return JSON.parse(text);
        } catch {
            return text;
        }
    }
    return text;
}

/** The refusal behind a failed fetch (undici wraps the lookup's error as the cause), if that is why it failed. */
function refusalIn(error: unknown): FetchRefusedError | undefined {
    for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
        if (e instanceof FetchRefusedError) return e;
    }
    return undefined;
}

interface DirectFetchOptions {
    timeoutMs?: number;
    /** Tests only: reach a stand-in on 127.0.0.1. A dry run never sets it. */
    allowPrivateNetwork?: boolean;
}

/**
 * undici loads on the first uncontrolledFetch, never before: it costs ~80 ms of start-up, which
 * every dry run would pay on its way to the first request.
 */
let undici: Promise<{ Agent: typeof Agent; fetch: typeof UndiciFetch }> | undefined;

export function createDirectFetchTransport(options: DirectFetchOptions = {}): HttpTransport {
    let dispatcher: Agent | undefined;
    return {
        async send(request: ProxyRequest): Promise<ProxyResponse> {
            const { Agent, fetch: undiciFetch } = await (undici ??= import('undici'));
            if (!options.allowPrivateNetwork) dispatcher ??= new Agent({ connect: { lookup: safeLookup } });
            let url = new URL(request.endpoint);
            const body = typeof request.data === 'string' ? request.data : request.data === undefined ? undefined : JSON.stringify(request.data);
            let method: string = request.method;
            for (let redirects = 0; ; redirects++) {
                if (!options.allowPrivateNetwork) checkHost(url);
                let response: Awaited<ReturnType<typeof UndiciFetch>>;
                try {
                    response = await undiciFetch(url, {
                        method,
                        headers: request.headers ?? {},
                        ...(body !== undefined && method !== 'GET' ? { body } : {}),
                        redirect: 'manual',
                        signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
                        ...(dispatcher ? { dispatcher } : {})
                    });
                } catch (error) {
                    throw refusalIn(error) ?? error;
                }
                const location = response.headers.get('location');
                if ([301, 302, 303, 307, 308].includes(response.status) && location) {
                    await response.body?.cancel();
                    if (redirects >= MAX_REDIRECTS) throw new FetchRefusedError('too_many_redirects', `Exceeded maximum of ${MAX_REDIRECTS} redirects.`);
                    url = new URL(location, url);
                    // As fetch does: a 303 (and a 301/302 after POST) is followed with GET.
                    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) method = 'GET';
                    continue;
                }
                const headers: Record<string, string> = {};
                response.headers.forEach((value, name) => {
                    headers[name] = value;
                });
                return { status: response.status, headers, data: decode(Buffer.from(await response.arrayBuffer()), headers['content-type'] ?? '') };
            }
        }
    };
}
