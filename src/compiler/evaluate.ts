/**
 * Evaluating a bundle to read its definition. Each evaluation runs in a `node:vm` context, never
 * through Node's module loader, so no module cache can serve stale code: a second compile in the
 * same process always sees what is on disk now. `require` inside the bundle serves only what the
 * platform provides, and zod comes from Ferry's own install so `z.toJSONSchema` understands it.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';
import { isPlatformModule } from './platform-modules.js';

const ownRequire = createRequire(import.meta.url);

export interface EvaluateOptions {
    /** Extra globals for the context (dryrun passes timers it controls, a console that records...). */
    globals?: Record<string, unknown>;
    /** Give up on top-level code that runs longer than this (default 5 s). */
    timeoutMs?: number;
    /** Where top-level console output goes; by default it is dropped so compile output stays clean. */
    console?: Console;
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

/** A module the platform provides, as a bundle's `require` hands it out. */
export function requirePlatformModule(specifier: string): unknown {
    if (!isPlatformModule(specifier)) {
        throw new Error(`Cannot find module '${specifier}': the platform does not provide it`);
    }
    return ownRequire(specifier);
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
export function createEvaluator(options: EvaluateOptions = {}): { evaluate(code: string, filename: string): unknown } {
    const context = vm.createContext(baseGlobals(options), { name: 'ferry-compile' });
    const timeout = options.timeoutMs ?? 5000;
    return {
        evaluate(code, filename) {
            const module = { exports: {} as Record<string, unknown> };
            let wrapper: (...args: unknown[]) => void;
            try {
                const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${code}\n})`, { filename });
                wrapper = script.runInContext(context, { timeout }) as typeof wrapper;
            } catch (error) {
                throw new EvaluationError(`could not load the bundle: ${describe(error)}`, filename, error);
            }
            try {
                wrapper.call(module.exports, module.exports, requirePlatformModule, module, filename, dirname(filename));
            } catch (error) {
                throw new EvaluationError(`the function file threw while loading: ${describe(error)}`, filename, error);
            }
            return module.exports;
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
