/**
 * The runs the dashboard lists, from the server's run history (runs-store.ts: syncs, actions and
 * on-event scripts, with their record counts per model, error and logs), in the page's shape.
 */
import type { ServeContext } from '../context.js';
import { getRun, listRuns, type ModelResult, type RunRow } from '../runs-store.js';

type Listed = Omit<RunRow, 'logs' | 'logs_dropped'> & Partial<Pick<RunRow, 'logs' | 'logs_dropped'>>;

function totals(result: Record<string, ModelResult>): ModelResult | null {
    const models = Object.values(result ?? {});
    if (models.length === 0) return null;
    return models.reduce((sum, r) => ({ added: sum.added + r.added, updated: sum.updated + r.updated, deleted: sum.deleted + r.deleted }), { added: 0, updated: 0, deleted: 0 });
}

function fromHistory(run: Listed): Record<string, unknown> {
    return {
        id: run.id,
        type: run.type,
        name: run.name,
        integration: run.provider_config_key,
        connection: run.connection_id,
        mode: run.mode,
        status: run.status.toLowerCase(),
        started_at: run.started_at,
        finished_at: run.finished_at,
        duration_ms: run.duration_ms,
        records: run.type === 'sync' ? (totals(run.result) ?? { added: 0, updated: 0, deleted: 0 }) : null,
        models: run.result ?? {},
        error: run.error,
        ...(run.logs ? { logs: run.logs, logs_dropped: run.logs_dropped ?? 0 } : {})
    };
}

/** Newest first, without logs. */
export async function listDashboardRuns(ctx: ServeContext, limit: number): Promise<Record<string, unknown>[]> {
    return (await listRuns(ctx.storage, { limit })).map(fromHistory);
}

/** One run with its logs; undefined when there is no such run. */
export async function dashboardRun(ctx: ServeContext, id: number): Promise<Record<string, unknown> | undefined> {
    const run = await getRun(ctx.storage, id);
    return run && fromHistory(run);
}
