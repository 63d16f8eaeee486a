/**
 * Validating evaluated definitions. Every problem is collected (never stop at the first) and each
 * names the file, the function, what is wrong and how to fix it. Per-function checks need the live
 * definition; project checks (unique names, models, endpoints) work on summaries, so cached
 * functions take part without being evaluated again.
 */
import { readFileSync } from 'node:fs';
import type { FunctionRef } from '../project/types.js';
import { FOLDER_OF } from '../project/types.js';
import { formatDuration, parseDuration } from '../util/duration.js';
import { ON_EVENT_NAMES, type CompileDiagnostic, type Endpoint, type FunctionSummary } from './types.js';
import { isVoid, isZodSchema, objectShape, unwrap, zodType } from './zod-introspect.js';

export const MIN_FREQUENCY_MS = 30_000;
export const MAX_FREQUENCY_MS = 31 * 86_400_000;
export const MODEL_NAME = /^[A-Z][a-zA-Z0-9_]+$/;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const TYPE_WORD = { sync: 'sync', action: 'action', onEvent: 'on-event' } as const;
const CREATOR = { sync: 'createSync', action: 'createAction', onEvent: 'createOnEvent' } as const;

type SourceReader = (file: string) => string | undefined;

const readSource: SourceReader = (file) => {
    try {
        return readFileSync(file, 'utf8');
    } catch {
        return undefined;
    }
};

/** A diagnostic about one function, pointing at the line where `key` is written when it can find it. */
class Reporter {
    readonly diagnostics: CompileDiagnostic[] = [];
    private source: string | undefined | null = null;
    constructor(
        private readonly ref: FunctionRef,
        private readonly read: SourceReader
    ) {}

    get label(): string {
        return `${TYPE_WORD[this.ref.type]} '${this.ref.name}'`;
    }

    report(code: string, message: string, key?: string): void {
        const position = key ? this.locate(key) : undefined;
        this.diagnostics.push({
            file: this.ref.file,
            ...(position ?? {}),
            code,
            message,
            function: `${this.ref.integration}/${this.ref.name}`
        });
    }

    private locate(key: string): { line: number; column: number } | undefined {
        if (this.source === null) this.source = this.read(this.ref.file);
        if (this.source === undefined) return undefined;
        const pattern = new RegExp(`(^|[\\s{,])(['"]?)${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\2\\s*:`);
        const lines = this.source.split('\n');
        for (let i = 0; i < lines.length; i++) {
            const match = pattern.exec(lines[i]!);
            if (match) return { line: i + 1, column: match.index + match[1]!.length + 1 };
        }
        return undefined;
    }
}

