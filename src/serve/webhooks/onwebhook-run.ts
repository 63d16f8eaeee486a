/**
 * A provider's webhook event, run through `onWebhook` by each deployed sync of the integration
 * subscribed to it, on each connection the event is about. The run writes its records as a
 * scheduled run does (each batchSave, batchUpdate and batchDelete one transaction, counted per
 * model), is kept in the run history with mode WEBHOOK, and the app gets a `sync` webhook per model
 * with `syncType: 'WEBHOOK'` (the counts, or the error).
 */
import type { ServeContext } from '../context.js';
import { listFunctions, type FunctionRow } from '../functions-store.js';
import { runDeployed } from '../runner.js';
import type { ModelResult } from '../runs-store.js';
import type { ConnectionRow, IntegrationRow } from '../store.js';
import { createSyncSink } from '../sync-records.js';
import { findSyncs } from '../sync-store.js';
import { syncBody } from './bodies.js';
import { subscribed, type Execution } from './scope.js';
import type { WebhookEmitter } from './service.js';

export async function runSubscribedSyncs(ctx: ServeContext, emitter: WebhookEmitter, integration: IntegrationRow, executions: Execution[]): Promise<void> {
    const syncs = (await listFunctions(ctx.storage)).filter((fn) => fn.type === 'sync' && fn.provider_config_key === integration.unique_key);
    const subscriptionsOf = (fn: FunctionRow): string[] => (Array.isArray(fn.config['webhookSubscriptions']) ? (fn.config['webhookSubscriptions'] as string[]) : []);
    for (const execution of executions) {
        const matched = syncs.filter((fn) => subscribed(subscriptionsOf(fn), execution));
        ctx.log(`webhook from ${integration.unique_key}${execution.type ? ` (${execution.type})` : ''}: ${execution.connections.length} connection(s), ${matched.length} sync(s) subscribed`);
        for (const connection of execution.connections) {
            for (const fn of matched) await runOnWebhook(ctx, emitter, fn, connection, integration, execution.body);
        }
    }
}

async function runOnWebhook(ctx: ServeContext, emitter: WebhookEmitter, fn: FunctionRow, connection: ConnectionRow, integration: IntegrationRow, payload: unknown): Promise<void> {
    const [schedule] = await findSyncs(ctx.storage, { providerConfigKey: integration.unique_key, connectionId: connection.connection_id, names: [fn.name] });
    const variant = schedule?.variant ?? 'base';
    const startedAt = new Date();
    const records = createSyncSink(ctx.storage, connection.id, variant, startedAt);
    let changes: Record<string, ModelResult> = {};
    const result = await runDeployed(ctx, fn, connection, integration, undefined, {
        webhookPayload: payload,
        recordSink: records.sink,
        onTrackDeletes: (model, phase) => records.trackDeletes(model, phase),
        ...(schedule ? { sync: { id: schedule.id, mode: 'WEBHOOK' } } : {}),
        settle: async (finished) => (changes = await records.settle(finished))
    });
    const base = { connectionId: connection.connection_id, providerConfigKey: integration.unique_key, syncName: fn.name, syncVariant: variant, operation: 'WEBHOOK' as const, startedAt };
    if (!result.ok) {
        ctx.log(`onWebhook ${integration.unique_key}/${fn.name} on ${connection.connection_id} failed: ${result.error?.message ?? 'failed'}`);
        for (const model of fn.models) await emitter.emitWebhook('sync', syncBody({ ...base, model, error: { type: 'script_error', description: result.error?.message ?? 'the sync failed' } }));
        return;
    }
    for (const model of fn.models) {
        const counts = changes[model] ?? { added: 0, updated: 0, deleted: 0 };
        ctx.log(`onWebhook ${integration.unique_key}/${fn.name} on ${connection.connection_id}: ${model} +${counts.added} ~${counts.updated} -${counts.deleted}`);
        await emitter.emitWebhook('sync', syncBody({ ...base, model, result: counts }));
    }
}
