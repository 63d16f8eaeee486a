/**
 * Binary data (ArrayBuffer, typed arrays, Buffer, WebAssembly memory) lives outside V8's heap, so
 * a heap limit does not bound it: a function could allocate a 4 GB Uint8Array and take the
 * machine's memory with it. Inside the process function code runs in, every way it has to make
 * binary data of a size it chooses is wrapped, in the process's realm and in each function's vm
 * context: the allocation is refused with a RangeError when the process's binary data (live, as
 * Node counts it, after a garbage collection) would go past the limit. The limit is the heap
 * limit, so a run's binary data counts toward the same memory limit as its objects do.
 */
import crypto from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import vm from 'node:vm';

const BINARY_LIMIT_CODE = 'ERR_FERRY_BINARY_MEMORY_LIMIT';

/** Below this, allocations are only added up; the process's usage is read once they add up to it. */
const BATCH_BYTES = 16 * 1024 * 1024;

const TYPED_ARRAYS = [
    'Int8Array',
    'Uint8Array',
    'Uint8ClampedArray',
    'Int16Array',
    'Uint16Array',
    'Int32Array',
    'Uint32Array',
    'Float16Array',
    'Float32Array',
    'Float64Array',
    'BigInt64Array',
    'BigUint64Array'
] as const;

interface Limiter {
    readonly limitBytes: number;
    /** Throws when `bytes` more would take the process past the limit. */
    check(bytes: number): void;
}

let installed: Limiter | undefined;
const capped = new WeakSet<object>();

const mb = (bytes: number): string => `${Math.round(bytes / 1048576)} MB`;

function createLimiter(limitBytes: number): Limiter {
    const usage = process.memoryUsage.bind(process);
    const collect = exposeGc();
    let pending = 0;
    return {
        limitBytes,
        check(bytes) {
            if (!(bytes > 0)) return;
            if (bytes < BATCH_BYTES && (pending += bytes) < BATCH_BYTES) return;
            pending = 0;
            if (usage().arrayBuffers + bytes <= limitBytes) return;
            collect?.();
            const live = usage().arrayBuffers;
            if (live + bytes <= limitBytes) return;
            const error = new RangeError(
                `out of memory: ${mb(bytes)} of binary data (ArrayBuffer, typed array, Buffer) was asked for with ${mb(live)} in use, past the run's limit of ${mb(limitBytes)}; work on the data in smaller pieces`
            );
            throw Object.assign(error, { code: BINARY_LIMIT_CODE });
        }
    };
}

/** A full collection frees buffers nothing holds any more; taken once, never left exposed to contexts. */
function exposeGc(): (() => void) | undefined {
    try {
        setFlagsFromString('--expose-gc');
        const gc = vm.runInNewContext('gc') as () => void;
        return typeof gc === 'function' ? gc : undefined;
    } catch {
        return undefined;
    } finally {
        setFlagsFromString('--no-expose-gc');
    }
}

/** Bytes a typed-array or ArrayBuffer constructor call will allocate, as far as its arguments say. */
function requested(args: unknown[], bytesPerElement: number, isBuffer: boolean): number {
    const first = args[0];
    // A resizable ArrayBuffer reserves maxByteLength but only uses what it grows to (see resize).
    if (typeof first === 'number' || typeof first === 'bigint') return Number(first) * bytesPerElement;
    if (isBuffer || typeof first !== 'object' || first === null) return 0;
    if (first instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && first instanceof SharedArrayBuffer)) return 0;
    try {
        const length = Number((first as { length?: unknown }).length);
        return Number.isFinite(length) && length > 0 ? length * bytesPerElement : 0;
    } catch {
        return 0;
    }
}

function capConstructor(global: Record<string, unknown>, name: string, limiter: Limiter, isBuffer: boolean): void {
    const original = global[name] as (abstract new (...args: unknown[]) => object) & { BYTES_PER_ELEMENT?: number; prototype: object };
    if (typeof original !== 'function' || capped.has(original)) return;
    const bytesPerElement = original.BYTES_PER_ELEMENT ?? 1;
    const proxy: typeof original = new Proxy(original, {
        construct(target, args, newTarget): object {
            limiter.check(requested(args, bytesPerElement, isBuffer));
            return Reflect.construct(target, args, newTarget === proxy ? target : newTarget) as object;
        }
    });
    capped.add(proxy);
    capped.add(original);
    const descriptor = Object.getOwnPropertyDescriptor(global, name);
    Object.defineProperty(global, name, { ...descriptor, value: proxy });
    // `new Uint8Array(1).constructor`, species lookups (slice, map, subarray) find the wrapped one too.
    Object.defineProperty(original.prototype, 'constructor', { value: proxy, writable: true, configurable: true, enumerable: false });
}

/** Wraps `owner[method]` so it first checks the bytes `size(args, this)` says it will allocate. */
function capMethod(owner: object | undefined, method: string, limiter: Limiter, size: (args: unknown[], self: unknown) => number): void {
    if (!owner) return;
    const original = (owner as Record<string, unknown>)[method];
    if (typeof original !== 'function' || capped.has(original)) return;
    const wrapped = {
        [method](this: unknown, ...args: unknown[]): unknown {
            limiter.check(size(args, this));
            return Reflect.apply(original, this, args);
        }
    }[method]!;
    capped.add(wrapped);
    Object.defineProperty(owner, method, { value: wrapped, writable: true, configurable: true, enumerable: false });
}

const sizeArg = (index: number, factor = 1) => (args: unknown[]) => {
    const value = Number(args[index]);
    return Number.isFinite(value) ? value * factor : 0;
};

