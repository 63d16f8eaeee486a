/**
 * Nango's sync routes: POST /sync/trigger (run now; opts.reset for a full resync, opts.emptyCache
 * to remove the records first, or the older sync_mode / full_resync), POST /sync/pause and
 * /sync/start (the schedule), GET /sync/status (state, last result per model, next run, record
 * counts, checkpoint). Each acts on the integration's syncs on one connection, or on all of them.
 */
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { readJson, sendError, sendJson, type Router } from '../http.js';
import type { ServeContext } from '../context.js';
import { countRecords, modelKey } from '../records-store.js';
import { latestRuns } from '../runs-store.js';
import { schedulerOf } from '../scheduler.js';
import { findSyncs, reconcileSyncs, requestRun, setState, type SyncMode, type SyncRow } from '../sync-store.js';
import { registerSyncFrequencyRoute } from './sync-frequency.js';
import { registerSyncVariantRoutes } from './sync-variants.js';
import { parseOr400, queryObject } from './validate.js';
import { connectionIdSchema, providerConfigKeySchema } from './schemas.js';

const syncRef = z.union([z.string(), z.strictObject({ name: z.string(), variant: z.string() })]);
const triggerBody = z.strictObject({
    syncs: z.array(syncRef),
    sync_mode: z.enum(['incremental', 'full_refresh', 'full_refresh_and_clear_cache']).optional(),
    full_resync: z.boolean().optional(),
    connection_id: z.string().optional(),
    provider_config_key: z.string().optional(),
    opts: z.strictObject({ reset: z.boolean().optional(), emptyCache: z.boolean().optional() }).optional()
});
const stateBody = z.strictObject({ syncs: z.array(syncRef).max(256), provider_config_key: providerConfigKeySchema, connection_id: connectionIdSchema.optional() });
const statusQuery = z.strictObject({ syncs: z.string(), provider_config_key: providerConfigKeySchema, connection_id: connectionIdSchema.optional() });

/** Sync names; `name::variant` and `{ name, variant }` are read as Nango reads them. */
function names(syncs: z.infer<typeof syncRef>[]): string[] {
    return syncs.map((sync) => (typeof sync === 'string' ? sync.split('::')[0]! : sync.name));
}

function modeOf(body: z.infer<typeof triggerBody>): SyncMode {
    if (body.opts) return body.opts.reset ? (body.opts.emptyCache ? 'FULL_EMPTY' : 'FULL') : 'INCREMENTAL';
    if (body.sync_mode) return body.sync_mode === 'incremental' ? 'INCREMENTAL' : body.sync_mode === 'full_refresh' ? 'FULL' : 'FULL_EMPTY';
    return body.full_resync ? 'FULL' : 'INCREMENTAL';
}

/** The schedules a command acts on, or undefined after answering Nango's error. */
async function target(ctx: ServeContext, res: ServerResponse, providerConfigKey: string, connectionId: string | undefined, syncNames: string[]): Promise<SyncRow[] | undefined> {
    if (!(await ctx.store.getIntegration(providerConfigKey))) {
        sendError(res, 400, 'unknown_provider_config', 'There is no Provider Configuration matching this key.');
        return undefined;
    }
    if (connectionId !== undefined && !(await ctx.store.getConnection(providerConfigKey, connectionId))) {
        sendError(res, 404, 'unknown_connection', "No connection matching the provided params of 'connection_id' and 'provider_config_key'.");
        return undefined;
    }
    // A deploy or connection of the last second has its schedules before anything is looked up.
    await reconcileSyncs(ctx.storage);
    const rows = await findSyncs(ctx.storage, { providerConfigKey, connectionId, names: syncNames });
    const missing = syncNames.filter((name) => !rows.some((row) => row.name === name));
    if (rows.length === 0 || (connectionId !== undefined && missing.length > 0)) {
        sendError(res, 400, 'no_syncs_found', 'No syncs found given the inputs.');
        return undefined;
    }
    return rows;
}

