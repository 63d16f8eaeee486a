/**
 * How Nango signs what it sends to an app: the body is serialised once with its keys in
 * alphabetical order (so the receiver's signature check and ours see the same bytes), then
 * `X-Nango-Hmac-Sha256` is the hex HMAC-SHA256 of those bytes with the environment's webhook
 * signing key, and `X-Nango-Signature` the older form Nango still sends: hex SHA-256 of the key
 * followed by the body (open to length extension, kept because existing receivers check it).
 */
import { createHash, createHmac } from 'node:crypto';

/** JSON with object keys sorted at every level; undefined values dropped as JSON.stringify does. */
export function stableStringify(value: unknown): string {
    return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
    if (value === null || typeof value !== 'object') return value;
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return sortKeys((value as { toJSON(): unknown }).toJSON());
    if (Array.isArray(value)) return value.map(sortKeys);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
}

function hmacSignature(key: string, body: string): string {
    return createHmac('sha256', key).update(body).digest('hex');
}

function legacySignature(key: string, body: string): string {
    return createHash('sha256').update(`${key}${body}`).digest('hex');
}

export function signatureHeaders(key: string, body: string): Record<string, string> {
    return { 'X-Nango-Signature': legacySignature(key, body), 'X-Nango-Hmac-Sha256': hmacSignature(key, body) };
}
