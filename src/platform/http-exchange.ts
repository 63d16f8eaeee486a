/**
 * One request to the platform over node:http(s) and its whole answer. Built on node:http(s)
 * rather than undici: loading undici costs ~200 ms of CPU, and the platform client sits on the
 * path to a dry run's first request. Network failures keep stable codes: the errno (ECONNREFUSED,
 * ECONNRESET, EPIPE, EAI_AGAIN, ENOTFOUND...), or UND_ERR_CONNECT_TIMEOUT /
 * UND_ERR_HEADERS_TIMEOUT / UND_ERR_BODY_TIMEOUT for the three timeouts.
 */
import { request as httpRequest, type Agent, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { errnoCode } from '../errors.js';

export interface RawResponse {
    status: number;
    headers: Record<string, string>;
    body: Buffer;
}

interface ExchangeLimits {
    /** Longest wait for the answer's headers, then between body chunks. */
    timeoutMs: number;
    /** Longest wait to establish a connection. */
    connectTimeoutMs: number;
    /** Stop reading the answer past this many bytes (BodyTooLargeError). */
    maxBodyBytes?: number | undefined;
}

/** An answer longer than its limit: what was read is dropped, and the request is not sent again. */
export class BodyTooLargeError extends Error {
    constructor(readonly limitBytes: number) {
        super(`the answer is larger than ${Math.round(limitBytes / 1048576)} MB`);
        this.name = 'BodyTooLargeError';
    }
}

/** A reused keep-alive socket failed before any answer: most likely the server had closed it. */
export class StaleConnection extends Error {
    constructor(override readonly cause: unknown) {
        super('stale keep-alive connection');
    }
}

class NetworkFailure extends Error {
    constructor(readonly code: string) {
        super(code);
    }
}

function flatHeaders(headers: IncomingMessage['headers']): Record<string, string> {
    const flat: Record<string, string> = {};
    for (const [key, value] of Object.entries(headers)) {
        if (value !== undefined) flat[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    return flat;
}

export function exchange(agent: Agent, url: URL, method: string, headers: Record<string, string>, payload: Buffer | undefined, limits: ExchangeLimits): Promise<RawResponse> {
    const maxBodyBytes = limits.maxBodyBytes ?? Infinity;
    return new Promise<RawResponse>((resolve, reject) => {
        const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, headers, agent });
        let phase: 'connect' | 'headers' | 'body' = 'connect';
        const fail = (code: string): void => {
            request.destroy(new NetworkFailure(code));
        };
        const connectTimer = setTimeout(() => fail('UND_ERR_CONNECT_TIMEOUT'), limits.connectTimeoutMs);
        request.on('socket', (socket) => {
            const connected = (): void => {
                clearTimeout(connectTimer);
                if (phase === 'connect') phase = 'headers';
            };
            if (socket.connecting) socket.once('connect', connected);
            else connected();
        });
        request.setTimeout(limits.timeoutMs, () => fail(phase === 'body' ? 'UND_ERR_BODY_TIMEOUT' : phase === 'headers' ? 'UND_ERR_HEADERS_TIMEOUT' : 'UND_ERR_CONNECT_TIMEOUT'));
        request.on('error', (error) => {
            clearTimeout(connectTimer);
            const code = errnoCode(error);
            const stale = request.reusedSocket && phase !== 'body' && (code === 'ECONNRESET' || code === 'EPIPE');
            reject(stale ? new StaleConnection(error) : error);
        });
        request.on('response', (response: IncomingMessage) => {
            phase = 'body';
            const chunks: Buffer[] = [];
            let received = 0;
            const tooLarge = (): void => {
                clearTimeout(connectTimer);
                chunks.length = 0;
                reject(new BodyTooLargeError(maxBodyBytes));
                request.destroy();
            };
            if (Number(response.headers['content-length']) > maxBodyBytes) return tooLarge();
            response.on('data', (chunk: Buffer) => {
                received += chunk.length;
                if (received > maxBodyBytes) tooLarge();
                else chunks.push(chunk);
            });
            response.on('error', reject);
            // Closed before the end without an error of its own: the peer dropped the connection.
            response.on('close', () => {
                if (!response.complete) reject(new NetworkFailure('ECONNRESET'));
            });
            response.on('end', () => {
                clearTimeout(connectTimer);
                resolve({ status: response.statusCode ?? 0, headers: flatHeaders(response.headers), body: Buffer.concat(chunks) });
            });
        });
        request.end(payload);
    });
}
