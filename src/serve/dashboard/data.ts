/**
 * What the dashboard shows, read through the server's own stores: never a credential, a client
 * secret, a function's code or the secret key. Every value from a request reaches SQL as a
 * parameter.
 */
import type { ServeContext } from '../context.js';
import { connectionToListItem } from '../api/format.js';
import { listFunctions } from '../functions-store.js';
import { decodeCursor, listRecords } from '../records-store.js';

const iso = (date: Date | string | null | undefined): string | null => (date ? new Date(date).toISOString() : null);

export async function overview(ctx: ServeContext): Promise<Record<string, unknown>> {
    const [integrations, connections, functions] = await Promise.all([
        ctx.store.listIntegrations(),
        ctx.store.listConnections({ limit: 10_000, offset: 0 }),
        listFunctions(ctx.storage)
    ]);
    return {
        environment: ctx.environment,
        integrations: integrations.map((row) => ({
            unique_key: row.unique_key,
            provider: row.provider,
            display_name: row.display_name ?? row.provider,
            base_url: row.custom['base_url'] ?? null,
            oauth: row.oauth_client_id !== null,
            connections: connections.filter((c) => c.provider_config_key === row.unique_key).length,
            created_at: iso(row.created_at)
        })),
        // The list shape of GET /connections: it never holds credentials.
        connections: connections.map((row) => connectionToListItem(row)),
        functions: functions.map((fn) => ({
            integration: fn.provider_config_key,
            type: fn.type,
            name: fn.name,
            event: fn.event || null,
            version: fn.version,
            runs: fn.runs,
            auto_start: fn.auto_start,
            models: fn.models,
            deployed_at: iso(fn.deployed_at)
        })),
        features: { webhooks: await hasTable(ctx, 'ferry_webhook_outbox') }
    };
}

async function hasTable(ctx: ServeContext, name: string): Promise<boolean> {
    const rows = await ctx.storage.query<{ found: string | null }>('select to_regclass($1)::text as found', [name]);
    return Boolean(rows[0]?.found);
}

/** The models a connection has records of, with counts (deleted ones included, as stored). */
export async function modelsOf(ctx: ServeContext, connectionId: number): Promise<{ model: string; count: number }[]> {
    const rows = await ctx.storage.query<{ model: string; count: string | number }>(
        'select model, count(*) as count from ferry_records where connection_id = $1 group by model order by model',
        [connectionId]
    );
    return rows.map((row) => ({ model: row.model, count: Number(row.count) }));
}

/**
 * A page of records as GET /records gives them; with `search`, only those whose id or JSON holds
 * the text (case-insensitive), the `limit` most recently changed.
 */
export async function searchRecords(
    ctx: ServeContext,
    options: { connectionId: number; model: string; search?: string | undefined; cursor?: string | undefined; limit: number }
): Promise<{ records: Record<string, unknown>[]; next_cursor: string | null } | undefined> {
    if (!options.search) {
        const cursor = options.cursor ? decodeCursor(options.cursor) : undefined;
        if (options.cursor && !cursor) return undefined;
        return listRecords(ctx.storage, { connectionId: options.connectionId, model: options.model, limit: options.limit, cursor });
    }
    // LIKE's wildcards in the text match themselves. The matching ids are read through listRecords,
    // so a found record has the same shape as on GET /records.
    const pattern = `%${options.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await ctx.storage.query<{ external_id: string }>(
        `select external_id from ferry_records where connection_id = $1 and model = $2 and (external_id ilike $3 or data::text ilike $3)
         order by updated_at desc, external_id limit $4`,
        [options.connectionId, options.model, pattern, options.limit]
    );
    if (rows.length === 0) return { records: [], next_cursor: null };
    const found = await listRecords(ctx.storage, { connectionId: options.connectionId, model: options.model, limit: options.limit, ids: rows.map((row) => row.external_id) });
    return { records: found.records, next_cursor: null };
}

/** The webhooks to the app, newest first (bodies are what the app received: no secrets). */
export async function webhookDeliveries(ctx: ServeContext, limit: number): Promise<Record<string, unknown>[] | undefined> {
    if (!(await hasTable(ctx, 'ferry_webhook_outbox'))) return undefined;
    const rows = await ctx.storage.query<Record<string, unknown>>(
        `select id, url, kind, body, status, attempts, last_error, created_at, delivered_at from ferry_webhook_outbox order by id desc limit $1`,
        [limit]
    );
    return rows.map((row) => ({ ...row, id: Number(row['id']), created_at: iso(row['created_at'] as Date), delivered_at: iso(row['delivered_at'] as Date | null) }));
}
