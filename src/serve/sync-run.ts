/**
 * One run of a deployed sync on one connection, as Nango's runner does it: incremental from the
 * last successful run's start date and the saved checkpoint, or full (a reset: no date, no
 * checkpoint, and with emptyCache the records removed first). Records are written batch by batch
 * (sync-records.ts), the schedule moves on (sync-store.ts), and the app gets a `sync` webhook per
 * model when records changed or the run failed.
 */
import { readFrequency } from '../compiler/frequency.js';
import type { ServeContext } from './context.js';
import { listFunctions } from './functions-store.js';
import { clearRecords, modelKey } from './records-store.js';
import { runDeployed } from './runner.js';
import type { ModelResult } from './runs-store.js';
import { afterRun, resetSync, saveCheckpoint, takePending, type SyncMode, type SyncRow } from './sync-store.js';
import { createSyncSink } from './sync-records.js';

interface SyncRunOutcome {
    ok: boolean;
    changes: Record<string, ModelResult>;
    error?: string;
}

function frequencyMs(runs: string | null): number | undefined {
    if (!runs) return undefined;
    const verdict = readFrequency(runs);
    // A deployed frequency the reader refuses (too often) still runs, at the shortest Nango allows.
    return verdict.ok ? verdict.ms : verdict.ms !== undefined ? Math.max(verdict.ms, 30_000) : undefined;
}

export async function runSync(ctx: ServeContext, sync: SyncRow): Promise<SyncRunOutcome> {
    const mode: SyncMode = sync.pending_mode ?? 'INCREMENTAL';
    await takePending(ctx.storage, sync.id);
    const fn = (await listFunctions(ctx.storage)).find((row) => row.id === sync.function_id);
    const connection = await ctx.store.getConnection(sync.provider_config_key, sync.connection_id);
    const integration = await ctx.store.getIntegration(sync.provider_config_key);
    if (!fn || !connection || !integration) return { ok: false, changes: {}, error: 'the sync or its connection is gone' };
    if (mode !== 'INCREMENTAL') {
        await resetSync(ctx.storage, sync.id);
        if (mode === 'FULL_EMPTY') await clearRecords(ctx.storage, connection.id, fn.models.map((model) => modelKey(model, sync.variant)));
    }
    const incremental = mode === 'INCREMENTAL' && sync.last_sync_date !== null;
    const startedAt = new Date();
    const records = createSyncSink(ctx.storage, connection.id, sync.variant, startedAt);
    let changes: Record<string, ModelResult> = {};
    const result = await runDeployed(ctx, fn, connection, integration, undefined, {
        recordSink: records.sink,
        ...(incremental && sync.last_sync_date ? { lastSyncDate: new Date(sync.last_sync_date) } : {}),
        ...(mode === 'INCREMENTAL' && sync.checkpoint ? { checkpoint: sync.checkpoint } : {}),
        onCheckpoint: (checkpoint) => saveCheckpoint(ctx.storage, sync.id, checkpoint),
        onTrackDeletes: (model, phase) => records.trackDeletes(model, phase),
        sync: { id: sync.id, mode: incremental ? 'INCREMENTAL' : 'FULL' },
        settle: async (finished) => (changes = await records.settle(finished))
    });
    await afterRun(ctx.storage, sync.id, { ok: result.ok, startedAt, frequencyMs: frequencyMs(sync.runs) });
    const summary = Object.entries(changes).map(([model, c]) => `${model} +${c.added} ~${c.updated} -${c.deleted}`).join(', ');
    ctx.log(`sync ${fn.provider_config_key}/${fn.name} on ${connection.connection_id}: ${result.ok ? 'ok' : (result.error?.kind ?? 'failed')} in ${Math.round(result.durationMs)} ms${summary ? ` (${summary})` : ''}`);
    await notify(ctx, { sync, models: fn.models, incremental, startedAt, changes, error: result.ok ? undefined : (result.error?.message ?? 'the sync failed') });
    return { ok: result.ok, changes, ...(result.ok ? {} : { error: result.error?.message ?? 'the sync failed' }) };
}

async function notify(
    ctx: ServeContext,
    run: { sync: SyncRow; models: string[]; incremental: boolean; startedAt: Date; changes: Record<string, ModelResult>; error: string | undefined }
): Promise<void> {
    try {
        const { webhooksOf, syncBody } = await import('./webhooks/index.js');
        const emitter = webhooksOf(ctx);
        if (!emitter) return;
        const base = { connectionId: run.sync.connection_id, providerConfigKey: run.sync.provider_config_key, syncName: run.sync.name, syncVariant: run.sync.variant, operation: run.incremental ? ('INCREMENTAL' as const) : ('FULL' as const), startedAt: run.startedAt };
        for (const model of run.models) {
            const body = run.error ? syncBody({ ...base, model, error: { type: 'script_error', description: run.error } }) : syncBody({ ...base, model, result: run.changes[model] ?? { added: 0, updated: 0, deleted: 0 } });
            await emitter.emitWebhook('sync', body);
        }
    } catch (error) {
        ctx.log(`webhook sync could not be queued: ${(error as Error)?.message ?? String(error)}`);
    }
}
