/**
 * Runs one function inside the worker: evaluates its bundle in a fresh vm context (no
 * process.env, no Ferry internals, `require` limited to platform modules), checks the definition,
 * calls exec with the `nango` object and turns what happened into a JobOutcome.
 */
import { createEvaluator, defaultExport } from '../compiler/evaluate.js';
import { isVoid } from '../compiler/zod-introspect.js';
import { SDK_SHIM_SOURCE } from '../sdk/shim-source.js';
import { httpErrors, logEntry, validationErrors, type DefinitionLike, type NangoState, type Realm, type WorkerHost } from './nango-context.js';
import { createNango } from './nango-object.js';
import type { JobOutcome, JobSpec, WireError } from './protocol.js';
import { createFrozenClock } from './clock.js';
import { createStackMapper } from './source-map.js';
import type { LogLevel } from './types.js';
import type { FunctionKind, ValidationIssue } from './run-types.js';
import { checkInput, checkValue, describeIssue, passHint } from './validation.js';

/** What evaluate.ts puts before a bundle's first line; only shifts columns on line 1. */
const WRAPPER_PREFIX = '(function (exports, require, module, __filename, __dirname) {';

const CREATE: Record<FunctionKind, string> = { sync: 'createSync', action: 'createAction', onEvent: 'createOnEvent' };
const NOUN: Record<FunctionKind, string> = { sync: 'sync', action: 'action', onEvent: 'on-event handler' };

/** Timers the function starts are cleared when it ends, so a reused worker carries nothing over. */
function timerScope(): { globals: Record<string, unknown>; clear(): void } {
    const timeouts = new Set<ReturnType<typeof setTimeout>>();
    const intervals = new Set<ReturnType<typeof setInterval>>();
    const immediates = new Set<ReturnType<typeof setImmediate>>();
    return {
        globals: {
            setTimeout: (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
                const handle = setTimeout(
                    (...a: unknown[]) => {
                        timeouts.delete(handle);
                        fn(...a);
                    },
                    ms,
                    ...args
                );
                timeouts.add(handle);
                return handle;
            },
            clearTimeout: (handle: ReturnType<typeof setTimeout>) => {
                timeouts.delete(handle);
                clearTimeout(handle);
            },
            setInterval: (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
                const handle = setInterval(fn, ms, ...args);
                intervals.add(handle);
                return handle;
            },
            clearInterval: (handle: ReturnType<typeof setInterval>) => {
                intervals.delete(handle);
                clearInterval(handle);
            },
            setImmediate: (fn: (...a: unknown[]) => void, ...args: unknown[]) => {
                const handle = setImmediate((...a: unknown[]) => {
                    immediates.delete(handle);
                    fn(...a);
                }, ...args);
                immediates.add(handle);
                return handle;
            },
            clearImmediate: (handle: ReturnType<typeof setImmediate>) => {
                immediates.delete(handle);
                clearImmediate(handle);
            }
        },
        clear() {
            for (const handle of timeouts) clearTimeout(handle);
            for (const handle of intervals) clearInterval(handle);
            for (const handle of immediates) clearImmediate(handle);
            timeouts.clear();
            intervals.clear();
            immediates.clear();
        }
    };
}