export function registerSyncRoutes(router: Router, ctx: ServeContext): void {
    registerSyncFrequencyRoute(router, ctx);
    registerSyncVariantRoutes(router, ctx);
    router.add({
        method: 'POST',
        path: '/sync/trigger',
        handler: async ({ req, res, url }) => {
            if (!parseOr400(res, z.strictObject({}), queryObject(url), 'invalid_query_params')) return;
            const body = parseOr400(res, triggerBody, (await readJson(req)) ?? {}, 'invalid_body');
            if (!body) return;
            const header = (name: string): string | undefined => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
            const providerConfigKey = body.provider_config_key || header('provider-config-key');
            if (!providerConfigKey) return sendError(res, 400, 'missing_provider_config_key', 'Missing provider_config_key. Provide it in the body or headers.');
            if (body.opts && (body.sync_mode || body.full_resync !== undefined)) return sendError(res, 400, 'invalid_body', 'Cannot use opts with deprecated sync_mode/full_resync parameters');
            const rows = await target(ctx, res, providerConfigKey, body.connection_id || header('connection-id'), names(body.syncs));
            if (!rows) return;
            await requestRun(ctx.storage, rows.map((row) => row.id), modeOf(body));
            schedulerOf(ctx)?.poke();
            sendJson(res, 200, { success: true });
        }
    });

    for (const [path, state] of [['/sync/pause', 'PAUSED'], ['/sync/start', 'STARTED']] as const) {
        router.add({
            method: 'POST',
            path,
            handler: async ({ req, res }) => {
                const body = parseOr400(res, stateBody, (await readJson(req)) ?? {}, 'invalid_body');
                if (!body) return;
                const rows = await target(ctx, res, body.provider_config_key, body.connection_id, names(body.syncs));
                if (!rows) return;
                await setState(ctx.storage, rows.map((row) => row.id), state);
                if (state === 'STARTED') schedulerOf(ctx)?.poke();
                sendJson(res, 200, { success: true });
            }
        });
    }

    router.add({
        method: 'GET',
        path: '/sync/status',
        handler: async ({ res, url }) => {
            const q = parseOr400(res, statusQuery, queryObject(url), 'invalid_query_params');
            if (!q) return;
            if (q.connection_id !== undefined && !(await ctx.store.getConnection(q.provider_config_key, q.connection_id))) {
                return sendError(res, 400, 'invalid_body', 'Connection not found');
            }
            await reconcileSyncs(ctx.storage);
            const rows = await findSyncs(ctx.storage, { providerConfigKey: q.provider_config_key, connectionId: q.connection_id, names: q.syncs === '*' ? [] : names(q.syncs.split(',')) });
            sendJson(res, 200, { syncs: await statuses(ctx, rows) });
        }
    });
}

/** Nango's ReportedSyncJobStatus for each schedule. */
async function statuses(ctx: ServeContext, rows: SyncRow[]): Promise<Record<string, unknown>[]> {
    const latest = await latestRuns(ctx.storage, rows.map((row) => row.id));
    const running = new Set(schedulerOf(ctx)?.running() ?? []);
    const counts = new Map<number, Map<string, number>>();
    const out: Record<string, unknown>[] = [];
    for (const row of rows) {
        if (!counts.has(row.connection_ref)) counts.set(row.connection_ref, await countRecords(ctx.storage, row.connection_ref));
        const run = latest.get(row.id);
        const finished = run && run.status !== 'RUNNING';
        const jobStatus = running.has(row.id) ? 'RUNNING' : finished ? run.status : undefined;
        const status = jobStatus === 'RUNNING' ? 'RUNNING' : row.state === 'PAUSED' ? 'PAUSED' : (jobStatus ?? 'SUCCESS');
        out.push({
            id: String(row.id),
            connection_id: row.connection_id,
            type: run?.mode === 'INCREMENTAL' ? 'INCREMENTAL' : 'INITIAL',
            finishedAt: finished ? run.finished_at : undefined,
            nextScheduledSyncAt: row.state === 'STARTED' && row.next_run_at ? new Date(row.next_run_at).toISOString() : null,
            name: row.name,
            variant: row.variant,
            status,
            frequency: row.runs,
            latestResult: run ? run.result : undefined,
            latestExecutionStatus: jobStatus,
            recordCount: Object.fromEntries(row.models.map((model) => [model, counts.get(row.connection_ref)?.get(modelKey(model, row.variant)) ?? 0])),
            checkpoint: row.checkpoint ?? null
        });
    }
    return out;
}
