/**
 * What a failed platform call means to the user: an answer that is not a success, an answer Ferry
 * cannot read, a request Node refused to send, or no answer at all. Every message names the
 * platform by its masked address; a server echoing the Authorization header never shows the key.
 */
import { FerryError, errnoCode, type ExitCode } from '../errors.js';
import { maskValue } from '../secrets/redact.js';
import type { KeySource } from './env.js';
import type { RawResponse } from './http-exchange.js';

/** What every platform error needs to know of the client that raised it. */
export interface ErrorContext {
    /** The base URL as messages show it, the key masked. */
    host: string;
    secretKey: string;
    exitCode: ExitCode;
    keyVariable: string;
    keySource: KeySource | undefined;
}

/** The request as messages name it. */
interface RequestName {
    method: string;
    path: string;
}

export function statusError(ctx: ErrorContext, response: RawResponse, req: RequestName): FerryError {
    const what = `${req.method} ${req.path}`;
    // A server may echo the Authorization header back; the key must not reach the terminal.
    const serverMessage = maskValue(extractMessage(response.body), ctx.secretKey);
    const quoted = serverMessage ? `: ${serverMessage}` : '';
    const error = (code: string, message: string, hint: string, details: Record<string, unknown> = { status: response.status }): FerryError =>
        new FerryError({ code, message, hint, exitCode: ctx.exitCode, details });
    if (response.status === 401 || response.status === 403) {
        return error('PLATFORM_UNAUTHORIZED', `The platform at ${ctx.host} rejected the secret key (${response.status} on ${what})${quoted}`, rejectedKeyHint(ctx.keyVariable, ctx.keySource));
    }
    if (response.status === 429) {
        const retryAfterMs = retryAfter(response.headers['retry-after']);
        const wait = retryAfterMs === undefined ? 'a moment' : `${Math.ceil(retryAfterMs / 1000)} s`;
        return error('PLATFORM_RATE_LIMITED', `The platform rate-limited ${what} (429)${quoted}`, `Too many requests with this key for now: try again in ${wait}.`, {
            status: 429,
            ...(retryAfterMs !== undefined ? { retryAfterMs } : {})
        });
    }
    if (response.status >= 500) {
        return error('PLATFORM_SERVER_ERROR', `The platform answered ${response.status} to ${what}${quoted}`, 'This is on the platform side; try again in a moment.');
    }
    return error('PLATFORM_REQUEST_REJECTED', `The platform answered ${response.status} to ${what}${quoted}`, 'Check the arguments and try again.');
}

export function badAnswer(ctx: ErrorContext, req: RequestName, why: string): FerryError {
    return new FerryError({
        code: 'PLATFORM_BAD_RESPONSE',
        message: `The platform's answer to ${req.method} ${req.path} is not what Ferry expects (${why})`,
        hint: `Check that NANGO_HOSTPORT (${ctx.host}) points at the platform API.`,
        exitCode: ctx.exitCode
    });
}

/** Why a request got no answer. */
export function sendError(ctx: ErrorContext, error: unknown, req: RequestName): FerryError {
    // Node refuses some requests before sending anything (a header value with a newline,
    // a bad method): that is the request's fault, not the network's.
    const code = errnoCode(error);
    if (code && /^ERR_(INVALID|HTTP_INVALID)/.test(code)) {
        return new FerryError({
            code: 'PLATFORM_BAD_REQUEST',
            message: `${req.method} ${req.path} was not sent: ${(error as Error).message}`,
            hint: 'Check the headers and method of the request.',
            exitCode: ctx.exitCode,
            details: { nodeCode: code },
            cause: error
        });
    }
    const timedOut = code !== undefined && /^UND_ERR_(CONNECT|HEADERS|BODY)_TIMEOUT$/.test(code);
    return new FerryError({
        code: timedOut ? 'PLATFORM_TIMEOUT' : 'PLATFORM_UNREACHABLE',
        message: timedOut
            ? `The platform at ${ctx.host} did not answer ${req.method} ${req.path} in time`
            : `Cannot reach the platform at ${ctx.host} (${code ?? (error as Error)?.message ?? 'network error'})`,
        hint: 'Check NANGO_HOSTPORT and your network connection.',
        exitCode: ctx.exitCode,
        details: { networkCode: code },
        cause: error
    });
}

/** Sends the user to where the key was read: a shell export hides whatever .env says. */
function rejectedKeyHint(variable: string, source: KeySource | undefined): string {
    const must = 'it must be the secret key of this environment.';
    if (source?.kind === 'environment') return `${variable} is set in your shell environment (it overrides .env): check its value, ${must}`;
    if (source?.kind === 'file') return `Check ${variable} in ${source.path}: ${must}`;
    return `Check ${variable} (your shell environment overrides the project's .env, so look there first): ${must}`;
}

/** Retry-After in seconds or as an HTTP date, as milliseconds from now; undefined when absent or unreadable. */
function retryAfter(value: string | undefined): number | undefined {
    if (value === undefined || value.trim() === '') return undefined;
    const seconds = Number(value);
    if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function extractMessage(body: Buffer): string | undefined {
    const text = body.toString('utf8').trim();
    if (!text) return undefined;
    try {
        const json = JSON.parse(text) as Record<string, unknown>;
        const err = json['error'];
        const message =
            typeof err === 'string' ? err : typeof err === 'object' && err && 'message' in err ? String((err as { message: unknown }).message) : json['message'];
        if (typeof message === 'string') return message.slice(0, 300);
    } catch {
        // Not JSON: fall through to the raw text.
    }
    return text.split('\n')[0]!.slice(0, 200);
}
