/**
 * The `nango` object a function's exec receives (reference §3), built inside the worker. Provider
 * calls, record batches and backend reads go to the main thread through `host.call` (where the
 * transport, retries, record sink and backend live); logs, validation issues and would-be writes
 * are one-way messages. A dry run is dry: metadata writes, triggerAction and deletion tracking
 * are only reported. Values handed to user code are made in the function's own realm.
 */
import { isVoid } from '../compiler/zod-introspect.js';
import { mergePagination, paginatePages, resolveBaseUrl } from './paginate.js';
import type { CallRequest, JobNotice, JobSpec, ProxyReply, WireBody } from './protocol.js';
import type { HttpMethod, LogLevel, ProxyRequest, RecordOperation, ValidationIssue } from './types.js';
import { checkValue, describeIssue, partialOf, passHint } from './validation.js';

/** Constructors of the function's vm context: values made with these pass `instanceof` there. */
export interface Realm {
    JSON: JSON;
    Error: ErrorConstructor;
    Date: DateConstructor;
    Map: MapConstructor;
    ActionError: new (payload: unknown) => Error;
}

export interface WorkerHost {
    call(call: CallRequest): Promise<unknown>;
    post(message: JobNotice): void;
}

/** The parts of a definition the object needs. */
export interface DefinitionLike {
    models?: Record<string, unknown>;
    metadata?: unknown;
    checkpoint?: unknown;
}

/** Errors the runtime made, so the run can tell them from the function's own. */
export const httpErrors = new WeakSet<object>();
export const validationErrors = new WeakSet<object>();

export interface NangoState {
    checkpointJson: string;
    metadataJson: string;
    /** JSON of the first getMetadata answer. */
    firstMetadataJson?: string;
    issues: number;
    issuesDropped: number;
    firstIssue?: string;
}

const METHODS = new Set<HttpMethod>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
const LEVELS = new Set<LogLevel>(['debug', 'info', 'warn', 'error']);

export function toRealm<T>(realm: Realm, value: unknown): T {
    return (value === undefined ? undefined : realm.JSON.parse(JSON.stringify(value))) as T;
}

export function formatLogArg(arg: unknown): string {
    if (typeof arg === 'string') return arg;
    if (arg && typeof arg === 'object' && 'message' in arg && 'stack' in arg) {
        const error = arg as Error;
        return `${error.name ?? 'Error'}: ${error.message}`;
    }
    if (arg === undefined || typeof arg === 'function' || typeof arg === 'symbol' || typeof arg === 'bigint') return String(arg);
    try {
        return JSON.stringify(arg) ?? String(arg);
    } catch {
        return String(arg);
    }
}

export function logEntry(level: LogLevel, args: unknown[]): { level: LogLevel; message: string; time: string } {
    return { level, message: args.map(formatLogArg).join(' '), time: new Date().toISOString() };
}

function isPlainData(value: unknown): boolean {
    if (value === null || typeof value !== 'object') return false;
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return false;
    const proto = Object.getPrototypeOf(value);
    return Array.isArray(value) || proto === null || Object.getPrototypeOf(proto) === null;
}

function queryParams(value: string): NonNullable<ProxyRequest['params']> {
    const search = new URLSearchParams(value.startsWith('?') ? value.slice(1) : value);
    const params: NonNullable<ProxyRequest['params']> = {};
    for (const key of new Set(search.keys())) {
        const all = search.getAll(key);
        params[key] = all.length > 1 ? all : all[0]!;
    }
    return params;
}

export interface NangoHandle {
    nango: Record<string, unknown>;
    /** Counts an issue and reports it (up to job.maxIssues); `index` places it in its batch. */
    report(issue: ValidationIssue, index?: number): void;
}

