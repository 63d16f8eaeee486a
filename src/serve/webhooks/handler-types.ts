/**
 * The shape of a provider's webhook routing handler, as Nango's server has one per
 * `webhook_routing_script` of providers.yaml: it checks the provider's signature, asks the scope
 * which connections each event is about (queuing the events for the subscribed syncs), and says
 * what the provider is answered and what the app is forwarded.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookScope } from './scope.js';

export interface IncomingWebhook {
    /** Lower-case names, as Node gives them. */
    headers: Record<string, string>;
    /** The parsed body: JSON, a url-encoded form, or {} (as Nango's body parsers leave it). */
    body: any;
    raw: string;
    /** Only the query parameters the provider's definition allows (webhook_allowed_query_params). */
    query: Record<string, string>;
}

export type HandlerResult =
    | { error: string }
    | { statusCode: number; content: unknown; connectionIds?: string[]; toForward?: unknown };

export type WebhookHandler = (nango: WebhookScope, hook: IncomingWebhook) => Promise<HandlerResult>;

export const success = (connectionIds: string[], toForward: unknown): HandlerResult => ({ statusCode: 200, content: { status: 'success' }, connectionIds, toForward });

export const hmac = (algorithm: 'sha1' | 'sha256', key: string | Buffer, data: string, encoding: 'hex' | 'base64'): string =>
    createHmac(algorithm, key).update(data, 'utf8').digest(encoding);

/** Compares as Node's timingSafeEqual does; like Nango's handlers that call it unguarded, throws on a length mismatch. */
export const strictEqual = (a: string, b: string): boolean => timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Compares without throwing: different lengths are simply not equal. */
export function sameText(a: string, b: string): boolean {
    const left = Buffer.from(a);
    const right = Buffer.from(b);
    return left.length === right.length && timingSafeEqual(left, right);
}

export function sameBytes(a: Buffer, b: Buffer): boolean {
    return a.length === b.length && timingSafeEqual(a, b);
}

/** Nango's error codes for webhooks: status and the message of `{ error }`. */
const ERRORS: Record<string, [number, string]> = {
    webhook_invalid_signature: [401, 'Invalid webhook signature'],
    webhook_missing_signature: [401, 'Missing webhook signature'],
    webhook_missing_token: [401, 'Missing webhook token'],
    webhook_invalid_payload: [400, 'Invalid webhook payload'],
    webhook_missing_connection_id: [400, 'Webhook payload is missing nangoConnectionId'],
    webhook_no_connection_or_existing_installation_id: [400, 'No connection or existing installation_id'],
    webhook_unknown_provider: [400, 'Unknown provider']
};

export function errorAnswer(code: string): { status: number; body: { error: string } } {
    const known = ERRORS[code];
    if (known) return { status: known[0], body: { error: known[1] } };
    // Nango's error type for a code it has no entry for.
    return { status: 500, body: { error: `An unhandled error of type '${code}' with payload '{}' has occurred` } };
}
