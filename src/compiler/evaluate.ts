/**
 * Evaluating a bundle to read its definition. Each evaluation runs in a `node:vm` context, never
 * through Node's module loader, so no module cache can serve stale code: a second compile in the
 * same process always sees what is on disk now. `require` inside the bundle serves only what the
 * platform provides, and zod comes from Ferry's own install so `z.toJSONSchema` understands it
 * (from the copy bundled into dist/, see vendored-zod.ts, when Ferry runs built).
 */
import { dirname } from 'node:path';
import vm from 'node:vm';
import { capContext } from '../runtime/binary-memory.js';
import { loadPlatformModule } from './platform-require.js';

interface EvaluateOptions {
    /** Extra globals for the context (dryrun passes timers it controls, a console that records...). */
    globals?: Record<string, unknown>;
    /** Give up on top-level code that runs longer than this (default 5 s). */
    timeoutMs?: number;
    /** Where top-level console output goes; by default it is dropped so compile output stays clean. */
    console?: Console;
    /**
     * Run the context's promise jobs (and queueMicrotask) inside each evaluation, under its
     * timeout: an async loop at the top level (`for (;;) await null`) is stopped with it instead of
     * spinning in the thread after the evaluation returned.
     */
    isolateMicrotasks?: boolean;
}

export class EvaluationError extends Error {
    constructor(
        message: string,
        readonly filename: string,
        cause?: unknown
    ) {
        super(message, cause === undefined ? undefined : { cause });
        this.name = 'EvaluationError';
    }
}

/**
 * A module the platform provides, as a bundle's `require` hands it out; `from` is the bundle's
 * file, so packages the platform provides come from the project's node_modules (platform-require.ts).
 */
export function requirePlatformModule(specifier: string, from?: string): unknown {
    return loadPlatformModule(specifier, from);
}

const silentConsole = new Proxy({} as Console, { get: () => () => {} });

function baseGlobals(options: EvaluateOptions): Record<string, unknown> {
    return {
        console: options.console ?? silentConsole,
        Buffer,
        URL,
        URLSearchParams,
        TextEncoder,
        TextDecoder,
        AbortController,
        AbortSignal,
        atob,
        btoa,
        structuredClone,
        queueMicrotask,
        setTimeout,
        clearTimeout,
        setInterval,
        clearInterval,
        setImmediate,
        clearImmediate,
        ...options.globals
    };
}

/**
 * Evaluates many bundles in one fresh context (cheap enough for thousands of functions). Globals a
 * bundle sets are visible to the bundles evaluated after it in the same evaluator; make a new
 * evaluator (or call `evaluateDefinition`) when that matters.
 */
interface Evaluator {
    evaluate(code: string, filename: string): unknown;
    readonly context: vm.Context;
}

// The module wrapper's arguments reach the context through this global for the time of one call,
// so the top-level code runs inside runInContext and its timeout (an endless loop cannot hang us).
const ARGS = '__ferryModuleArgs';

export function createEvaluator(options: EvaluateOptions = {}): Evaluator {
    const context = vm.createContext(baseGlobals(options), { name: 'ferry-compile', ...(options.isolateMicrotasks ? { microtaskMode: 'afterEvaluate' as const } : {}) });
    // The thread's queueMicrotask would queue outside the context, past its timeout.
    if (options.isolateMicrotasks) vm.runInContext('globalThis.queueMicrotask = (callback) => { Promise.resolve().then(() => callback()); };', context);
    capContext(context);
    const timeout = options.timeoutMs ?? 5000;
    return {
        context,
        evaluate(code, filename) {
            const module = { exports: {} as Record<string, unknown> };
            let script: vm.Script;
            try {
                script = new vm.Script(
                    `(function (exports, require, module, __filename, __dirname) {${code}\n}).apply(globalThis.${ARGS}[2].exports, globalThis.${ARGS})`,
                    { filename }
                );
            } catch (error) {
                throw new EvaluationError(`could not load the bundle: ${describe(error)}`, filename, error);
            }
            const global = context as Record<string, unknown>;
            global[ARGS] = [module.exports, (specifier: string) => requirePlatformModule(specifier, filename), module, filename, dirname(filename)];
            try {
                script.runInContext(context, { timeout });
            } catch (error) {
                if ((error as { code?: unknown })?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
                    throw new EvaluationError(`its top-level code did not finish within ${timeout / 1000} s and was stopped (an endless loop, or promises that never stop chaining?)`, filename, error);
                }
                throw new EvaluationError(`the function file threw while loading: ${describe(error)}`, filename, error);
            } finally {
                delete global[ARGS];
            }
            return module.exports;
        }
    };
}

