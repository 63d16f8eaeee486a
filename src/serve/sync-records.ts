/**
 * Where a sync run's records go: each batchSave / batchUpdate / batchDelete is written in one
 * transaction before the function's call returns, so a server killed mid-run keeps every batch
 * the function saw succeed and none half-written. Counts what really changed per model (an
 * unchanged record is not counted, as Nango), and, for trackDeletesEnd, the ids saved unchanged (the
 * records written carry the run's time already): a first load of a million records keeps no list of them.
 */
import type { RecordOperation, RecordSink, RunResult } from '../runtime/run-types.js';
import { deleteRecords, deleteUnseen, modelKey, saveRecords, updateRecords } from './records-store.js';
import type { ModelResult } from './runs-store.js';
import type { Storage } from './storage.js';

interface SyncSink {
    sink: RecordSink;
    /**
     * trackDeletesStart notes when (and forgets the ids written so far); trackDeletesEnd marks deleted
     * the model's records neither written since nor saved unchanged since, and returns their ids.
     */
    trackDeletes(model: string, phase: 'start' | 'end'): Promise<string[] | undefined>;
    /** After the run: the changes per model. */
    settle(result: RunResult): Promise<Record<string, ModelResult>>;
}

export function createSyncSink(db: Storage, connectionRef: number, variant: string, startedAt: Date): SyncSink {
    const results = new Map<string, ModelResult>();
    const kept = new Map<string, Set<string>>();
    const entry = (model: string): ModelResult => {
        let found = results.get(model);
        if (!found) results.set(model, (found = { added: 0, updated: 0, deleted: 0 }));
        return found;
    };
    const sink: RecordSink = {
        write() {
            throw new Error('records are written by batch');
        },
        async writeBatch(model: string, operation: RecordOperation, records: Record<string, unknown>[]) {
            const key = modelKey(model, variant);
            const counts = entry(model);
            const seen = await db.transaction(async (tx): Promise<Iterable<string>> => {
                if (operation === 'save') {
                    const { added, updated, unchanged } = await saveRecords(tx, connectionRef, key, records);
                    counts.added += added;
                    counts.updated += updated;
                    return unchanged;
                }
                if (operation === 'update') {
                    counts.updated += await updateRecords(tx, connectionRef, key, records);
                    return records.map((record) => String(record['id']));
                }
                counts.deleted += await deleteRecords(tx, connectionRef, key, records.map((record) => String(record['id'])));
                return [];
            });
            let ids = kept.get(model);
            if (!ids) kept.set(model, (ids = new Set()));
            for (const id of seen) ids.add(id);
        }
    };
    const tracking = new Map<string, Date>();
    return {
        sink,
        async trackDeletes(model, phase) {
            if (phase === 'start') {
                tracking.set(model, new Date());
                kept.delete(model);
                return undefined;
            }
            // Without trackDeletesStart (deleteRecordsFromPreviousExecutions), from the run's start.
            const since = tracking.get(model) ?? startedAt;
            tracking.delete(model);
            const gone = await db.transaction((tx) => deleteUnseen(tx, connectionRef, modelKey(model, variant), since, kept.get(model) ?? []));
            entry(model).deleted += gone.length;
            return gone;
        },
        async settle(result) {
            for (const model of Object.keys(result.records)) entry(model);
            return Object.fromEntries(results);
        }
    };
}
