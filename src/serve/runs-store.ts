/**
 * Every run of a deployed function (sync, action, on-event script) in ferry_sync_runs: what ran,
 * on which connection, its status, duration, records added/updated/deleted per model, its error
 * and its logs. Logs are kept with a bound (entries and characters per run) and old runs are
 * pruned, so the table does not grow without end. Used by GET /runs, `ferry runs` and the
 * dashboard; every value reaches SQL as a parameter.
 */
import type { LogEntry } from '../runtime/types.js';
import { emitRunEvent } from './run-events.js';
import type { Queryable } from './storage.js';

export type RunStatus = 'RUNNING' | 'SUCCESS' | 'ERROR';
export interface ModelResult {
    added: number;
    updated: number;
    deleted: number;
}

export interface RunRow {
    id: number;
    sync_id: number | null;
    type: 'sync' | 'action' | 'on-event';
    name: string;
    provider_config_key: string;
    connection_id: string;
    /** Syncs: INCREMENTAL, FULL or WEBHOOK. */
    mode: string | null;
    status: RunStatus;
    started_at: string;
    finished_at: string | null;
    duration_ms: number | null;
    result: Record<string, ModelResult>;
    error: { type: string; message: string } | null;
    logs: LogEntry[];
    logs_dropped: number;
}

/** Log entries kept per run, and characters per entry; the rest are counted in logs_dropped. */
export const MAX_RUN_LOGS = 500;
export const MAX_LOG_CHARS = 2_000;
/** Runs kept; older ones are removed as new ones finish. */
export const MAX_RUNS = 5_000;

/** A row as the API gives it: numbers as numbers, times as ISO strings in UTC (whatever the database's time zone). */
function normalized<T extends Pick<RunRow, 'id' | 'sync_id' | 'started_at' | 'finished_at'>>(row: T): T {
    const iso = (value: string | null): string | null => (value === null ? null : new Date(value).toISOString());
    return { ...row, id: Number(row.id), sync_id: row.sync_id === null ? null : Number(row.sync_id), started_at: iso(row.started_at)!, finished_at: iso(row.finished_at) };
}

const COLUMNS = `id, sync_id, type, name, provider_config_key, connection_id, mode, status, to_json(started_at) as started_at,
    to_json(finished_at) as finished_at, duration_ms, result, error`;

export async function startRun(db: Queryable, run: Pick<RunRow, 'type' | 'name' | 'provider_config_key' | 'connection_id'> & { sync_id?: number | null; mode?: string | null }): Promise<number> {
    const [row] = await db.query<{ id: number }>(
        `insert into ferry_sync_runs (sync_id, type, name, provider_config_key, connection_id, mode, status) values ($1, $2, $3, $4, $5, $6, 'RUNNING') returning id`,
        [run.sync_id ?? null, run.type, run.name, run.provider_config_key, run.connection_id, run.mode ?? null]
    );
    emitRunEvent(db, { id: Number(row!.id), phase: 'start' });
    return Number(row!.id);
}

export function boundLogs(logs: LogEntry[], dropped: number): { logs: LogEntry[]; dropped: number } {
    const kept = logs.slice(0, MAX_RUN_LOGS).map((entry) => (entry.message.length > MAX_LOG_CHARS ? { ...entry, message: `${entry.message.slice(0, MAX_LOG_CHARS)}... (cut)` } : entry));
    return { logs: kept, dropped: dropped + Math.max(0, logs.length - MAX_RUN_LOGS) };
}

export async function finishRun(
    db: Queryable,
    id: number,
    outcome: { status: Exclude<RunStatus, 'RUNNING'>; durationMs: number; result?: Record<string, ModelResult>; error?: RunRow['error']; logs: LogEntry[]; logsDropped: number }
): Promise<void> {
    const { logs, dropped } = boundLogs(outcome.logs, outcome.logsDropped);
    await db.query(
        `update ferry_sync_runs set status = $2, finished_at = now(), duration_ms = $3, result = $4::jsonb, error = $5::jsonb, logs = $6::jsonb, logs_dropped = $7 where id = $1`,
        [id, outcome.status, Math.round(outcome.durationMs), JSON.stringify(outcome.result ?? {}), outcome.error ? JSON.stringify(outcome.error) : null, JSON.stringify(logs), dropped]
    );
    emitRunEvent(db, { id, phase: 'finish' });
    await db.query('delete from ferry_sync_runs where id <= $1::integer - $2::integer', [id, MAX_RUNS]);
}

/** Runs a stopped server left RUNNING (killed mid-run) are failed on the next start. */
export async function failInterruptedRuns(db: Queryable): Promise<number> {
    const rows = await db.query(
        `update ferry_sync_runs set status = 'ERROR', finished_at = now(), error = $1::jsonb where status = 'RUNNING' returning id`,
        [JSON.stringify({ type: 'interrupted', message: 'the server stopped during the run' })]
    );
    return rows.length;
}

export interface RunFilter {
    limit: number;
    /** Only runs with an id above this (ferry runs --follow). */
    after?: number | undefined;
    integration?: string | undefined;
    connection?: string | undefined;
    name?: string | undefined;
    status?: RunStatus | undefined;
}

/** Newest first (or, with `after`, oldest first: what came since). Without logs. */
export async function listRuns(db: Queryable, filter: RunFilter): Promise<Omit<RunRow, 'logs' | 'logs_dropped'>[]> {
    const params: (string | number)[] = [];
    const where: string[] = [];
    const param = (value: string | number): string => {
        params.push(value);
        return `$${params.length}`;
    };
    if (filter.after !== undefined) where.push(`id > ${param(filter.after)}`);
    if (filter.integration) where.push(`provider_config_key = ${param(filter.integration)}`);
    if (filter.connection) where.push(`connection_id = ${param(filter.connection)}`);
    if (filter.name) where.push(`name = ${param(filter.name)}`);
    if (filter.status) where.push(`status = ${param(filter.status)}`);
    const order = filter.after !== undefined ? 'id asc' : 'id desc';
    const rows = await db.query<RunRow>(`select ${COLUMNS} from ferry_sync_runs ${where.length ? `where ${where.join(' and ')}` : ''} order by ${order} limit ${param(filter.limit)}`, params);
    return rows.map(normalized);
}

export async function getRun(db: Queryable, id: number): Promise<RunRow | undefined> {
    const [row] = await db.query<RunRow>(`select ${COLUMNS}, logs, logs_dropped from ferry_sync_runs where id = $1`, [id]);
    return row ? { ...normalized(row), logs_dropped: Number(row.logs_dropped) } : undefined;
}

/** The latest finished run of each sync schedule: GET /sync/status's last result. */
export async function latestRuns(db: Queryable, syncIds: number[]): Promise<Map<number, Omit<RunRow, 'logs' | 'logs_dropped'>>> {
    if (syncIds.length === 0) return new Map();
    const rows = await db.query<RunRow>(
        `select distinct on (sync_id) ${COLUMNS} from ferry_sync_runs where sync_id in (select jsonb_array_elements_text($1::jsonb)::integer) order by sync_id, id desc`,
        [JSON.stringify(syncIds)]
    );
    return new Map(rows.map((row) => [Number(row.sync_id), normalized(row)]));
}
