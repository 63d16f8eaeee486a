/**
 * The schedule of every deployed sync on every connection of its integration (ferry_syncs): its
 * state (STARTED or PAUSED, as Nango's schedules), when it runs next, the date and checkpoint the
 * next run starts from, and a run asked for by POST /sync/trigger. The schedule lives in the
 * database, so a server that stops (even killed) picks it up where it was on the next start.
 */
import type { Queryable } from './storage.js';

export type SyncMode = 'INCREMENTAL' | 'FULL' | 'FULL_EMPTY';

export interface SyncRow {
    id: number;
    function_id: number;
    /** ferry_connections.id */
    connection_ref: number;
    variant: string;
    state: 'STARTED' | 'PAUSED';
    next_run_at: Date | null;
    last_sync_date: Date | null;
    checkpoint: Record<string, unknown> | null;
    pending_mode: SyncMode | null;
    name: string;
    provider_config_key: string;
    /** The connection's own id (the one clients use). */
    connection_id: string;
    /** The frequency set for this connection (PUT /sync/update-connection-frequency), else the sync's. */
    runs: string | null;
    models: string[];
}

const SELECT = `select s.id, s.function_id, s.connection_id as connection_ref, s.variant, s.state, s.next_run_at, s.last_sync_date, s.checkpoint,
    s.pending_mode, f.name, f.provider_config_key, c.connection_id, coalesce(s.frequency, f.runs) as runs, f.models
    from ferry_syncs s join ferry_functions f on f.id = s.function_id join ferry_connections c on c.id = s.connection_id`;

function row(raw: SyncRow): SyncRow {
    return { ...raw, id: Number(raw.id), function_id: Number(raw.function_id), connection_ref: Number(raw.connection_ref) };
}

/**
 * Gives every deployed sync a schedule on every connection of its integration that has none yet
 * (a deploy, or a new connection): due now when the sync auto-starts, else paused, as Nango does.
 */
export async function reconcileSyncs(db: Queryable): Promise<number> {
    const rows = await db.query(
        `insert into ferry_syncs (function_id, connection_id, state, next_run_at)
         select f.id, c.id, case when f.auto_start then 'STARTED' else 'PAUSED' end, case when f.auto_start then now() else null end
         from ferry_functions f join ferry_connections c on c.provider_config_key = f.provider_config_key
         where f.type = 'sync'
         on conflict (function_id, connection_id, variant) do nothing
         returning id`
    );
    return rows.length;
}

/** Schedules due now, or with a run asked for; the ones in `busy` (running) are left out. */
export async function dueSyncs(db: Queryable, busy: Iterable<number>, limit: number): Promise<SyncRow[]> {
    const rows = await db.query<SyncRow>(
        `${SELECT} where (s.pending_mode is not null or (s.state = 'STARTED' and s.next_run_at <= now()))
           and s.id not in (select jsonb_array_elements_text($1::jsonb)::integer)
         order by s.pending_mode is null, s.next_run_at nulls first, s.id limit $2`,
        [JSON.stringify([...busy]), limit]
    );
    return rows.map(row);
}

interface SyncSelector {
    providerConfigKey: string;
    /** Absent: every connection of the integration. */
    connectionId?: string | undefined;
    /** Sync names (variant `base` only); empty: every sync of the integration. */
    names: string[];
}

export async function findSyncs(db: Queryable, selector: SyncSelector): Promise<SyncRow[]> {
    const params: string[] = [selector.providerConfigKey];
    let where = 'f.provider_config_key = $1';
    if (selector.connectionId !== undefined) {
        params.push(selector.connectionId);
        where += ` and c.connection_id = $${params.length}`;
    }
    if (selector.names.length > 0) {
        params.push(JSON.stringify(selector.names));
        where += ` and f.name in (select jsonb_array_elements_text($${params.length}::jsonb))`;
    }
    return (await db.query<SyncRow>(`${SELECT} where ${where} order by f.name, c.connection_id`, params)).map(row);
}

/** POST /sync/trigger: the next tick runs these, whatever their state. */
export async function requestRun(db: Queryable, ids: number[], mode: SyncMode): Promise<void> {
    await db.query('update ferry_syncs set pending_mode = $2 where id in (select jsonb_array_elements_text($1::jsonb)::integer)', [JSON.stringify(ids), mode]);
}

/** POST /sync/pause and /sync/start. A started schedule runs at once when its next run is past. */
export async function setState(db: Queryable, ids: number[], state: 'STARTED' | 'PAUSED'): Promise<void> {
    await db.query(
        `update ferry_syncs set state = $2, next_run_at = case when $2 = 'STARTED' then coalesce(next_run_at, now()) else next_run_at end
         where id in (select jsonb_array_elements_text($1::jsonb)::integer)`,
        [JSON.stringify(ids), state]
    );
}

/** A run is starting: the trigger it answers is taken. */
export async function takePending(db: Queryable, id: number): Promise<void> {
    await db.query('update ferry_syncs set pending_mode = null where id = $1', [id]);
}

/**
 * PUT /sync/update-connection-frequency: this connection's own frequency (null: the sync's again).
 * A started schedule's next run moves to one new period after the last run began (at once when past).
 */
export async function setFrequency(db: Queryable, id: number, frequency: string | null, periodMs: number): Promise<void> {
    await db.query(
        `update ferry_syncs s set frequency = $2,
            next_run_at = case when s.state = 'STARTED' and s.next_run_at is not null
                then greatest(now(), coalesce((select max(r.started_at) from ferry_sync_runs r where r.sync_id = s.id), now()) + $3 * interval '1 millisecond')
                else s.next_run_at end
         where s.id = $1`,
        [id, frequency, periodMs]
    );
}

/**
 * A run ended: the next is due one frequency after this one started (at once if that is past);
 * a success moves the date the next incremental run starts from. (The checkpoint was kept as saved.)
 */
export async function afterRun(db: Queryable, id: number, outcome: { ok: boolean; startedAt: Date; frequencyMs: number | undefined }): Promise<void> {
    const next = outcome.frequencyMs === undefined ? null : new Date(Math.max(Date.now(), outcome.startedAt.getTime() + outcome.frequencyMs));
    await db.query(
        `update ferry_syncs set next_run_at = $2, last_sync_date = case when $3 then $4::timestamptz else last_sync_date end where id = $1`,
        [id, next, outcome.ok, outcome.startedAt]
    );
}

/** saveCheckpoint / clearCheckpoint during a run: kept at once, so a run killed later resumes from it. */
export async function saveCheckpoint(db: Queryable, id: number, checkpoint: Record<string, unknown> | null): Promise<void> {
    await db.query('update ferry_syncs set checkpoint = $2::jsonb where id = $1', [id, checkpoint === null ? null : JSON.stringify(checkpoint)]);
}

/** A full resync starts from nothing: no last sync date, no checkpoint. */
export async function resetSync(db: Queryable, id: number): Promise<void> {
    await db.query('update ferry_syncs set last_sync_date = null, checkpoint = null where id = $1', [id]);
}
