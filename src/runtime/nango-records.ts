/**
 * The `nango` members of a sync's records: batchSave / batchUpdate / batchDelete (checked against
 * the models, sent to the main thread's record collector), the records cache (getRecordsByIds,
 * listRecords: live the platform's, in replay what the run saved), deletion tracking (reported,
 * never applied) and Nango's record helpers (validateRecords, removeMetadata, modelFullName).
 */
import type { NangoContext } from './nango-context.js';
import { toRealm } from './nango-context.js';
import type { RecordOperation, ValidationIssue } from './run-types.js';
import { checkValue, describeIssue, partialOf } from './validation.js';

const BASE_VARIANT = 'base';
const CALLER: Record<RecordOperation, string> = { save: 'batchSave', update: 'batchUpdate', delete: 'batchDelete' };

/** Drops the cache's bookkeeping from records read back, in place, as Nango does before saving them again. */
function removeMetadata<T>(results: T): T {
    if (!Array.isArray(results)) return results;
    for (const result of results) {
        if (result && typeof result === 'object' && '_nango_metadata' in result) delete (result as Record<string, unknown>)['_nango_metadata'];
    }
    return results;
}

/** The last record of each id, in the order of those last occurrences (Nango's batchSave). */
function lastOfEachId(ctx: NangoContext, records: unknown[]): unknown[] {
    const seen = new Set<unknown>();
    const kept: unknown[] = [];
    const duplicates: string[] = [];
    for (let i = records.length - 1; i >= 0; i--) {
        const id = (records[i] as Record<string, unknown> | null)?.['id'];
        if (id !== undefined && seen.has(id)) {
            duplicates.push(String(id));
            continue;
        }
        seen.add(id);
        kept.push(records[i]);
    }
    if (duplicates.length === 0) return records;
    const ids = duplicates.slice(0, 5).join(', ') + (duplicates.length > 5 ? ', ...' : '');
    ctx.host.post({ t: 'log', entry: { level: 'warn', message: `batchSave detected duplicate records for ID: ${ids}. Keeping the last occurrence.`, time: new Date().toISOString() } });
    return kept.reverse();
}

async function writeRecords(ctx: NangoContext, op: RecordOperation, input: unknown, model: unknown): Promise<boolean> {
    const caller = CALLER[op];
    const models = ctx.definition.models && typeof ctx.definition.models === 'object' ? ctx.definition.models : undefined;
    if (!Array.isArray(input)) throw ctx.fail(`nango.${caller}(records, model): records must be an array`);
    if (typeof model !== 'string' || model === '') throw ctx.fail(`nango.${caller}(records, model): model must be a model name`);
    if (models && !Object.prototype.hasOwnProperty.call(models, model)) {
        throw ctx.fail(`nango.${caller}: unknown model '${model}'; this sync declares ${Object.keys(models).join(', ') || 'no models'}`);
    }
    if (input.length === 0) return true;
    const records = op === 'save' ? lastOfEachId(ctx, removeMetadata(input)) : removeMetadata(input);
    const schema = op === 'save' ? models?.[model] : op === 'update' ? partialOf(models?.[model]) : undefined;
    const good: unknown[] = [];
    let fatal: string | undefined;
    records.forEach((record: unknown, index: number) => {
        const id = record && typeof record === 'object' ? (record as Record<string, unknown>)['id'] : undefined;
        const issues: ValidationIssue[] = [];
        if (id === undefined || id === null || id === '') issues.push({ subject: caller as ValidationIssue['subject'], model, path: 'id', message: 'every record needs an id' });
        else if (schema) issues.push(...checkValue(schema, record, { subject: caller as ValidationIssue['subject'], model, recordId: String(id) }));
        for (const issue of issues) {
            ctx.report(issue, index);
            fatal ??= describeIssue(issue, index);
        }
        const usable = id !== undefined && id !== null && id !== '';
        if (usable && (issues.length === 0 || !ctx.job.validate)) good.push(record);
    });
    if (ctx.job.validate && fatal) throw ctx.validationFailure(`${fatal} (--validate makes this fatal)`);
    if (good.length === 0) return true;
    let json: string;
    try {
        json = JSON.stringify(good);
    } catch (error) {
        throw ctx.fail(`nango.${caller}: records of ${model} cannot be serialized as JSON: ${(error as Error).message}`);
    }
    await ctx.call({ op: 'records', model, operation: op, json, count: good.length });
    return true;
}

