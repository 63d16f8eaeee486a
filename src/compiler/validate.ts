/**
 * Validating evaluated definitions with Nango's rules, no stricter and no looser: what `nango
 * compile` (its type declarations included) or the platform's deploy would refuse is an error;
 * what Ferry checks beyond that is a warning (`severity: 'warning'`), which never fails compile.
 * Every problem is collected (never stop at the first) and each names the file, the function, what
 * is wrong and how to fix it. Project checks live in validate-project.ts.
 */
import { readFileSync } from 'node:fs';
import type { FunctionRef } from '../project/types.js';
import { FOLDER_OF } from '../project/types.js';
import { formatDuration } from '../util/duration.js';
import { MAX_FREQUENCY_MS, readFrequency } from './frequency.js';
import { ON_EVENT_NAMES, type CompileDiagnostic, type Endpoint, type FunctionSummary } from './types.js';
import { isVoid, isZodSchema, objectShape, unwrap, zodType } from './zod-introspect.js';

export { projectWarnings, uniqueDiagnostics, validateProject } from './validate-project.js';

const MODEL_NAME = /^[A-Z][a-zA-Z0-9_]+$/;
/** The platform's deploy schema: function names, and the longest strings it stores. */
const FUNCTION_NAME = /^[a-zA-Z0-9_-]+$/;
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

export const isWarning = (d: CompileDiagnostic): boolean => d.severity === 'warning';

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
        this.diagnostics.push({ file: this.ref.file, ...(position ?? {}), code, message, function: `${this.ref.integration}/${this.ref.name}` });
    }

    warn(code: string, message: string, key?: string): void {
        this.report(code, message, key);
        this.diagnostics[this.diagnostics.length - 1]!.severity = 'warning';
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

const isStringList = (value: unknown, max = Infinity): boolean => Array.isArray(value) && value.every((s) => typeof s === 'string' && s.length <= max);

/**
 * Checks one evaluated definition against its file's place in the project: the errors only, so it
 * can run wherever the definition is (the evaluation worker); summaryWarnings adds the warnings.
 */
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
    if (!FUNCTION_NAME.test(ref.name) || ref.name.length > 255) {
        r.report('BAD_FUNCTION_NAME', `the platform refuses the name '${ref.name}': rename ${ref.relPath} to use only letters, digits, - and _`);
    }

    const description = def['description'];
    if (typeof description !== 'string') {
        r.report('MISSING_DESCRIPTION', `${r.label} has no description: add \`description: '<what it does>'\`; the platform shows it to your users`, 'description');
    } else if (description.length > 2000) {
        r.report('BAD_DESCRIPTION', `${r.label} has a description of ${description.length} characters: the platform takes at most 2000, shorten it`, 'description');
    }
    if (typeof def['exec'] !== 'function') {
        r.report('EXEC_NOT_FUNCTION', `${r.label} has no exec function: add \`exec: async (nango${ref.type === 'action' ? ', input' : ''}) => { ... }\``, 'exec');
    }
    if (def['version'] !== undefined && typeof def['version'] !== 'string') {
        r.report('BAD_VERSION', `${r.label} has a version that is not a string: write it as a string, e.g. version: '1.0.0'`, 'version');
    }
    if (def['scopes'] !== undefined && !isStringList(def['scopes'], 255)) {
        r.report('BAD_SCOPES', `${r.label} has scopes that are not a list of strings (of at most 255 characters): write e.g. scopes: ['repo', 'read:user']`, 'scopes');
    }
    checkMetadata(r, def['metadata']);
    checkCheckpoint(r, def['checkpoint']);

    if (ref.type === 'sync') checkSync(r, def);
    else if (ref.type === 'action') checkAction(r, def);
    else checkOnEvent(r, def);
    return r.diagnostics;
}