function consoleFor(host: WorkerHost): Console {
    const at = (level: LogLevel) => (...args: unknown[]) => host.post({ t: 'log', entry: logEntry(level, args) });
    const methods: Record<string, (...args: unknown[]) => void> = { log: at('info'), info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug'), trace: at('debug') };
    return new Proxy({} as Console, { get: (_, name) => methods[String(name)] ?? (() => {}) });
}

function jsonOrThrow(value: unknown, what: string): string | undefined {
    if (value === undefined) return undefined;
    try {
        return JSON.stringify(value);
    } catch (error) {
        throw new Error(`${what} cannot be serialized as JSON: ${(error as Error).message}`);
    }
}

/**
 * A thrown value that is not an Error: strings quoted, objects as JSON, the rest as String() gives
 * it. Never shortened here: the main thread masks secrets in it afterwards, and a cut through a
 * token would leave a prefix no mask matches. Printers shorten it for display.
 */
function describeValue(value: unknown): string {
    if (typeof value === 'string') return `'${value}'`;
    if (typeof value === 'function') return 'a function';
    if (typeof value !== 'object' || value === null) return String(value);
    try {
        // undefined for an object whose toJSON gives nothing.
        return JSON.stringify(value) ?? Object.prototype.toString.call(value);
    } catch {
        // Circular, a BigInt inside, a getter that throws: only its kind can be shown.
        return Object.prototype.toString.call(value);
    }
}

/**
 * The stack without its first line when that line only repeats the message: the error is
 * printed as its message, then its stack. The name may have been set after the stack was taken
 * (an AxiosError starts as an Error), so both are tried.
 */
function withoutMessageLine(stack: string, error: { name?: unknown; message?: unknown }): string | undefined {
    const message = typeof error.message === 'string' ? error.message : undefined;
    if (message === undefined) return stack;
    const name = typeof error.name === 'string' ? error.name : 'Error';
    const heads = message === '' ? [name, 'Error'] : [`${name}: ${message}`, `Error: ${message}`, message];
    for (const head of heads) {
        if (stack === head) return undefined;
        if (stack.startsWith(`${head}\n`)) return stack.slice(head.length + 1);
    }
    return stack;
}

function isActionError(error: unknown): error is { payload?: unknown; message?: string } {
    return typeof error === 'object' && error !== null && (error as { type?: unknown }).type === 'action_error';
}

type LoadedDefinition = DefinitionLike & { type?: unknown; exec?: unknown; input?: unknown; output?: unknown; onWebhook?: unknown };

export async function executeJob(job: JobSpec, host: WorkerHost): Promise<JobOutcome> {
    const timers = timerScope();
    const state: NangoState = { checkpointJson: job.checkpointJson, metadataJson: job.metadataJson, issues: 0, issuesDropped: 0 };
    const mapper = createStackMapper(job.code, job.filename, WRAPPER_PREFIX.length);
    const outcome: JobOutcome = { checkpointJson: job.checkpointJson, issuesDropped: 0, models: [] };
    const describeThrown = (error: unknown): WireError => describeThrownWith(mapper, error);
    try {
        const { evaluator, realm } = createFunctionRealm(job, host, timers);
        const def = loadDefinition(job, () => evaluator.evaluate(job.code, job.filename), outcome, describeThrown);
        if (!def) return outcome;
        outcome.models = def.models && typeof def.models === 'object' ? Object.keys(def.models) : [];
        if (def.checkpoint) outcome.checkpointDeclared = true;
        const { nango, report } = createNango(job, def, realm, host, state);
        try {
            if (job.ref.type === 'action') await runAction(job, def, nango, realm, report, outcome);
            else if (job.webhookJson !== undefined) await runWebhook(job, def, nango, realm, outcome);
            else await (def.exec as (nango: unknown) => unknown)(nango);
        } catch (error) {
            outcome.error = describeFailure(error, outcome, describeThrown);
        }
        if (!outcome.error && job.validate && state.issues > 0) {
            outcome.error = { kind: 'validation', message: `${state.issues} validation issue${state.issues === 1 ? '' : 's'}; first: ${state.firstIssue}` };
        }
    } catch (error) {
        outcome.error = { kind: 'internal', message: `the runtime failed: ${(error as Error)?.message ?? String(error)}` };
    } finally {
        timers.clear();
        outcome.checkpointJson = state.checkpointJson;
        outcome.issuesDropped = state.issuesDropped;
        if (state.firstMetadataJson !== undefined) outcome.metadataJson = state.firstMetadataJson;
    }
    return outcome;
}

function describeThrownWith(mapper: ReturnType<typeof createStackMapper>, error: unknown): WireError {
    if (typeof error === 'object' && error !== null && 'message' in error) {
        const e = error as Error;
        const message = `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}`;
        const stack = typeof e.stack === 'string' ? withoutMessageLine(mapper.map(e.stack), e) : undefined;
        return { kind: 'exception', message, ...(stack ? { stack } : {}) };
    }
    return { kind: 'exception', message: `the function threw ${describeValue(error)}` };
}

/** The function's vm context with its globals, and the SDK shim's constructors made in it. */
function createFunctionRealm(job: JobSpec, host: WorkerHost, timers: ReturnType<typeof timerScope>) {
    // Replays (and recordings) run on a clock real time does not move: see clock.ts.
    const clock = job.now === undefined ? undefined : createFrozenClock(job.now);
    const evaluator = createEvaluator({
        console: consoleFor(host),
        globals: {
            ...(clock ? clock.wrapTimers(timers.globals) : timers.globals),
            // What functions commonly reach for; `fetch` is left out on purpose: every provider call goes through nango.
            crypto: globalThis.crypto,
            performance: clock ? clock.performance : { now: () => performance.now(), timeOrigin: performance.timeOrigin },
            process: Object.freeze({ env: Object.freeze({}), platform: process.platform, version: process.version, versions: { ...process.versions }, nextTick: process.nextTick.bind(process) })
        },
        timeoutMs: 60_000
    });
    clock?.install(evaluator.context);
    const realm = evaluator.evaluate(`${SDK_SHIM_SOURCE.replace(/export\s*\{([^}]*)\};?/, 'module.exports = { $1, JSON, Error, Date, Map };')}`, 'ferry-runtime-realm.cjs') as Realm;
    return { evaluator, realm };
}

/** The file's definition when it is one of the job's kind; otherwise the outcome says why and this gives undefined. */
function loadDefinition(job: JobSpec, evaluate: () => unknown, outcome: JobOutcome, describeThrown: (error: unknown) => WireError): LoadedDefinition | undefined {
    let definition: unknown;
    try {
        definition = defaultExport(evaluate());
    } catch (error) {
        // evaluate.ts wraps the function's own error: report that one, with its mapped stack.
        outcome.error = describeThrown((error as { cause?: unknown }).cause ?? error);
        outcome.error.message = `the function file threw while loading: ${outcome.error.message}`;
        return undefined;
    }
    const expected = job.ref.type;
    const def = definition as LoadedDefinition | undefined;
    if (!def || typeof def !== 'object' || typeof def.exec !== 'function' || def.type !== expected) {
        const found = def && typeof def === 'object' && typeof def.type === 'string' ? ` (it exports a ${NOUN[def.type as FunctionKind] ?? def.type})` : '';
        outcome.error = {
            kind: 'invalid_function',
            message: `${job.ref.integration}/${job.ref.name} does not export a ${NOUN[expected]} definition${found}: write \`export default ${CREATE[expected]}({ ..., exec })\``
        };
        return undefined;
    }
    return def;
}

async function runAction(job: JobSpec, def: LoadedDefinition, nango: unknown, realm: Realm, report: (issue: ValidationIssue) => void, outcome: JobOutcome): Promise<void> {
    const input = job.inputJson === undefined ? undefined : realm.JSON.parse(job.inputJson);
    const { issues: inputIssues, refused } = checkInput(def.input, input);
    for (const issue of inputIssues) report(issue);
    // The platform refuses an input that fails the action's deploy schema before running
    // it, so a dry run must not make the provider calls either. What only fails because
    // JSON cannot carry the type zod wants (a date-time string for z.date()) passes there,
    // and an action declaring no input (z.void()) has no schema there to fail: those stay
    // warnings unless --validate.
    const fatal = job.validate ? inputIssues : isVoid(def.input) || job.runAnyInput ? [] : refused;
    if (fatal.length > 0) {
        const first = fatal.find((issue) => refused.includes(issue)) ?? fatal[0]!;
        const more = fatal.length > 1 ? ` (and ${fatal.length - 1} more)` : '';
        const why = refused.includes(first) ? passHint('input', def.input) : '--validate makes this fatal';
        outcome.error = { kind: 'validation', message: `the input does not match the action's input schema: ${describeIssue(first)}${more}; ${why}` };
        return;
    }
    const output = await (def.exec as (nango: unknown, input?: unknown) => unknown)(nango, input);
    for (const issue of checkValue(def.output, output, { subject: 'output' })) report(issue);
    outcome.outputJson = jsonOrThrow(output, 'the action output');
}

/** A webhook run: the sync's handler gets the payload as the platform would pass it. */
async function runWebhook(job: JobSpec, def: LoadedDefinition, nango: unknown, realm: Realm, outcome: JobOutcome): Promise<void> {
    if (typeof def.onWebhook !== 'function') {
        outcome.error = { kind: 'invalid_function', message: `${job.ref.integration}/${job.ref.name} has no onWebhook handler: add \`onWebhook: async (nango, payload) => { ... }\` to its createSync({...}), or run it without --webhook` };
        return;
    }
    await (def.onWebhook as (nango: unknown, payload: unknown) => unknown)(nango, realm.JSON.parse(job.webhookJson!));
}

/** What the function's throw means: a validation failure, its ActionError, a provider's HTTP error, or its own exception. */
function describeFailure(error: unknown, outcome: JobOutcome, describeThrown: (error: unknown) => WireError): WireError {
    if (validationErrors.has(error as object)) return { kind: 'validation', message: (error as Error).message };
    if (isActionError(error)) {
        outcome.actionErrorJson = jsonOrThrow(error.payload ?? null, 'the ActionError payload') ?? 'null';
        return { kind: 'action_error', message: `ActionError: ${error.message ?? 'Action failed'}` };
    }
    if (httpErrors.has(error as object)) {
        const e = error as Error & { response: { status: number; headers: Record<string, string>; data: unknown } };
        const mapped = describeThrown(error);
        return {
            kind: 'http',
            message: e.message,
            ...(mapped.stack ? { stack: mapped.stack } : {}),
            response: { status: e.response.status, headers: { ...e.response.headers }, data: JSON.parse(JSON.stringify(e.response.data ?? null)) }
        };
    }
    return describeThrown(error);
}