/**
 * Everything a bundle's top-level code could change for code evaluated after it in the same
 * context: the global object and the builtins' statics and prototypes (names, values, accessors,
 * prototypes, frozenness).
 */
const SHAPE_SOURCE = `((extra) => {
    const roots = [...extra, globalThis, Object, Object.prototype, Function.prototype, Array, Array.prototype, String, String.prototype,
        Number, Number.prototype, Boolean.prototype, Symbol, Symbol.prototype, Promise, Promise.prototype, Map.prototype, Set.prototype,
        WeakMap.prototype, WeakSet.prototype, RegExp.prototype, Date, Date.prototype, Error, Error.prototype, JSON, Math, Reflect,
        BigInt.prototype, ArrayBuffer.prototype, Uint8Array.prototype, Object.getPrototypeOf(Uint8Array.prototype),
        Object.getPrototypeOf(function* () {}).prototype, Object.getPrototypeOf(async function () {})];
    // Taken now: code that replaced them could make them lie about the change.
    const { isExtensible, getPrototypeOf, getOwnPropertyDescriptor } = Object;
    const { ownKeys } = Reflect;
    return () => {
        const out = [];
        let n = 0;
        for (let r = 0; r < roots.length; r++) {
            const root = roots[r];
            out[n++] = isExtensible(root);
            out[n++] = getPrototypeOf(root);
            const keys = ownKeys(root);
            for (let k = 0; k < keys.length; k++) {
                const d = getOwnPropertyDescriptor(root, keys[k]);
                out[n++] = keys[k]; out[n++] = d.value; out[n++] = d.get; out[n++] = d.set; out[n++] = d.writable; out[n++] = d.configurable;
            }
        }
        return out;
    };
})`;

const is = Object.is;

function sameShape(a: readonly unknown[], b: readonly unknown[]): boolean {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!is(a[i], b[i])) return false;
    return true;
}

/**
 * Whether this thread's own realm is still as it was when this was called: its globals, builtins
 * and `extra` objects (e.g. process). A bundle reaches that realm through any object it is handed
 * (`z.object.constructor` is this realm's Function), so code that evaluates many bundles in one
 * thread retires the thread once one of them changed it.
 */
export function watchThisRealm(extra: readonly object[] = []): () => boolean {
    // Node defines some globals lazily (an accessor that becomes a value on first use): each is
    // read now, so a bundle's first use of AbortController is not taken for a change.
    for (const key of Reflect.ownKeys(globalThis)) {
        try {
            void (globalThis as Record<PropertyKey, unknown>)[key];
        } catch {
            // A getter that throws stays as it is; so does its shape.
        }
    }
    const shape = (vm.runInThisContext(SHAPE_SOURCE) as (extra: readonly object[]) => () => unknown[])(extra);
    const baseline = shape();
    return () => sameShape(shape(), baseline);
}

/**
 * Reads definitions from many bundles, each in a context no other bundle changed: a context is
 * reused for the next bundle only when the last one left every global and builtin exactly as it
 * found them, else the next bundle gets a new one. Same isolation as a context per bundle, without
 * paying for a V8 context (about 1.5 ms and its garbage) per function.
 */
export function createDefinitionReader(options: EvaluateOptions = {}): (code: string, filename: string) => unknown {
    let current: { evaluator: Evaluator; shape: () => unknown[]; baseline: unknown[] } | undefined;
    return (code, filename) => {
        if (!current) {
            const evaluator = createEvaluator(options);
            const shape = (vm.runInContext(SHAPE_SOURCE, evaluator.context) as (extra: unknown[]) => () => unknown[])([]);
            current = { evaluator, shape, baseline: shape() };
        }
        try {
            return defaultExport(current.evaluator.evaluate(code, filename));
        } catch (error) {
            // Stopped midway (a timeout), the context may hold anything: the next bundle gets a new one.
            current = undefined;
            throw error;
        } finally {
            if (current && !sameShape(current.shape(), current.baseline)) current = undefined;
        }
    };
}

/**
 * Evaluates one CommonJS bundle in its own context and returns `module.exports.default`: the plain
 * `{ type, exec, ... }` object, or undefined when the file has no default export. Throws
 * EvaluationError when the file's top-level code throws.
 */
export function evaluateDefinition(code: string, filename: string, options: EvaluateOptions = {}): unknown {
    return defaultExport(createEvaluator(options).evaluate(code, filename));
}

export function defaultExport(moduleExports: unknown): unknown {
    if (typeof moduleExports !== 'object' || moduleExports === null) return undefined;
    return (moduleExports as Record<string, unknown>)['default'];
}

function describe(error: unknown): string {
    if (error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)) {
        const e = error as Error;
        return `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}`;
    }
    return String(error);
}
