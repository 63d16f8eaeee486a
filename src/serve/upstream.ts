/**
 * Sends one proxied request upstream and streams the answer back: retried (with backoff, or the
 * wait the provider asks in Retry-After) on network errors, 5xx, 429 and the codes asked for,
 * hop-by-hop headers stripped both ways, a compressed answer decompressed when asked.
 */
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { sendError } from './http.js';

export interface Upstream {
    method: string;
    url: URL;
    headers: Record<string, string>;
    /** A buffer when the request may be sent again; the incoming stream otherwise. */
    body: Buffer | Readable;
    retries: number;
    retryOn: number[];
    /** The provider's own retryable codes ('5xx', '429'...). */
    providerErrorCodes: string[];
    decompress: boolean;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-connection']);
const MAX_WAIT_MS = 30_000;

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
        if (!last && retryable(status, upstream)) {
            answer.resume();
            await sleep(retryAfter(answer.headers['retry-after']) ?? backoff(attempt));
            continue;
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

function retryable(status: number, upstream: Upstream): boolean {
    if (upstream.retryOn.includes(status)) return true;
    if (upstream.providerErrorCodes.length > 0) {
        return upstream.providerErrorCodes.some((code) => (code.endsWith('xx') ? String(status)[0] === code[0] : Number(code) === status));
    }
    return status >= 500 || status === 429;
}

function backoff(attempt: number): number {
    return Math.min(100 * 2 ** attempt, 5_000);
}

function retryAfter(value: string | string[] | undefined): number | undefined {
    if (typeof value !== 'string') return undefined;
    const seconds = Number(value);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
    return Number.isFinite(ms) && ms >= 0 && ms <= MAX_WAIT_MS ? ms : undefined;
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
