/** Deployed functions (syncs, actions, on-event scripts) in the database, their code included. */
import type { Queryable } from './storage.js';

export interface FunctionRow {
    id: number;
    provider_config_key: string;
    type: 'sync' | 'action' | 'on-event';
    name: string;
    /** The on-event script's event; '' for syncs and actions. */
    event: string;
    version: string;
    runs: string | null;
    auto_start: boolean;
    models: string[];
    config: Record<string, unknown>;
    js: string;
    ts: string | null;
    deployed_at: Date;
}

export type NewFunction = Omit<FunctionRow, 'id' | 'deployed_at'>;

const COLUMNS = 'id, provider_config_key, type, name, event, version, runs, auto_start, models, config, js, ts, deployed_at';

export async function listFunctions(db: Queryable): Promise<FunctionRow[]> {
    const rows = await db.query<FunctionRow>(`select ${COLUMNS} from ferry_functions order by provider_config_key, type, name, event`);
    return rows.map((row) => ({ ...row, id: Number(row.id) }));
}

export async function upsertFunction(db: Queryable, fn: NewFunction): Promise<void> {
    await db.query(
        `insert into ferry_functions (provider_config_key, type, name, event, version, runs, auto_start, models, config, js, ts)
         values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11)
         on conflict (provider_config_key, type, name, event) do update set
            version = excluded.version, runs = excluded.runs, auto_start = excluded.auto_start, models = excluded.models,
            config = excluded.config, js = excluded.js, ts = excluded.ts, deployed_at = now()`,
        [fn.provider_config_key, fn.type, fn.name, fn.event, fn.version, fn.runs, fn.auto_start, JSON.stringify(fn.models), JSON.stringify(fn.config), fn.js, fn.ts]
    );
}

export async function deleteFunction(db: Queryable, id: number): Promise<void> {
    await db.query('delete from ferry_functions where id = $1', [id]);
}

export async function connectionCounts(db: Queryable): Promise<Map<string, number>> {
    const rows = await db.query<{ provider_config_key: string; count: number | string }>(
        'select provider_config_key, count(*) as count from ferry_connections group by provider_config_key'
    );
    return new Map(rows.map((row) => [row.provider_config_key, Number(row.count)]));
}
