/** PUT /sync/update-connection-frequency: one connection's own frequency for a sync, as Nango's public API sets it. */
import { z } from 'zod';
import { readFrequency } from '../../compiler/frequency.js';
import { readJson, sendError, sendJson, type Router } from '../http.js';
import { schedulerOf } from '../scheduler.js';
import { findSyncs, reconcileSyncs, setFrequency } from '../sync-store.js';
import type { ServeContext } from '../context.js';
import { parseOr400, queryObject } from './validate.js';
import { connectionIdSchema, providerConfigKeySchema } from './schemas.js';

const syncName = z.string().regex(/^[a-zA-Z0-9_-]+$/).max(255);
const body = z.strictObject({
    sync_name: syncName,
    sync_variant: syncName.optional(),
    provider_config_key: providerConfigKeySchema,
    connection_id: connectionIdSchema,
    frequency: z.string().nullable()
});

/** Nango's answer names the interval as its scheduler reads it ('1h' for 'every hour'). */
const NAMED: Record<string, string> = { 'every half day': '12h', 'every half hour': '30m', 'every quarter hour': '15m', 'every hour': '1h', 'every day': '1d', 'every month': '30d', 'every week': '1w' };

export function registerSyncFrequencyRoute(router: Router, ctx: ServeContext): void {
    router.add({
        method: 'PUT',
        path: '/sync/update-connection-frequency',
        handler: async ({ req, res, url }) => {
            if (!parseOr400(res, z.strictObject({}), queryObject(url), 'invalid_query_params')) return;
            const input = parseOr400(res, body, await readJson(req), 'invalid_body');
            if (!input) return;
            if (!(await ctx.store.getConnection(input.provider_config_key, input.connection_id))) return sendError(res, 400, 'unknown_connection');
            await reconcileSyncs(ctx.storage);
            const [sync] = (await findSyncs(ctx.storage, { providerConfigKey: input.provider_config_key, connectionId: input.connection_id, names: [input.sync_name] })).filter(
                (row) => row.variant === (input.sync_variant ?? 'base')
            );
            if (!sync) return sendError(res, 400, 'unknown_sync');
            let frequency: string;
            if (input.frequency) {
                const verdict = readFrequency(input.frequency);
                if (!verdict.ok && verdict.why !== 'platform') return sendError(res, 400, 'invalid_body', 'Sync interval is invalid');
                frequency = NAMED[input.frequency] ?? input.frequency.replace('every ', '');
            } else {
                const [deployed] = await ctx.storage.query<{ runs: string | null }>('select runs from ferry_functions where id = $1', [sync.function_id]);
                if (!deployed?.runs) return sendError(res, 400, 'unknown_sync');
                frequency = deployed.runs;
            }
            const period = readFrequency(input.frequency ?? frequency);
            await setFrequency(ctx.storage, sync.id, input.frequency, period.ms ?? 0);
            schedulerOf(ctx)?.poke();
            sendJson(res, 200, { frequency });
        }
    });
}
