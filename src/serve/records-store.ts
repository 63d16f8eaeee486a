/**
 * Records of a connection's models, with Nango's semantics: the key is (connection, model, id), an
 * id seen twice in one batch keeps its first record, a record whose JSON is unchanged is not
 * rewritten (its last_modified_at stays), a delete is soft (deleted_at). Reads page by
 * (updated_at, id) with a cursor that holds the last row's exact timestamp, so paging through a
 * table that changes meanwhile neither skips nor repeats a record. Model variants are stored as
 * `model::variant`.
 */
import type { Queryable } from './storage.js';

export type RecordFilter = 'ADDED' | 'UPDATED' | 'DELETED';

export function modelKey(model: string, variant?: string): string {
    return variant && variant !== 'base' ? `${model}::${variant}` : model;
}

/** Rows per statement: one JSON parameter each, so a batch of any size is a few round trips. */
const CHUNK = 1_000;

function chunks<T>(items: T[]): T[][] {
    const out: T[][] = [];
    for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
    return out;
}

/** The first record of each id, as Nango's records store keeps it (its SDK already kept the last of a batchSave), its id as text. */
function byId(records: Record<string, unknown>[]): Map<string, Record<string, unknown>> {
    const map = new Map<string, Record<string, unknown>>();
    for (const record of records) {
        const id = String(record['id']).replaceAll('\u0000', '');
        if (!map.has(id)) map.set(id, record);
    }
    return map;
}

const count = (value: unknown): number => Number(value ?? 0);

/** In an upsert: the stored record was pruned and comes back unchanged. */
const RESTORING = 'ferry_records.pruned_at is not null and ferry_records.deleted_at is null and ferry_records.data_hash = excluded.data_hash';

/**
 * Saves one batch in the caller's transaction; returns how many were added and updated, and the ids
 * of the records that were already stored unchanged (so not rewritten: trackDeletesEnd must know
 * them; the others carry the run's time).
 */
export async function saveRecords(db: Queryable, connectionId: number, model: string, records: Record<string, unknown>[]): Promise<{ added: number; updated: number; unchanged: string[] }> {
    let added = 0;
    let updated = 0;
    const unchanged: string[] = [];
    for (const part of chunks([...byId(records)])) {
        const rows = part.map(([id, record]) => ({ id, data: { ...record, id: record['id'] } }));
        const [result] = await db.query<{ added: string | number; updated: string | number; unchanged: string[] | null }>(
            // A pruned record saved again as it was gets its payload back and nothing else: not
            // updated, its last_modified_at (and so its cursor) kept, as Nango's store does.
            `with input as (select r.id, r.data from jsonb_to_recordset($3::jsonb) as r(id text, data jsonb)),
             restored as (
                select i.id from input i join ferry_records f on f.connection_id = $1 and f.model = $2 and f.external_id = i.id
                where f.pruned_at is not null and f.deleted_at is null and f.data_hash = md5(i.data::text)
                  and exists (select 1 from ferry_records p where p.connection_id = $1 and p.model = $2 and p.pruned_at is not null)),
             written as (
                insert into ferry_records (connection_id, model, external_id, data, data_hash, last_action)
                select $1, $2, id, data, md5(data::text), 'ADDED' from input
                on conflict (connection_id, model, external_id) do update set
                    data = excluded.data, data_hash = excluded.data_hash, deleted_at = null, pruned_at = null,
                    updated_at = case when ${RESTORING} then ferry_records.updated_at else now() end,
                    last_action = case when ${RESTORING} then ferry_records.last_action else 'UPDATED' end
                where ferry_records.data is distinct from excluded.data or ferry_records.deleted_at is not null
                returning external_id, (xmax = 0) as inserted)
             select count(*) filter (where inserted) as added, count(*) filter (where not inserted and external_id not in (select id from restored)) as updated,
                    (select json_agg(i.id) from input i where i.id in (select id from restored) or not exists (select 1 from written w where w.external_id = i.id)) as unchanged
             from written`,
            [connectionId, model, JSON.stringify(rows)]
        );
        added += count(result?.added);
        updated += count(result?.updated);
        for (const id of result?.unchanged ?? []) unchanged.push(id);
    }
    return { added, updated, unchanged };
}

