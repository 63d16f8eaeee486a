/**
 * Record batches as they arrive from the worker: counted per model, the first N kept for display,
 * streamed to the sink one by one (awaiting it, so a slow `--out` file slows the function instead
 * of filling memory), and, only with keepRecords, kept de-duplicated by id (last write wins,
 * first-seen order). Runs in the main thread.
 */
import type { ModelRecords } from './types.js';
import type { RecordOperation, RecordSink } from './run-types.js';

interface RecordCollector {
    add(model: string, operation: RecordOperation, json: string): Promise<void>;
    /** Makes sure a declared model appears even when nothing was written to it. */
    declare(model: string): void;
    counts(): Record<string, ModelRecords>;
    kept(): { saved: Record<string, unknown[]>; updated: Record<string, unknown[]>; deleted: Record<string, unknown[]> } | undefined;
}

const FIELD: Record<RecordOperation, 'saved' | 'updated' | 'deleted'> = { save: 'saved', update: 'updated', delete: 'deleted' };

export function createRecordCollector(options: { sink?: RecordSink; keepRecords?: boolean; firstN?: number }): RecordCollector {
    const firstN = options.firstN ?? 10;
    const models = new Map<string, ModelRecords>();
    const keep = options.keepRecords ? { saved: new Map<string, Map<string, unknown>>(), updated: new Map<string, Map<string, unknown>>(), deleted: new Map<string, Map<string, unknown>>() } : undefined;
    const entry = (model: string): ModelRecords => {
        let found = models.get(model);
        if (!found) {
            found = { saved: 0, updated: 0, deleted: 0, first: [] };
            models.set(model, found);
        }
        return found;
    };
    return {
        declare(model) {
            entry(model);
        },
        async add(model, operation, json) {
            const records = JSON.parse(json) as Record<string, unknown>[];
            const counts = entry(model);
            const field = FIELD[operation];
            counts[field] += records.length;
            if (operation === 'save') {
                for (const record of records) {
                    if (counts.first.length >= firstN) break;
                    counts.first.push(record);
                }
            }
            if (keep) {
                const byModel = keep[field];
                let byId = byModel.get(model);
                if (!byId) byModel.set(model, (byId = new Map()));
                for (const record of records) byId.set(String(record['id']), record);
            }
            const sink = options.sink;
            if (sink?.writeBatch) await sink.writeBatch(model, operation, records);
            else if (sink) {
                for (const record of records) {
                    const pending = sink.write({ model, op: operation, record });
                    if (pending) await pending;
                }
            }
        },
        counts() {
            return Object.fromEntries(models);
        },
        kept() {
            if (!keep) return undefined;
            const out = (byModel: Map<string, Map<string, unknown>>): Record<string, unknown[]> =>
                Object.fromEntries([...models.keys()].map((model) => [model, [...(byModel.get(model)?.values() ?? [])]]));
            return { saved: out(keep.saved), updated: out(keep.updated), deleted: out(keep.deleted) };
        }
    };
}