export function createNango(job: JobSpec, definition: DefinitionLike, realm: Realm, host: WorkerHost, state: NangoState): NangoHandle {
    const connection = JSON.parse(job.connectionJson) as Record<string, unknown> & { connection_id: string; provider_config_key: string; provider: string };
    const providerConfigKey = connection.provider_config_key || job.ref.integration;
    const fail = (message: string): Error => new realm.Error(message);
    /** A call to the main thread; its failures reach the function as errors of its own realm. */
    const call = async (request: CallRequest): Promise<unknown> => {
        try {
            return await host.call(request);
        } catch (error) {
            throw fail((error as Error)?.message ?? String(error));
        }
    };
    const backend = (method: Extract<CallRequest, { op: 'backend' }>['method'], args: unknown[]): Promise<unknown> => call({ op: 'backend', method, args });
    const models = definition.models && typeof definition.models === 'object' ? definition.models : undefined;
    const connectionConfig = (connection['connection_config'] ?? undefined) as Record<string, unknown> | undefined;
    const providerBase = resolveBaseUrl(job.provider?.baseUrl, connectionConfig);

    const report = (issue: ValidationIssue, index?: number): void => {
        state.issues++;
        const text = describeIssue(issue, index);
        state.firstIssue ??= text;
        if (state.issues > job.maxIssues) {
            state.issuesDropped++;
            return;
        }
        host.post({ t: 'issue', issue, text });
    };

    const validationFailure = (message: string): Error => {
        const error = fail(message);
        error.name = 'ValidationError';
        validationErrors.add(error);
        return error;
    };

    let logsSinceFlush = 0;
    const log = async (level: LogLevel, args: unknown[]): Promise<void> => {
        host.post({ t: 'log', entry: logEntry(level, args) });
        // Logs are one-way; a function logging in a tight loop waits now and then for the main
        // thread to catch up instead of queueing messages without bound.
        if (++logsSinceFlush >= 500) {
            logsSinceFlush = 0;
            await call({ op: 'flush' });
        }
    };

    function toRequest(config: unknown, method?: HttpMethod, caller = 'proxy'): ProxyRequest {
        if (!config || typeof config !== 'object') throw fail(`nango.${caller}(config): config must be an object with an endpoint`);
        const c = config as Record<string, unknown>;
        if (typeof c['endpoint'] !== 'string' || c['endpoint'] === '') throw fail(`nango.${caller}(config): 'endpoint' must be the provider path, e.g. '/repos/owner/name/issues'`);
        const verb = String(method ?? c['method'] ?? 'GET').toUpperCase() as HttpMethod;
        if (!METHODS.has(verb)) throw fail(`nango.${caller}(config): unknown method '${String(c['method'])}'`);
        const request: ProxyRequest = { method: verb, endpoint: c['endpoint'] };
        const rawParams = c['params'];
        if (typeof rawParams === 'string') request.params = queryParams(rawParams);
        else if (rawParams && typeof rawParams === 'object') {
            const params: NonNullable<ProxyRequest['params']> = {};
            for (const [key, value] of Object.entries(rawParams)) {
                if (value === undefined || value === null) continue;
                params[key] = Array.isArray(value) ? value.map((v) => (typeof v === 'number' ? v : String(v))) : typeof value === 'number' || typeof value === 'boolean' ? value : String(value);
            }
            request.params = params;
        }
        if (c['headers'] && typeof c['headers'] === 'object') {
            const headers: Record<string, string> = {};
            for (const [key, value] of Object.entries(c['headers'] as Record<string, unknown>)) if (value !== undefined && value !== null) headers[key] = String(value);
            request.headers = headers;
        }
        if (c['data'] !== undefined) request.data = isPlainData(c['data']) ? JSON.parse(JSON.stringify(c['data'])) : ArrayBuffer.isView(c['data']) ? Buffer.from(c['data'] as Uint8Array) : c['data'];
        if (typeof c['baseUrlOverride'] === 'string') request.baseUrlOverride = c['baseUrlOverride'];
        if (c['retries'] !== undefined) request.retries = Number(c['retries']);
        if (Array.isArray(c['retryOn'])) request.retryOn = c['retryOn'].map(Number);
        if (typeof c['decompress'] === 'boolean') request.decompress = c['decompress'];
        if (typeof c['responseType'] === 'string') request.responseType = c['responseType'] as ProxyRequest['responseType'];
        if (typeof c['providerConfigKey'] === 'string') request.providerConfigKey = c['providerConfigKey'];
        if (typeof c['connectionId'] === 'string') request.connectionId = c['connectionId'];
        return request;
    }

    function decodeBody(body: WireBody): unknown {
        if ('json' in body) return realm.JSON.parse(body.json);
        if ('raw' in body) return ArrayBuffer.isView(body.raw) ? Buffer.from((body.raw as Uint8Array).buffer, (body.raw as Uint8Array).byteOffset, (body.raw as Uint8Array).byteLength) : body.raw;
        return '';
    }

    async function send(request: ProxyRequest): Promise<{ status: number; headers: Record<string, string>; data: unknown }> {
        const reply = (await call({ op: 'proxy', request })) as ProxyReply;
        const { status, headers } = reply.response;
        const response = toRealm<{ status: number; headers: Record<string, string>; data: unknown; statusText?: string }>(realm, { status, headers });
        response.data = decodeBody(reply.response.body);
        if (status >= 200 && status < 300) return response;
        // Shaped like an axios error, which is what function code written for Nango checks.
        const error = fail(`Request failed with status code ${status}: ${request.method} ${request.endpoint}`) as Error & Record<string, unknown>;
        error.name = 'AxiosError';
        error['code'] = status >= 500 ? 'ERR_BAD_RESPONSE' : 'ERR_BAD_REQUEST';
        error['status'] = status;
        error['isAxiosError'] = true;
        error['response'] = response;
        error['config'] = toRealm(realm, { method: request.method.toLowerCase(), url: request.endpoint, params: request.params, headers: request.headers });
        httpErrors.add(error);
        throw error;
    }

    async function writeRecords(op: RecordOperation, records: unknown, model: unknown): Promise<boolean> {
        const caller = op === 'save' ? 'batchSave' : op === 'update' ? 'batchUpdate' : 'batchDelete';
        if (!Array.isArray(records)) throw fail(`nango.${caller}(records, model): records must be an array`);
        if (typeof model !== 'string' || model === '') throw fail(`nango.${caller}(records, model): model must be a model name`);
        if (models && !Object.prototype.hasOwnProperty.call(models, model)) {
            throw fail(`nango.${caller}: unknown model '${model}'; this sync declares ${Object.keys(models).join(', ') || 'no models'}`);
        }
        if (records.length === 0) return true;
        const schema = op === 'save' ? models?.[model] : op === 'update' ? partialOf(models?.[model]) : undefined;
        const good: unknown[] = [];
        let fatal: string | undefined;
        records.forEach((record: unknown, index: number) => {
            const id = record && typeof record === 'object' ? (record as Record<string, unknown>)['id'] : undefined;
            const issues: ValidationIssue[] = [];
            if (id === undefined || id === null || id === '') issues.push({ subject: caller, model, path: 'id', message: 'every record needs an id' });
            else if (schema) issues.push(...checkValue(schema, record, { subject: caller, model, recordId: String(id) }));
            for (const issue of issues) {
                report(issue, index);
                fatal ??= describeIssue(issue, index);
            }
            const usable = id !== undefined && id !== null && id !== '';
            if (usable && (issues.length === 0 || !job.validate)) good.push(record);
        });
        if (job.validate && fatal) throw validationFailure(`${fatal} (--validate makes this fatal)`);
        if (good.length === 0) return true;
        let json: string;
        try {
            json = JSON.stringify(good);
        } catch (error) {
            throw fail(`nango.${caller}: records of ${model} cannot be serialized as JSON: ${(error as Error).message}`);
        }
        await call({ op: 'records', model, operation: op, json, count: good.length });
        return true;
    }


    // What the connection (or --metadata) gives is checked once, when the function first reads
    // it: a sync written for { owner, repo } run on a connection without metadata otherwise only
    // fails inside the function, on `null`, with nothing saying what was missing. Metadata the
    // function wrote itself was checked as it was written.
    let metadataChecked = false;
    const validateMetadata = (value: unknown, partial: boolean): void => {
        metadataChecked = true;
        const schema = partial ? partialOf(definition.metadata) : definition.metadata;
        for (const issue of checkValue(schema, value, { subject: 'metadata' })) report(issue);
    };
    const checkStartingMetadata = (): void => {
        // A z.void() metadata schema declares none: null is what it means, not a problem.
        if (metadataChecked || isVoid(definition.metadata)) return;
        metadataChecked = true;
        const value: unknown = JSON.parse(state.metadataJson);
        const issues = checkValue(definition.metadata, value, { subject: 'metadata' });
        if (issues.length === 0) return;
        const hint = `${value === null || value === undefined ? 'the connection has no metadata; ' : ''}${passHint('metadata', definition.metadata)}`;
        issues[0] = { ...issues[0]!, hint };
        for (const issue of issues) report(issue);
        if (job.validate) throw validationFailure(`${describeIssue(issues[0]!)} (--validate makes this fatal)`);
    };

    const proxy = (config: unknown) => send(toRequest(config));
    const withMethod = (method: HttpMethod) => (config: unknown) => send(toRequest(config, method, method.toLowerCase()));

    const nango: Record<string, unknown> = {
        connectionId: connection.connection_id,
        providerConfigKey,
        provider: connection.provider,
        variant: job.variant,
        lastSyncDate: job.lastSyncDate === undefined ? undefined : new realm.Date(job.lastSyncDate),
        ActionError: realm.ActionError,

        proxy,
        get: withMethod('GET'),
        post: withMethod('POST'),
        put: withMethod('PUT'),
        patch: withMethod('PATCH'),
        delete: withMethod('DELETE'),
        paginate(config: unknown): AsyncGenerator<unknown[], undefined, void> {
            const request = toRequest(config, undefined, 'paginate');
            const own = (config as Record<string, unknown>)['paginate'];
            const merged = mergePagination(job.provider?.paginate, own && typeof own === 'object' ? (own as Record<string, unknown>) : undefined);
            const pages = paginatePages(request, merged, send, [request.baseUrlOverride, providerBase]);
            // Errors from the pager are made in the function's realm, like every other error it sees.
            return (async function* () {
                try {
                    return yield* pages;
                } catch (error) {
                    if (error && typeof error === 'object' && (error as Error).name === 'PaginateError') throw fail((error as Error).message);
                    throw error;
                }
            })();
        },

        async getConnection(providerConfigKeyOverride?: string, connectionIdOverride?: string) {
            if ((providerConfigKeyOverride && providerConfigKeyOverride !== providerConfigKey) || (connectionIdOverride && connectionIdOverride !== connection.connection_id)) {
                throw fail(`nango.getConnection: only this run's connection (${providerConfigKey} / ${connection.connection_id}) is available here`);
            }
            return toRealm(realm, connection);
        },
        async getToken() {
            return toRealm(realm, await backend('getToken', []));
        },
        async getIntegration() {
            return toRealm(realm, job.integrationJson ? JSON.parse(job.integrationJson) : { unique_key: providerConfigKey, provider: connection.provider });
        },
        async getWebhookURL() {
            const integration = job.integrationJson ? (JSON.parse(job.integrationJson) as Record<string, unknown>) : {};
            return (integration['webhook_url'] as string | undefined) ?? null;
        },

        async getMetadata() {
            state.firstMetadataJson ??= state.metadataJson;
            checkStartingMetadata();
            return realm.JSON.parse(state.metadataJson);
        },
        async setMetadata(metadata: unknown) {
            validateMetadata(metadata, false);
            const json = JSON.stringify(metadata ?? null);
            host.post({ t: 'write', write: { kind: 'setMetadata', args: JSON.parse(json) } });
            state.metadataJson = json;
        },
        async updateMetadata(metadata: unknown) {
            validateMetadata(metadata, true);
            const json = JSON.stringify(metadata ?? null);
            host.post({ t: 'write', write: { kind: 'updateMetadata', args: JSON.parse(json) } });
            const current = JSON.parse(state.metadataJson) as Record<string, unknown> | null;
            state.metadataJson = JSON.stringify({ ...current, ...(JSON.parse(json) as Record<string, unknown> | null) });
        },

        async getCheckpoint() {
            return realm.JSON.parse(state.checkpointJson);
        },
        async saveCheckpoint(checkpoint: unknown) {
            if (!checkpoint || typeof checkpoint !== 'object' || Array.isArray(checkpoint)) throw fail('nango.saveCheckpoint(checkpoint): the checkpoint must be an object');
            for (const issue of checkValue(definition.checkpoint, checkpoint, { subject: 'checkpoint' })) report(issue);
            state.checkpointJson = JSON.stringify(checkpoint);
        },
        async clearCheckpoint() {
            state.checkpointJson = 'null';
        },

        async log(...args: unknown[]) {
            const last = args[args.length - 1];
            let level: LogLevel = 'info';
            if (args.length > 1 && last && typeof last === 'object' && !Array.isArray(last)) {
                const keys = Object.keys(last);
                const asked = (last as Record<string, unknown>)['level'];
                if (keys.length === 1 && keys[0] === 'level' && LEVELS.has(asked as LogLevel)) {
                    level = asked as LogLevel;
                    args = args.slice(0, -1);
                }
            }
            await log(level, args);
        },

        async getEnvironmentVariables() {
            return toRealm(realm, await backend('getEnvironmentVariables', []));
        },
        async triggerAction(targetKey: string, targetConnection: string, actionName: string, input?: unknown) {
            host.post({ t: 'write', write: { kind: 'triggerAction', args: JSON.parse(JSON.stringify({ providerConfigKey: targetKey, connectionId: targetConnection, action: actionName, input: input ?? null })) } });
            return undefined;
        },

        batchSave: (records: unknown, model: unknown) => writeRecords('save', records, model),
        batchUpdate: (records: unknown, model: unknown) => writeRecords('update', records, model),
        batchDelete: (records: unknown, model: unknown) => writeRecords('delete', records, model),
        async getRecordsByIds(ids: unknown, model: string) {
            if (!Array.isArray(ids)) throw fail('nango.getRecordsByIds(ids, model): ids must be an array');
            const records = (await backend('getRecordsByIds', [model, ids, job.variant])) as Record<string, unknown>[];
            const map = new realm.Map();
            for (const record of toRealm<Record<string, unknown>[]>(realm, records ?? [])) map.set(record['id'], record);
            return map;
        },
        async listRecords(model: string, options?: { cursor?: string | null; limit?: number }) {
            return toRealm(realm, await backend('listRecords', [model, { ...options, variant: job.variant }]));
        },
        async trackDeletesStart(model: string) {
            void model;
        },
        async trackDeletesEnd(model: string) {
            host.post({ t: 'write', write: { kind: 'trackDeletes', args: { model: String(model) } } });
        },
        async deleteRecordsFromPreviousExecutions(model: string) {
            host.post({ t: 'write', write: { kind: 'trackDeletes', args: { model: String(model) } } });
        },
        async setMergingStrategy() {
            // Merging only matters to the platform's records cache, which a dry run never writes.
        }
    };
    return { nango, report };
}