/** Checks one evaluated definition against its file's place in the project. */
export function validateDefinition(ref: FunctionRef, definition: unknown, read: SourceReader = readSource): CompileDiagnostic[] {
    const r = new Reporter(ref, read);
    const creator = CREATOR[ref.type];
    if (definition === undefined) {
        r.report('NO_DEFAULT_EXPORT', `${ref.relPath} has no default export: end the file with \`export default ${creator}({ ... })\``);
        return r.diagnostics;
    }
    if (typeof definition !== 'object' || definition === null || !('type' in definition)) {
        r.report('NOT_A_DEFINITION', `the default export of ${ref.relPath} is not a function definition: export the result of ${creator}({ ... }) from 'nango' (or 'ferry')`);
        return r.diagnostics;
    }
    const def = definition as Record<string, unknown>;
    if (def['type'] !== ref.type) {
        const found = Object.entries(TYPE_WORD).find(([type]) => type === def['type'])?.[1] ?? String(def['type']);
        r.report(
            'WRONG_FOLDER',
            `${ref.relPath} is in ${ref.folder}/ but defines a ${found}: use ${creator}(...) or move the file to ${ref.integration}/${FOLDER_OF[def['type'] as keyof typeof FOLDER_OF] ?? '<syncs|actions|on-events>'}/`
        );
        return r.diagnostics;
    }

    if (typeof def['description'] !== 'string' || def['description'].trim() === '') {
        r.report('MISSING_DESCRIPTION', `${r.label} has no description: add \`description: '<what it does>'\`; the platform shows it to your users`, 'description');
    }
    if (typeof def['exec'] !== 'function') {
        r.report('EXEC_NOT_FUNCTION', `${r.label} has no exec function: add \`exec: async (nango${ref.type === 'action' ? ', input' : ''}) => { ... }\``, 'exec');
    }
    if (def['version'] !== undefined && typeof def['version'] !== 'string') {
        r.report('BAD_VERSION', `${r.label} has a version that is not a string: write it as a string, e.g. version: '1.0.0'`, 'version');
    }
    if (def['scopes'] !== undefined && !(Array.isArray(def['scopes']) && def['scopes'].every((s) => typeof s === 'string'))) {
        r.report('BAD_SCOPES', `${r.label} has scopes that are not a list of strings: write e.g. scopes: ['repo', 'read:user']`, 'scopes');
    }
    checkMetadata(r, def['metadata']);
    checkCheckpoint(r, def['checkpoint']);

    if (ref.type === 'sync') checkSync(r, def);
    else if (ref.type === 'action') checkAction(r, def);
    else checkOnEvent(r, def);
    return r.diagnostics;
}

function checkSync(r: Reporter, def: Record<string, unknown>): void {
    const frequency = def['frequency'];
    if (typeof frequency !== 'string' || frequency.trim() === '') {
        r.report('MISSING_FREQUENCY', `${r.label} has no frequency: add e.g. \`frequency: 'every hour'\` (between 30 seconds and 31 days)`, 'frequency');
    } else {
        const ms = parseDuration(frequency);
        if (ms === undefined) {
            r.report('BAD_FREQUENCY', `${r.label} has frequency '${frequency}', which is not a duration: write e.g. 'every hour', 'every 5 minutes', 'every day' or '30m'`, 'frequency');
        } else if (ms < MIN_FREQUENCY_MS || ms > MAX_FREQUENCY_MS) {
            r.report(
                'BAD_FREQUENCY',
                `${r.label} runs ${ms < MIN_FREQUENCY_MS ? 'more often than' : 'less often than'} the platform allows ('${frequency}' is ${formatDuration(ms)}): use a frequency between 'every 30 seconds' and 'every 31 days'`,
                'frequency'
            );
        }
    }

    const models = def['models'];
    if (typeof models !== 'object' || models === null || Array.isArray(models) || Object.keys(models).length === 0) {
        r.report('MISSING_MODELS', `${r.label} declares no models: add \`models: { MyRecord: z.object({ id: z.string(), ... }) }\` for the records it saves`, 'models');
    } else {
        for (const [name, schema] of Object.entries(models)) {
            if (!MODEL_NAME.test(name)) {
                const fixed = name.length > 1 ? `${name[0]!.toUpperCase()}${name.slice(1).replace(/[^a-zA-Z0-9_]/g, '')}` : 'MyModel';
                r.report('BAD_MODEL_NAME', `${r.label} has model '${name}': model names start with an upper-case letter and use only letters, digits and _ (at least 2 characters), e.g. '${MODEL_NAME.test(fixed) ? fixed : 'MyModel'}'`, name);
            }
            if (!isZodSchema(schema) || objectShape(schema) === undefined) {
                r.report('BAD_MODEL', `${r.label} has model '${name}' that is not a zod object: write ${name}: z.object({ id: z.string(), ... })`, name);
            } else if (!('id' in objectShape(schema)!)) {
                r.report('MODEL_WITHOUT_ID', `${r.label} has model '${name}' without an id field: records are saved by id, add id: z.string() (or z.number())`, name);
            }
        }
    }

    const endpoints = def['endpoints'];
    if (endpoints !== undefined) {
        if (!Array.isArray(endpoints)) {
            r.report('BAD_ENDPOINT', `${r.label} has endpoints that are not a list: write endpoints: [{ method: 'GET', path: '/issues' }], one per model`, 'endpoints');
        } else {
            endpoints.forEach((endpoint) => checkEndpoint(r, endpoint, 'endpoints'));
            const modelCount = typeof models === 'object' && models !== null ? Object.keys(models).length : 0;
            if (modelCount > 0 && endpoints.length !== modelCount) {
                r.report(
                    'ENDPOINT_MISMATCH',
                    `${r.label} has ${endpoints.length} endpoint${endpoints.length === 1 ? '' : 's'} for ${modelCount} model${modelCount === 1 ? '' : 's'}: give one endpoint per model, in the same order, or remove endpoints`,
                    'endpoints'
                );
            }
        }
    }
    for (const key of ['autoStart', 'trackDeletes'] as const) {
        if (def[key] !== undefined && typeof def[key] !== 'boolean') r.report('BAD_OPTION', `${r.label} has ${key} that is not true or false: write ${key}: true or ${key}: false`, key);
    }
    if (def['syncType'] !== undefined && def['syncType'] !== 'full' && def['syncType'] !== 'incremental') {
        r.report('BAD_OPTION', `${r.label} has syncType '${String(def['syncType'])}': use 'full' or 'incremental' (or leave it out)`, 'syncType');
    }
    const subscriptions = def['webhookSubscriptions'];
    if (subscriptions !== undefined && !(Array.isArray(subscriptions) && subscriptions.every((s) => typeof s === 'string'))) {
        r.report('BAD_OPTION', `${r.label} has webhookSubscriptions that are not a list of strings: write e.g. webhookSubscriptions: ['issue.created']`, 'webhookSubscriptions');
    }
    if (def['onWebhook'] !== undefined && typeof def['onWebhook'] !== 'function') {
        r.report('BAD_OPTION', `${r.label} has onWebhook that is not a function: write onWebhook: async (nango, payload) => { ... }`, 'onWebhook');
    }
}