function checkFrequency(r: Reporter, frequency: unknown): void {
    if (typeof frequency !== 'string' || frequency.trim() === '') {
        r.report('MISSING_FREQUENCY', `${r.label} has no frequency: add e.g. \`frequency: 'every hour'\` (at least 30 seconds)`, 'frequency');
        return;
    }
    const verdict = readFrequency(frequency);
    const examples = "e.g. 'every hour', 'every 5 minutes', 'every day' or '30m'";
    if (!verdict.ok && verdict.why === 'too-often') {
        r.report('BAD_FREQUENCY', `${r.label} runs more often than the platform allows ('${frequency}' is ${formatDuration(verdict.ms!)}): use at least 'every 30 seconds'`, 'frequency');
    } else if (!verdict.ok) {
        r.report(
            'BAD_FREQUENCY',
            `${r.label} has frequency '${frequency}', which ${verdict.why === 'platform' ? 'the platform does not accept' : 'is not a duration'}: write a whole number and a unit of seconds, minutes, hours or days, ${examples}`,
            'frequency'
        );
    }
}

function checkModels(r: Reporter, models: unknown): void {
    if (typeof models !== 'object' || models === null || Array.isArray(models)) {
        r.report('MISSING_MODELS', `${r.label} declares no models: add \`models: { MyRecord: z.object({ id: z.string(), ... }) }\` for the records it saves`, 'models');
        return;
    }
    for (const [name, schema] of Object.entries(models)) {
        if (!MODEL_NAME.test(name) || name.length > 255) {
            const fixed = name.length > 1 ? `${name[0]!.toUpperCase()}${name.slice(1).replace(/[^a-zA-Z0-9_]/g, '')}` : 'MyModel';
            r.report('BAD_MODEL_NAME', `${r.label} has model '${name}': model names start with an upper-case letter and use only letters, digits and _ (at least 2 characters), e.g. '${MODEL_NAME.test(fixed) ? fixed : 'MyModel'}'`, name);
        }
        if (!isZodSchema(schema) || objectShape(schema) === undefined) {
            r.report('BAD_MODEL', `${r.label} has model '${name}' that is not a zod object: write ${name}: z.object({ id: z.string(), ... })`, name);
        } else if (!('id' in objectShape(schema)!)) {
            r.report('MODEL_WITHOUT_ID', `${r.label} has model '${name}' without an id field: records are saved by id, add id: z.string()`, name);
        }
    }
}

function checkSync(r: Reporter, def: Record<string, unknown>): void {
    checkFrequency(r, def['frequency']);
    const models = def['models'];
    checkModels(r, models);

    const endpoints = def['endpoints'];
    if (endpoints !== undefined) {
        const modelCount = typeof models === 'object' && models !== null ? Object.keys(models).length : 0;
        if (!Array.isArray(endpoints) || endpoints.length !== modelCount) {
            const count = Array.isArray(endpoints) ? endpoints.length : 0;
            r.report(
                'ENDPOINT_MISMATCH',
                `${r.label} has ${count} endpoint${count === 1 ? '' : 's'} for ${modelCount} model${modelCount === 1 ? '' : 's'}: give one endpoint per model, in the same order, or remove endpoints`,
                'endpoints'
            );
        }
        if (Array.isArray(endpoints)) endpoints.forEach((endpoint) => checkEndpoint(r, endpoint, 'endpoints'));
    }
    for (const key of ['autoStart', 'trackDeletes'] as const) {
        if (def[key] !== undefined && typeof def[key] !== 'boolean') r.report('BAD_OPTION', `${r.label} has ${key} that is not true or false: write ${key}: true or ${key}: false`, key);
    }
    if (def['syncType'] !== undefined && def['syncType'] !== 'full' && def['syncType'] !== 'incremental') {
        r.report('BAD_OPTION', `${r.label} has syncType '${String(def['syncType'])}': use 'full' or 'incremental' (or leave it out)`, 'syncType');
    }
    if (def['trackDeletes'] === true && def['syncType'] === 'incremental') {
        r.report('TRACK_DELETES_INCREMENTAL', `${r.label} sets trackDeletes on an incremental sync, which the platform refuses: remove trackDeletes and call nango.trackDeletesStart()/trackDeletesEnd() in exec`, 'trackDeletes');
    }
    if (def['webhookSubscriptions'] !== undefined && !isStringList(def['webhookSubscriptions'], 255)) {
        r.report('BAD_OPTION', `${r.label} has webhookSubscriptions that are not a list of strings (of at most 255 characters): write e.g. webhookSubscriptions: ['issue.created']`, 'webhookSubscriptions');
    }
    if (def['onWebhook'] !== undefined && typeof def['onWebhook'] !== 'function') {
        r.report('BAD_OPTION', `${r.label} has onWebhook that is not a function: write onWebhook: async (nango, payload) => { ... }`, 'onWebhook');
    }
}

