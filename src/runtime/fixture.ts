/**
 * The recorded-fixture format (docs/fixtures.md), shared by `dryrun --save` (writes) and `test`
 * (replays). A request is identified by a hash of its method, endpoint, sorted params,
 * non-secret headers and body.
 */
import { createHash } from 'node:crypto';
import { withoutSecretHeaders } from '../secrets/names.js';
import type { ProxyRequest } from './types.js';

export interface FixtureEntry {
    response: unknown;
    status?: number;
    headers?: Record<string, string>;
    hash?: string;
    request?: {
        params?: Record<string, unknown>;
        headers?: Record<string, string>;
        data?: unknown;
    };
}

export interface Fixture {
    /** ISO time the recording's clock started at (`dryrun --save`); replays freeze the clock there. */
    recordedAt?: string;
    input?: unknown;
    output?: unknown;
    /** A webhook recording (`dryrun --webhook --save`): the payload onWebhook was given. */
    webhook?: unknown;
    nango?: {
        getConnection?: Record<string, unknown>;
        getMetadata?: Record<string, unknown> | null;
        batchSave?: Record<string, unknown[]>;
        batchUpdate?: Record<string, unknown[]>;
        batchDelete?: Record<string, unknown[]>;
        [method: string]: unknown;
    };
    /** lower-case method -> provider endpoint -> one entry or one per distinct request */
    api?: Record<string, Record<string, FixtureEntry | FixtureEntry[]>>;
}

function sortKeys(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
        return Object.fromEntries(
            Object.keys(value as Record<string, unknown>)
                .sort()
                .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])])
        );
    }
    return value;
}

/** Query params as strings, the way they go on the wire, so `1` and `'1'` hash alike. */
export function normalizeParams(params: ProxyRequest['params']): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [key, value] of Object.entries(params ?? {})) {
        if (value === undefined) continue;
        out[key] = Array.isArray(value) ? value.map(String) : String(value);
    }
    return out;
}

export function requestHash(request: Pick<ProxyRequest, 'method' | 'endpoint' | 'params' | 'headers' | 'data'>): string {
    const canonical = JSON.stringify(
        sortKeys({
            method: request.method.toUpperCase(),
            endpoint: request.endpoint,
            params: normalizeParams(request.params),
            headers: withoutSecretHeaders(request.headers),
            data: request.data ?? null
        })
    );
    return createHash('sha1').update(canonical).digest('hex');
}