/**
 * batchUpdate: merges the given fields into records that exist and are not deleted; others are left
 * out. A pruned record merged into is no longer pruned, as in Nango (its payload is what was merged).
 */
export async function updateRecords(db: Queryable, connectionId: number, model: string, records: Record<string, unknown>[]): Promise<number> {
    let updated = 0;
    for (const part of chunks([...byId(records)])) {
        const rows = part.map(([id, record]) => ({ id, data: { ...record, id: record['id'] } }));
        const [result] = await db.query<{ updated: string | number }>(
            `with merged as (
                select r.id, f.data || r.data as data from jsonb_to_recordset($3::jsonb) as r(id text, data jsonb)
                join ferry_records f on f.connection_id = $1 and f.model = $2 and f.external_id = r.id and f.deleted_at is null),
             written as (
                update ferry_records f set data = m.data, data_hash = md5(m.data::text), updated_at = now(), last_action = 'UPDATED', pruned_at = null
                from merged m where f.connection_id = $1 and f.model = $2 and f.external_id = m.id and f.data is distinct from m.data
                returning 1)
             select count(*) as updated from written`,
            [connectionId, model, JSON.stringify(rows)]
        );
        updated += count(result?.updated);
    }
    return updated;
}

/** batchDelete: marks the records deleted (kept, with deleted_at); already deleted ones are not counted again. */
export async function deleteRecords(db: Queryable, connectionId: number, model: string, ids: string[]): Promise<number> {
    let deleted = 0;
    for (const part of chunks([...new Set(ids.map((id) => id.replaceAll('\u0000', '')))])) {
        const [result] = await db.query<{ deleted: string | number }>(
            `with written as (
                update ferry_records set deleted_at = now(), updated_at = now(), last_action = 'DELETED'
                where connection_id = $1 and model = $2 and deleted_at is null and external_id in (select jsonb_array_elements_text($3::jsonb))
                returning 1)
             select count(*) as deleted from written`,
            [connectionId, model, JSON.stringify(part)]
        );
        deleted += count(result?.deleted);
    }
    return deleted;
}

/**
 * trackDeletesEnd: marks deleted the model's records not written since the tracking started and
 * not among `kept` (ids saved meanwhile whose record was unchanged, so not rewritten). Returns their ids.
 */
export async function deleteUnseen(db: Queryable, connectionId: number, model: string, since: Date, kept: Iterable<string>): Promise<string[]> {
    const rows = await db.query<{ external_id: string }>(
        `update ferry_records set deleted_at = now(), updated_at = now(), last_action = 'DELETED'
         where connection_id = $1 and model = $2 and deleted_at is null and updated_at < $3
           and external_id not in (select jsonb_array_elements_text($4::jsonb))
         returning external_id`,
        [connectionId, model, since, JSON.stringify([...kept])]
    );
    return rows.map((row) => row.external_id);
}

/** A full resync with emptyCache: the connection's records of these models are removed for good. */
export async function clearRecords(db: Queryable, connectionId: number, models: string[]): Promise<void> {
    await db.query('delete from ferry_records where connection_id = $1 and model in (select jsonb_array_elements_text($2::jsonb))', [connectionId, JSON.stringify(models)]);
}

/** Records per model (deleted ones left out), for GET /sync/status. */
export async function countRecords(db: Queryable, connectionId: number): Promise<Map<string, number>> {
    const rows = await db.query<{ model: string; count: string | number }>('select model, count(*) as count from ferry_records where connection_id = $1 and deleted_at is null group by model', [connectionId]);
    return new Map(rows.map((row) => [row.model, Number(row.count)]));
}

interface ListOptions {
    connectionId: number;
    model: string;
    limit: number;
    cursor?: { sort: string; id: string } | undefined;
    modifiedAfter?: string | undefined;
    filter?: RecordFilter[] | undefined;
    ids?: string[] | undefined;
}

interface Row {
    external_id: string;
    data: Record<string, unknown>;
    first_seen_at: string;
    last_modified_at: string;
    deleted_at: string | null;
    pruned_at: string | null;
    last_action: RecordFilter;
}