function checkAction(r: Reporter, def: Record<string, unknown>): void {
    if (def['endpoint'] !== undefined) checkEndpoint(r, def['endpoint'], 'endpoint');
    for (const key of ['input', 'output'] as const) {
        if (!isZodSchema(def[key])) {
            r.report('BAD_SCHEMA', `${r.label} has ${def[key] === undefined ? 'no' : 'an'} ${key}${def[key] === undefined ? '' : ' that is not a zod schema'}: write e.g. ${key}: z.object({ ... }), or ${key}: z.void() for none`, key);
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
    const group = e?.group;
    if (!e || typeof e !== 'object' || typeof e.method !== 'string' || !METHODS.includes(e.method) || typeof e.path !== 'string' || (group !== undefined && (typeof group !== 'string' || group.length < 1 || group.length > 64))) {
        r.report(
            'BAD_ENDPOINT',
            `${r.label} has endpoint ${JSON.stringify(endpoint)}: write { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: '/starts-with-slash', group?: 'Name' (1 to 64 characters) }`,
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
 * What Ferry warns about beyond Nango's rules, read from the manifest entry (the definition itself
 * stays in the evaluation worker). Each carries `severity: 'warning'` and never fails compile.
 */
export function summaryWarnings(ref: FunctionRef, summary: FunctionSummary, read: SourceReader = readSource): CompileDiagnostic[] {
    const r = new Reporter(ref, read);
    const entry = summary.entry;
    if (entry.description.trim() === '') r.warn('EMPTY_DESCRIPTION', `${r.label} has an empty description: say what it does; the platform shows it to your users`, 'description');
    if (entry.type === 'onEvent') return r.diagnostics;
    const endpoints = entry.type === 'sync' ? entry.endpoints : entry.endpoint ? [entry.endpoint] : [];
    for (const endpoint of endpoints.filter((e) => !e.path.startsWith('/'))) {
        r.warn('ENDPOINT_PATH', `${r.label} has endpoint path '${endpoint.path}', which does not start with /: write '/${endpoint.path}'`, entry.type === 'sync' ? 'endpoints' : 'endpoint');
    }
    if (entry.type !== 'sync') return r.diagnostics;
    if (entry.output.length === 0) r.warn('NO_MODELS', `${r.label} declares no models, so it cannot save records: add \`models: { MyRecord: z.object({ id: z.string(), ... }) }\``, 'models');
    const ms = readFrequency(entry.runs);
    if (ms.ok && ms.ms > MAX_FREQUENCY_MS) {
        r.warn('LONG_FREQUENCY', `${r.label} runs every ${formatDuration(ms.ms)}, longer than the 31 days the platform documents: it may not run on time, use 'every 31 days' or less`, 'frequency');
    }
    if (entry.track_deletes) {
        r.warn('TRACK_DELETES_DEPRECATED', `${r.label} sets trackDeletes, which is deprecated: call nango.trackDeletesStart() before and nango.trackDeletesEnd() after saving the records instead`, 'trackDeletes');
    }
    return r.diagnostics;
}
