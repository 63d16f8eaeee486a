/**
 * Sends one proxied request upstream and streams the answer back: retried on network errors and
 * on the answers Nango's proxy retries (proxy-retry.ts), after the wait the provider asks,
 * hop-by-hop headers stripped both ways, a compressed answer decompressed when asked.
 */
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { sendError } from './http.js';
import { isRetryable, MAX_PROVIDER_WAIT_MS, providerWait, retryAfter, type ProviderRetry } from './proxy-retry.js';

export interface Upstream {
    method: string;
    url: URL;
    headers: Record<string, string>;
    /** A buffer when the request may be sent again; the incoming stream otherwise. */
    body: Buffer | Readable;
    retries: number;
    retryOn: number[];
    /** The provider's `proxy.retry` (its retryable codes, the headers saying when to retry). */
    providerRetry: ProviderRetry;
    decompress: boolean;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-connection']);

export async function forward(upstream: Upstream, res: ServerResponse): Promise<void> {
    for (let attempt = 0; ; attempt++) {
        const last = attempt >= upstream.retries;
        let answer: IncomingMessage;
        try {
            answer = await send(upstream);
        } catch (error) {
            if (!last) {
                await sleep(backoff(attempt));
                continue;
            }
            if (!res.headersSent) sendError(res, 502, 'proxy_request_failed', `The provider could not be reached: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
            return;
        }
        const status = answer.statusCode ?? 502;
        if (!last && isRetryable(status, answer.headers, upstream.providerRetry, upstream.retryOn)) {
            const wait = providerWait(answer.headers, upstream.providerRetry) ?? retryAfter(answer.headers['retry-after']) ?? backoff(attempt);
            // A reset further away than Nango's longest backoff: the provider's answer is the caller's.
            if (wait <= MAX_PROVIDER_WAIT_MS) {
                answer.resume();
                await sleep(wait);
                continue;
            }
        }
        await relay(answer, res, upstream.decompress);
        return;
    }
}

function send(upstream: Upstream): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
        const headers: OutgoingHttpHeaders = { ...upstream.headers };
        if (Buffer.isBuffer(upstream.body)) headers['content-length'] = String(upstream.body.length);
        const request = (upstream.url.protocol === 'https:' ? httpsRequest : httpRequest)(upstream.url, { method: upstream.method, headers });
        request.on('response', resolve);
        request.on('error', reject);
        if (Buffer.isBuffer(upstream.body)) request.end(upstream.body);
        else pipeline(upstream.body, request).catch(reject);
    });
}

function backoff(attempt: number): number {
    return Math.min(100 * 2 ** attempt, 5_000);
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

async function relay(answer: IncomingMessage, res: ServerResponse, decompress: boolean): Promise<void> {
    const encoding = String(answer.headers['content-encoding'] ?? '').toLowerCase();
    const decoder = decompress ? decoderFor(encoding) : undefined;
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(answer.headers)) {
        if (value === undefined || HOP_BY_HOP.has(name) || name.startsWith('access-control-')) continue;
        if (decoder && (name === 'content-encoding' || name === 'content-length')) continue;
        headers[name] = value;
    }
    res.writeHead(answer.statusCode ?? 502, headers);
    try {
        await (decoder ? pipeline(answer, decoder, res) : pipeline(answer, res));
    } catch {
        // The caller went away or the provider cut the answer: the socket is closed either way.
        res.destroy();
    }
}

function decoderFor(encoding: string): NodeJS.ReadWriteStream | undefined {
    if (encoding === 'gzip' || encoding === 'x-gzip') return createGunzip();
    if (encoding === 'deflate') return createInflate();
    if (encoding === 'br') return createBrotliDecompress();
    return undefined;
}
