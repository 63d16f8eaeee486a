/**
 * An integration's `forward_webhooks` (Nango's field, true unless set false): whether providers'
 * webhooks to it are passed on to the app. Kept among the integration's `custom` values, beside
 * `webhookSecret`, so the integrations table needs no new column; only `'false'` is stored.
 */
import type { IntegrationRow } from '../store.js';

const KEY = 'forwardWebhooks';

export function forwardsWebhooks(row: Pick<IntegrationRow, 'custom'>): boolean {
    return row.custom?.[KEY] !== 'false';
}

/** The custom values that record a `forward_webhooks` given on creation. */
export function forwardWebhooksCustom(value: boolean | undefined): Record<string, string> {
    return value === false ? { [KEY]: 'false' } : {};
}
