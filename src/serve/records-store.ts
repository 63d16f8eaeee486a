/**
 * Records of a connection's models, with Nango's semantics: the key is (connection, model, id), an
 * id seen twice in one batch keeps its first record, a record whose JSON is unchanged is not
 * rewritten (its last_modified_at stays), a delete is soft (deleted_at). Reads page by
 * (updated_at, id) with a cursor that holds the last row's exact timestamp, so paging through a
 * table that changes meanwhile neither skips nor repeats a record. Model variants are stored as
 * `model::variant`.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from './storage.js';

export type RecordFilter = 'ADDED' | 'UPDATED' | 'DELETED';

export function modelKey(model: string, variant?: string): string {
    return variant && variant !== 'base' ? `${model}::${variant}` : model;
}

/** Saves one batch in the caller's transaction; returns how many were added and updated. */
export async function saveRecords(db: Queryable, connectionId: number, model: string, records: Record<string, unknown>[]): Promise<{ added: number; updated: number }> {
    const seen = new Set<string>();
    let added = 0;
    let updated = 0;
    for (const record of records) {
        const id = String(record['id']);
        if (seen.has(id)) continue;
        seen.add(id);
        const json = JSON.stringify(record);
        const hash = createHash('sha256').update(json).digest('hex');
        const rows = await db.query<{ inserted: boolean }>(
            `insert into ferry_records (connection_id, model, external_id, data, data_hash, last_action)
             values ($1, $2, $3, $4::jsonb, $5, 'ADDED')
             on conflict (connection_id, model, external_id) do update set
                data = excluded.data, data_hash = excluded.data_hash, updated_at = now(), deleted_at = null, last_action = 'UPDATED'
             where ferry_records.data_hash is distinct from excluded.data_hash or ferry_records.deleted_at is not null
             returning (xmax = 0) as inserted`,
            [connectionId, model, id, json, hash]
        );
        if (rows[0]?.inserted) added++;
        else if (rows[0]) updated++;
    }
    return { added, updated };
}

export interface ListOptions {
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
    last_action: RecordFilter;
}

export function encodeCursor(sort: string, id: string): string {
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
        `select external_id, data, to_json(first_seen_at) as first_seen_at, to_json(updated_at) as last_modified_at, to_json(deleted_at) as deleted_at,
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
            pruned_at: null,
            cursor: encodeCursor(row.last_modified_at, row.external_id)
        }
    }));
    const last = rows.at(-1);
    return { records, next_cursor: more && last ? encodeCursor(last.last_modified_at, last.external_id) : null };
}
