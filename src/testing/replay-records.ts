/**
 * The platform side of a replay: what the function reads back outside the proxy. The records
 * cache holds what the run itself saved, updated and deleted (with the `_nango_metadata` the
 * platform adds), so getRecordsByIds and listRecords read back the run's own writes; environment
 * variables and the token come from the fixture when it recorded them.
 */
import type { Fixture } from '../runtime/fixture.js';
import type { RecordEvent, RecordSink, RuntimeBackend } from '../runtime/run-types.js';

interface Stored {
    record: Record<string, unknown>;
    meta: { first_seen_at: string; last_modified_at: string; last_action: 'ADDED' | 'UPDATED' | 'DELETED'; deleted_at: string | null; cursor: string };
}

const PAGE = 100;

/** The records cache of one replay: fed by the run's record writes, read by the backend. */
export function createReplayRecords(now: () => Date = () => new Date()): { sink: RecordSink; backend: Required<Pick<RuntimeBackend, 'listRecords' | 'getRecordsByIds'>> } {
    const models = new Map<string, Map<string, Stored>>();
    let writes = 0;
    const modelOf = (model: string): Map<string, Stored> => {
        let found = models.get(model);
        if (!found) models.set(model, (found = new Map()));
        return found;
    };
    const withMeta = (stored: Stored): unknown => ({ ...stored.record, _nango_metadata: { ...stored.meta } });
    const sink: RecordSink = {
        write({ model, op, record }: RecordEvent) {
            const fields = (record && typeof record === 'object' ? record : {}) as Record<string, unknown>;
            const id = String(fields['id']);
            const byId = modelOf(model);
            const existing = byId.get(id);
            const time = now().toISOString();
            const cursor = String(++writes).padStart(12, '0');
            const meta = { first_seen_at: existing?.meta.first_seen_at ?? time, last_modified_at: time, deleted_at: null, cursor };
            if (op === 'delete') {
                byId.set(id, { record: existing?.record ?? fields, meta: { ...meta, last_action: 'DELETED', deleted_at: time } });
            } else if (op === 'update') {
                byId.set(id, { record: { ...existing?.record, ...fields }, meta: { ...meta, last_action: existing ? 'UPDATED' : 'ADDED' } });
            } else {
                byId.set(id, { record: fields, meta: { ...meta, last_action: existing && existing.meta.last_action !== 'DELETED' ? 'UPDATED' : 'ADDED' } });
            }
        }
    };
    return {
        sink,
        backend: {
            async listRecords(model, options) {
                const all = [...(models.get(model)?.values() ?? [])];
                const start = options?.cursor ? Number(options.cursor) : 0;
                const limit = options?.limit && options.limit > 0 ? options.limit : PAGE;
                const page = all.slice(start, start + limit);
                return { records: page.map(withMeta), next_cursor: start + limit < all.length ? String(start + limit) : null };
            },
            async getRecordsByIds(model, ids) {
                const byId = models.get(model);
                return ids.flatMap((id) => {
                    const stored = byId?.get(String(id));
                    return stored ? [withMeta(stored)] : [];
                });
            }
        }
    };
}

/** The replay's backend: the run's records cache, and what the fixture recorded of the platform. */
export function replayBackend(fixture: Fixture, records: ReturnType<typeof createReplayRecords>): RuntimeBackend {
    const variables = fixture.nango?.['getEnvironmentVariables'];
    const token = fixture.nango?.['getToken'];
    return {
        ...records.backend,
        ...(Array.isArray(variables) ? { getEnvironmentVariables: async () => variables as { name: string; value: string }[] } : {}),
        ...(typeof token === 'string' || (token && typeof token === 'object') ? { getToken: async () => token as string | Record<string, unknown> } : {})
    };
}