function checkAction(r: Reporter, def: Record<string, unknown>): void {
    if (def['endpoint'] !== undefined) checkEndpoint(r, def['endpoint'], 'endpoint');
    for (const key of ['input', 'output'] as const) {
        const schema = def[key];
        if (schema !== undefined && !isZodSchema(schema)) {
            r.report('BAD_SCHEMA', `${r.label} has an ${key} that is not a zod schema: write e.g. ${key}: z.object({ ... }) (or z.void())`, key);
        }
    }
}

function checkOnEvent(r: Reporter, def: Record<string, unknown>): void {
    const event = def['event'];
    if (typeof event !== 'string' || !(ON_EVENT_NAMES as readonly string[]).includes(event)) {
        r.report(
            'BAD_EVENT',
            `${r.label} has event ${event === undefined ? 'missing' : `'${String(event)}'`}: use one of ${ON_EVENT_NAMES.map((e) => `'${e}'`).join(', ')}`,
            'event'
        );
    }
}

function checkEndpoint(r: Reporter, endpoint: unknown, key: string): void {
    const e = endpoint as Partial<Endpoint> | null;
    const method = typeof e?.method === 'string' ? e.method.toUpperCase() : undefined;
    if (!e || typeof e !== 'object' || !method || !METHODS.includes(method) || typeof e.path !== 'string' || !e.path.startsWith('/')) {
        r.report(
            'BAD_ENDPOINT',
            `${r.label} has endpoint ${JSON.stringify(endpoint)}: write { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: '/starts-with-slash', group?: 'Name' }`,
            key
        );
    }
}

function checkMetadata(r: Reporter, metadata: unknown): void {
    if (metadata === undefined || isVoid(metadata)) return;
    if (!isZodSchema(metadata) || objectShape(metadata) === undefined) {
        r.report('BAD_METADATA', `${r.label} has metadata that is not a zod object: write metadata: z.object({ ... }) or z.void()`, 'metadata');
    }
}

