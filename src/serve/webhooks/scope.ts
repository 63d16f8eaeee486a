/**
 * What a provider's routing handler may ask about the integration a webhook came to: which of its
 * connections an event is about, found as Nango's `executeScriptForWebhooks` finds them, and which
 * events to hand to the subscribed syncs once the provider has its answer. A handler names the
 * connection by a value (given, or read from the event at a path) and where connections keep it:
 * `connectionId` (the connection's id), `metadata.<key>` (a metadata value, or an item of a list
 * or a key of an object there) or any other name (a connection-config value). With neither a path
 * nor a value, the event is about every connection of the integration; with a path that finds
 * nothing, about none.
 */
import type { ConnectionRow, IntegrationRow } from '../store.js';

export interface WebhookSpec {
    body: unknown;
    /** Path of the event's type in the body. */
    webhookType?: string | undefined;
    /** The type, given (e.g. from a header). */
    webhookTypeValue?: string | undefined;
    /** A second value a subscription may name (e.g. GitHub's X-GitHub-Event). */
    webhookHeaderValue?: string | undefined;
    /** Path of the connection's identifier in the body. */
    connectionIdentifier?: string | undefined;
    connectionIdentifierValue?: string | undefined;
    propName?: string | undefined;
}

/** One event to run: the connections it is about, with the values subscriptions are matched on. */
export interface Execution {
    connections: ConnectionRow[];
    body: unknown;
    type: string | undefined;
    headerValue: string | undefined;
}

export function at(body: unknown, path: string): unknown {
    let value: unknown = body;
    for (const part of path.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
    return value;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined);

function metadataHolds(metadata: Record<string, unknown>, key: string, value: string): boolean {
    const held = metadata[key];
    if (text(held) === value) return true;
    if (Array.isArray(held)) return held.some((item) => item === value);
    return held !== null && typeof held === 'object' && Object.prototype.hasOwnProperty.call(held, value);
}

export class WebhookScope {
    readonly executions: Execution[] = [];
    private all: Promise<ConnectionRow[]> | undefined;

    constructor(
        readonly integration: IntegrationRow,
        private readonly list: () => Promise<ConnectionRow[]>
    ) {}

    private connections(): Promise<ConnectionRow[]> {
        return (this.all ??= this.list());
    }

    async getConnectionForWebhook(connectionId: string): Promise<{ connectionId: string; metadata: Record<string, unknown> } | null> {
        const found = (await this.connections()).find((c) => c.connection_id === connectionId);
        return found ? { connectionId: found.connection_id, metadata: found.metadata } : null;
    }

    async executeScriptForWebhooks(spec: WebhookSpec): Promise<{ connectionIds: string[]; connectionMetadata: Record<string, Record<string, unknown>> }> {
        const value = spec.connectionIdentifierValue || (spec.connectionIdentifier ? text(at(spec.body, spec.connectionIdentifier)) : undefined);
        const all = await this.connections();
        let matched: ConnectionRow[];
        if (!spec.connectionIdentifier && !value) matched = all;
        else if (!value) matched = [];
        else if (spec.propName === 'connectionId') matched = all.filter((c) => c.connection_id === value);
        else if (spec.propName?.includes('metadata.')) {
            const key = spec.propName.replace('metadata.', '');
            matched = all.filter((c) => metadataHolds(c.metadata ?? {}, key, value));
        } else {
            const key = spec.propName || spec.connectionIdentifier || '';
            matched = all.filter((c) => text(c.connection_config?.[key]) === value);
        }
        if (matched.length > 0) {
            const type = spec.webhookTypeValue || (spec.webhookType ? text(at(spec.body, spec.webhookType)) : undefined);
            this.executions.push({ connections: matched, body: spec.body, type, headerValue: spec.webhookHeaderValue });
        }
        return {
            connectionIds: matched.map((c) => c.connection_id),
            connectionMetadata: Object.fromEntries(matched.map((c) => [c.connection_id, c.metadata ?? {}]))
        };
    }
}

/** Whether a sync's webhookSubscriptions take this event, as Nango matches them. */
export function subscribed(subscriptions: readonly string[], execution: Pick<Execution, 'type' | 'headerValue'>): boolean {
    return subscriptions.some((name) => name === '*' || name === execution.type || name === execution.headerValue);
}