/** Nango's validateRecords: the records failing the model's schema, each with its errors. */
function validateRecords(ctx: NangoContext, model: string, records: unknown): unknown[] {
    const schema = ctx.definition.models?.[model];
    const failed = toRealm<unknown[]>(ctx.realm, []);
    if (!Array.isArray(records)) return failed;
    for (const record of records) {
        const issues = checkValue(schema, JSON.parse(JSON.stringify(record ?? null)), { subject: 'batchSave', model });
        if (issues.length === 0) continue;
        const validation = issues.map((issue) => ({ instancePath: issue.path ? `/${issue.path.split('.').join('/')}` : '', keyword: 'schema', params: {}, schemaPath: '', message: issue.message }));
        const entry = toRealm<Record<string, unknown>>(ctx.realm, { validation });
        entry['data'] = record;
        failed.push(entry);
        // Nango stops at the first failure when records are validated strictly.
        if (ctx.job.validate) break;
    }
    return failed;
}

async function* listRecords(ctx: NangoContext, model: string, options?: { cursor?: string | null }): AsyncGenerator<unknown, void, void> {
    let cursor: string | null | undefined = options?.cursor;
    do {
        const page = (await ctx.backend('listRecords', [model, { cursor: cursor ?? null, variant: ctx.job.variant }])) as { records?: unknown[]; next_cursor?: string | null } | null;
        for (const record of page?.records ?? []) yield toRealm(ctx.realm, record);
        cursor = page?.next_cursor;
    } while (cursor);
}

async function getRecordsByIds(ctx: NangoContext, ids: unknown, model: string): Promise<Map<unknown, unknown>> {
    if (!Array.isArray(ids)) throw ctx.fail('nango.getRecordsByIds(ids, model): ids must be an array');
    const map = new ctx.realm.Map();
    if (ids.length === 0) return map;
    // Keys are the ids as the function gave them (a number stays a number), matched as strings.
    const byString = new Map(ids.map((id) => [String(id).replaceAll('\x00', ''), id]));
    const records = (await ctx.backend('getRecordsByIds', [model, [...byString.keys()], ctx.job.variant])) as Record<string, unknown>[] | null;
    for (const record of toRealm<Record<string, unknown>[]>(ctx.realm, records ?? [])) {
        const key = byString.get(String(record['id']));
        if (key !== undefined) map.set(key, record);
    }
    return map;
}

export function recordMembers(ctx: NangoContext): Record<string, unknown> {
    const endTracking = async (model: unknown): Promise<unknown> => {
        ctx.write('trackDeletes', { model: String(model) });
        // A dry run deletes nothing (no keys); ferry serve marks the records deleted now and says which.
        const deleted = (await ctx.call({ op: 'trackDeletes', model: String(model), phase: 'end' })) as string[] | null;
        return toRealm(ctx.realm, { deletedKeys: deleted ?? [] });
    };
    const batchSave = (records: unknown, model: unknown) => writeRecords(ctx, 'save', records, model);
    return {
        batchSave,
        batchUpdate: (records: unknown, model: unknown) => writeRecords(ctx, 'update', records, model),
        batchDelete: (records: unknown, model: unknown) => writeRecords(ctx, 'delete', records, model),
        batchSend: batchSave,
        getRecordsByIds: (ids: unknown, model: string) => getRecordsByIds(ctx, ids, model),
        listRecords: (model: string, options?: { cursor?: string | null }) => listRecords(ctx, model, options),
        async trackDeletesStart(model: unknown) {
            await ctx.call({ op: 'trackDeletes', model: String(model), phase: 'start' });
        },
        trackDeletesEnd: endTracking,
        deleteRecordsFromPreviousExecutions: endTracking,
        async setMergingStrategy() {
            // Merging only matters to the platform's records cache, which a dry run never writes.
        },
        validateRecords: (model: string, records: unknown) => validateRecords(ctx, model, records),
        removeMetadata,
        modelFullName: (model: string) => (ctx.job.variant === BASE_VARIANT ? model : `${model}::${ctx.job.variant}`)
    };
}