function encodeCursor(sort: string, id: string): string {
    return Buffer.from(`${sort}||${id}`).toString('base64');
}

export function decodeCursor(cursor: string): { sort: string; id: string } | undefined {
    const parts = Buffer.from(cursor, 'base64').toString('utf8').split('||');
    if (parts.length !== 2 || Number.isNaN(Date.parse(parts[0]!))) return undefined;
    return { sort: parts[0]!, id: parts[1]! };
}

export async function listRecords(db: Queryable, options: ListOptions): Promise<{ records: Record<string, unknown>[]; next_cursor: string | null }> {
    const params: (string | number)[] = [options.connectionId, options.model];
    const where = ['connection_id = $1', 'model = $2'];
    const param = (value: string | number): string => {
        params.push(value);
        return `$${params.length}`;
    };
    if (options.cursor) where.push(`(updated_at, external_id) > (${param(options.cursor.sort)}::timestamptz, ${param(options.cursor.id)})`);
    if (options.modifiedAfter) where.push(`updated_at >= ${param(options.modifiedAfter)}::timestamptz`);
    if (options.ids?.length) where.push(`external_id in (${options.ids.map((id) => param(id.replaceAll('\u0000', ''))).join(', ')})`);
    const filter = new Set(options.filter ?? []);
    if (filter.size > 0 && filter.size < 3) {
        const parts: string[] = [];
        if (filter.has('ADDED')) parts.push('(deleted_at is null and first_seen_at = updated_at)');
        if (filter.has('UPDATED')) parts.push('(deleted_at is null and first_seen_at <> updated_at)');
        if (filter.has('DELETED')) parts.push('(deleted_at is not null)');
        where.push(`(${parts.join(' or ')})`);
    }
    const rows = await db.query<Row>(
        `select external_id, data, to_json(first_seen_at) as first_seen_at, to_json(updated_at) as last_modified_at, to_json(deleted_at) as deleted_at, to_json(pruned_at) as pruned_at,
                case when deleted_at is not null then 'DELETED' when first_seen_at = updated_at then 'ADDED' else 'UPDATED' end as last_action
         from ferry_records where ${where.join(' and ')}
         order by updated_at, external_id limit ${param(options.limit + 1)}`,
        params
    );
    const more = rows.length > options.limit;
    if (more) rows.pop();
    const records = rows.map((row) => ({
        ...row.data,
        id: row.external_id,
        _nango_metadata: {
            first_seen_at: row.first_seen_at,
            last_modified_at: row.last_modified_at,
            last_action: row.last_action,
            deleted_at: row.deleted_at,
            pruned_at: row.pruned_at,
            cursor: encodeCursor(row.last_modified_at, row.external_id)
        }
    }));
    const last = rows.at(-1);
    return { records, next_cursor: more && last ? encodeCursor(last.last_modified_at, last.external_id) : null };
}

/**
 * Nango's prune: empties the payload of a model's records up to and including the cursor's, oldest
 * first, at most `limit`; their metadata and cursor stay (last_modified_at is not touched) and they
 * still count. Returns how many, and the cursor of the last one pruned.
 */
export async function pruneRecords(db: Queryable, connectionId: number, model: string, until: { sort: string; id: string }, limit: number): Promise<{ count: number; lastCursor: string | null }> {
    const [row] = await db.query<{ count: string | number; external_id: string; last_modified_at: string }>(
        `with target as (
            select external_id from ferry_records
            where connection_id = $1 and model = $2 and pruned_at is null and (updated_at, external_id) <= ($3::timestamptz, $4)
            order by updated_at, external_id limit $5),
         pruned as (
            update ferry_records f set data = '{}'::jsonb, pruned_at = now()
            from target t where f.connection_id = $1 and f.model = $2 and f.external_id = t.external_id
            returning f.external_id, f.updated_at)
         select count(*) over () as count, external_id, to_json(updated_at) as last_modified_at
         from pruned order by updated_at desc, external_id desc limit 1`,
        [connectionId, model, until.sort, until.id, limit]
    );
    return row ? { count: Number(row.count), lastCursor: encodeCursor(row.last_modified_at, row.external_id) } : { count: 0, lastCursor: null };
}
