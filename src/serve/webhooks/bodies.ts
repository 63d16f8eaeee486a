/**
 * Nango's webhook bodies, field for field (`from`, `type` and the rest), for the events a local
 * server has: a connection authorised, overridden or failing to refresh; a sync run finished or
 * failed (per model); an asynchronous action finished; a provider's webhook passed on.
 */

export interface AuthEvent {
    connectionId: string;
    providerConfigKey: string;
    provider: string;
    authMode: string;
    environment: string;
    operation: 'creation' | 'override' | 'refresh';
    /** Absent: success. */
    error?: { type: string; description: string } | undefined;
}

export function authBody(event: AuthEvent): Record<string, unknown> {
    return {
        from: 'nango',
        type: 'auth',
        connectionId: event.connectionId,
        providerConfigKey: event.providerConfigKey,
        authMode: event.authMode,
        provider: event.provider,
        environment: event.environment,
        operation: event.operation,
        ...(event.error ? { success: false, error: event.error } : { success: true })
    };
}

interface SyncEvent {
    connectionId: string;
    providerConfigKey: string;
    syncName: string;
    syncVariant?: string | undefined;
    model: string;
    /** INCREMENTAL, FULL (sent as INITIAL, as Nango does) or WEBHOOK. */
    operation: 'INCREMENTAL' | 'FULL' | 'WEBHOOK';
    /** When the run started: records modified after it are the new ones. */
    startedAt: Date;
    result?: { added: number; updated: number; deleted?: number } | undefined;
    error?: { type: string; description: string; [key: string]: unknown } | undefined;
}

export function syncBody(event: SyncEvent): Record<string, unknown> {
    const base = {
        from: 'nango',
        type: 'sync',
        connectionId: event.connectionId,
        providerConfigKey: event.providerConfigKey,
        syncName: event.syncName,
        syncVariant: event.syncVariant ?? 'base',
        model: event.model,
        syncType: event.operation === 'FULL' ? 'INITIAL' : event.operation
    };
    if (event.error || !event.result) {
        return { ...base, success: false, error: event.error ?? { type: 'script_error', description: 'the sync failed' }, startedAt: event.startedAt.toISOString(), failedAt: new Date().toISOString() };
    }
    const modifiedAfter = event.startedAt.toISOString();
    return {
        ...base,
        success: true,
        responseResults: { added: event.result.added, updated: event.result.updated, deleted: event.result.deleted ?? 0 },
        modifiedAfter,
        queryTimeStamp: modifiedAfter
    };
}

export function asyncActionBody(event: { connectionId: string; providerConfigKey: string; id: string; statusUrl: string }): Record<string, unknown> {
    return { type: 'async_action', from: 'nango', connectionId: event.connectionId, providerConfigKey: event.providerConfigKey, payload: { id: event.id, statusUrl: event.statusUrl } };
}

/** A provider's webhook for a known connection; without one, Nango sends the payload alone. */
export function forwardBody(event: { provider: string; providerConfigKey: string; connectionId?: string | undefined; payload: unknown }): unknown {
    if (!event.connectionId) return event.payload;
    return { from: event.provider, providerConfigKey: event.providerConfigKey, type: 'forward', payload: event.payload, connectionId: event.connectionId };
}