/** Caps the binary-data constructors and methods of one realm (its global object). */
function capRealm(global: Record<string, unknown>, limiter: Limiter): void {
    capConstructor(global, 'ArrayBuffer', limiter, true);
    capConstructor(global, 'SharedArrayBuffer', limiter, true);
    for (const name of TYPED_ARRAYS) capConstructor(global, name, limiter, false);
    const growth = (args: unknown[], self: unknown): number => Number(args[0]) - Number((self as { byteLength?: number })?.byteLength ?? 0);
    capMethod((global['ArrayBuffer'] as { prototype?: object } | undefined)?.prototype, 'resize', limiter, growth);
    capMethod((global['ArrayBuffer'] as { prototype?: object } | undefined)?.prototype, 'transfer', limiter, growth);
    capMethod((global['SharedArrayBuffer'] as { prototype?: object } | undefined)?.prototype, 'grow', limiter, growth);
    capWasmMemory(global, limiter);
}

/** WebAssembly.Memory takes `{ initial }` in 64 KiB pages, not a length. */
function capWasmMemory(global: Record<string, unknown>, limiter: Limiter): void {
    const wasm = global['WebAssembly'] as Record<string, unknown> | undefined;
    const original = wasm?.['Memory'] as (new (...args: unknown[]) => object) | undefined;
    if (!wasm || typeof original !== 'function' || capped.has(original)) return;
    const proxy: typeof original = new Proxy(original, {
        construct(target, args, newTarget): object {
            limiter.check(Number((args[0] as { initial?: unknown } | undefined)?.initial ?? 0) * 65536);
            return Reflect.construct(target, args, newTarget === proxy ? target : newTarget) as object;
        }
    });
    capped.add(proxy);
    capped.add(original);
    Object.defineProperty(wasm, 'Memory', { ...Object.getOwnPropertyDescriptor(wasm, 'Memory'), value: proxy });
    capMethod(original.prototype, 'grow', limiter, sizeArg(0, 65536));
}

/** Node's own ways to binary data in the worker's realm. */
function capNode(limiter: Limiter): void {
    const concatSize = (args: unknown[]): number => {
        if (args[1] !== undefined) return Number(args[1]) || 0;
        const list = args[0];
        if (!Array.isArray(list)) return 0;
        let total = 0;
        for (const item of list) total += Number((item as { length?: unknown })?.length) || 0;
        return total;
    };
    const fromSize = (args: unknown[]): number => {
        const value = args[0];
        // At most 3 bytes a character; counted exactly only when that bound is large.
        if (typeof value === 'string') return value.length * 3 < BATCH_BYTES ? value.length * 3 : Buffer.byteLength(value, typeof args[1] === 'string' ? (args[1] as BufferEncoding) : 'utf8');
        if (typeof value === 'object' && value !== null && !(value instanceof ArrayBuffer)) return Number((value as { length?: unknown }).length) || 0;
        return 0;
    };
    for (const method of ['alloc', 'allocUnsafe', 'allocUnsafeSlow']) capMethod(Buffer, method, limiter, sizeArg(0));
    capMethod(Buffer, 'concat', limiter, concatSize);
    capMethod(Buffer, 'from', limiter, fromSize);
    // `require('crypto')` hands functions this very module.
    for (const method of ['randomBytes', 'pseudoRandomBytes']) capMethod(crypto, method, limiter, sizeArg(0));
    // Copies of binary data the function already holds: each copy counts again.
    capMethod(globalThis, 'structuredClone', limiter, (args) => binaryIn(args[0]));
    capMethod(TextEncoder.prototype, 'encode', limiter, (args) => (typeof args[0] === 'string' ? args[0].length * 3 : 0));
    capBlob(limiter);
}

/** The bytes of binary data in `value` and, one level down, in its items or fields. */
function binaryIn(value: unknown): number {
    const own = (item: unknown): number => (ArrayBuffer.isView(item) || item instanceof ArrayBuffer ? item.byteLength : 0);
    if (typeof value !== 'object' || value === null) return 0;
    let total = own(value);
    if (total > 0) return total;
    try {
        for (const item of Array.isArray(value) ? value : Object.values(value)) total += own(item);
    } catch {
        // A getter that throws: the clone will throw the same.
    }
    return total;
}

function capBlob(limiter: Limiter): void {
    const original = globalThis.Blob as (new (...args: unknown[]) => object) | undefined;
    if (typeof original !== 'function' || capped.has(original)) return;
    const proxy: typeof original = new Proxy(original, {
        construct(target, args, newTarget): object {
            const parts = Array.isArray(args[0]) ? (args[0] as unknown[]) : [];
            let bytes = 0;
            for (const part of parts) bytes += typeof part === 'string' ? part.length * 3 : binaryIn(part) || Number((part as { size?: unknown })?.size) || 0;
            limiter.check(bytes);
            return Reflect.construct(target, args, newTarget === proxy ? target : newTarget) as object;
        }
    });
    capped.add(proxy);
    capped.add(original);
    Object.defineProperty(globalThis, 'Blob', { ...Object.getOwnPropertyDescriptor(globalThis, 'Blob'), value: proxy });
}

/**
 * Installs the limit in this process's realm (call it before any function code runs); no limit
 * installs nothing. Contexts made later get it from capContext.
 */
export function limitBinaryMemory(limitBytes: number | undefined): void {
    if (!limitBytes || installed) return;
    installed = createLimiter(limitBytes);
    capRealm(globalThis as unknown as Record<string, unknown>, installed);
    capNode(installed);
}

/** Caps a new vm context's own constructors with the process's limit, when one is installed. */
export function capContext(context: vm.Context): void {
    if (!installed) return;
    const global = vm.runInContext('globalThis', context) as Record<string, unknown>;
    capRealm(global, installed);
}