const FLAT_TYPES = ['string', 'number', 'boolean'];

function checkCheckpoint(r: Reporter, checkpoint: unknown): void {
    if (checkpoint === undefined || isVoid(checkpoint)) return;
    const shape = isZodSchema(checkpoint) ? objectShape(checkpoint) : undefined;
    if (!shape) {
        r.report('CHECKPOINT_NOT_FLAT', `${r.label} has a checkpoint that is not a zod object: write checkpoint: z.object({ cursor: z.string() }) with string, number or boolean fields`, 'checkpoint');
        return;
    }
    const nested = Object.entries(shape).filter(([, field]) => !FLAT_TYPES.includes(zodType(unwrap(field))));
    if (nested.length > 0) {
        r.report(
            'CHECKPOINT_NOT_FLAT',
            `${r.label} has a checkpoint with ${nested.map(([name, field]) => `'${name}' (${zodType(unwrap(field))})`).join(', ')}: checkpoint fields must be string, number or boolean; store nested data as a JSON string`,
            'checkpoint'
        );
    }
}

/**
 * Checks across functions: names unique per integration, a model name means one schema per
 * integration, endpoints unique per integration. Works on refs and summaries, so cached functions
 * are checked along with rebuilt ones.
 */
export function validateProject(items: readonly { ref: FunctionRef; summary?: FunctionSummary | undefined }[]): CompileDiagnostic[] {
    const diagnostics: CompileDiagnostic[] = [];
    const names = new Map<string, FunctionRef>();
    const models = new Map<string, { ref: FunctionRef; schema: string }>();
    const endpoints = new Map<string, FunctionRef>();
    for (const { ref, summary } of items) {
        const label = `${TYPE_WORD[ref.type]} '${ref.name}'`;
        const nameKey = `${ref.integration}\0${ref.name}`;
        const first = names.get(nameKey);
        if (first) {
            diagnostics.push({
                file: ref.file,
                code: 'DUPLICATE_NAME',
                message: `${ref.relPath} and ${first.relPath} both define '${ref.name}' in integration '${ref.integration}': function names are unique per integration, rename one of the files`,
                function: `${ref.integration}/${ref.name}`
            });
        } else names.set(nameKey, ref);
        if (!summary) continue;

        const entry = summary.entry;
        if (entry.type === 'sync') {
            for (const model of entry.output) {
                const schema = JSON.stringify(entry.json_schema.definitions[model] ?? null);
                const key = `${ref.integration}\0${model}`;
                const seen = models.get(key);
                if (!seen) models.set(key, { ref, schema });
                else if (seen.schema !== schema) {
                    diagnostics.push({
                        file: ref.file,
                        code: 'DUPLICATE_MODEL',
                        message: `${label} declares model '${model}', which ${seen.ref.relPath} already declares with different fields: a model name means one schema per integration, share one definition (import it from a common file) or rename one`,
                        function: `${ref.integration}/${ref.name}`
                    });
                }
            }
        }
        const declared = entry.type === 'sync' ? entry.endpoints : entry.type === 'action' && entry.endpoint ? [entry.endpoint] : [];
        for (const endpoint of declared) {
            const key = `${ref.integration}\0${endpoint.method.toUpperCase()} ${endpoint.path}`;
            const seen = endpoints.get(key);
            if (seen && seen !== ref) {
                diagnostics.push({
                    file: ref.file,
                    code: 'DUPLICATE_ENDPOINT',
                    message: `${label} uses endpoint ${endpoint.method.toUpperCase()} ${endpoint.path}, which ${seen.relPath} already uses in integration '${ref.integration}': endpoints are unique per integration, change the path`,
                    function: `${ref.integration}/${ref.name}`
                });
            } else endpoints.set(key, ref);
        }
    }
    return diagnostics;
}
