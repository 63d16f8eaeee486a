/**
 * A function's clock that real time does not move. It starts at a given instant (a fixture's
 * recording time in a replay, the recording's start under `dryrun --save`) and advances only when
 * one of the function's own timers fires, by that timer's delay. So `new Date()`, `Date.now()`,
 * `Date()`, `performance.now()` and Intl's formatting of "now" give the same values on every run,
 * however long the requests took, and `await sleep(1000)` still moves the clock by a second.
 */
import vm from 'node:vm';

type Handler = (...args: unknown[]) => void;
type TimerGlobals = Record<string, unknown>;

interface FrozenClock {
    /** The function's current time, in epoch milliseconds. */
    now(): number;
    /** The scope's timers, each moving the clock to its due time when it fires. */
    wrapTimers(globals: TimerGlobals): TimerGlobals;
    /** `performance` for the function's realm: elapsed time on this clock. */
    readonly performance: { now(): number; timeOrigin: number };
    /** Replaces Date (and Intl's default "now") in the vm context before any of its code runs. */
    install(context: vm.Context): void;
}

/**
 * Runs inside the function's realm, so its Date stays that realm's Date: `instanceof Date`, dates
 * made before and after, subclasses and Date.prototype all keep working. Only "now" changes.
 */
const INSTALL_SOURCE = `(function (read) {
    const Real = Date;
    const Frozen = function Date(...args) {
        if (new.target === undefined) return new Real(read()).toString();
        return Reflect.construct(Real, args.length === 0 ? [read()] : args, new.target === Frozen ? Real : new.target);
    };
    Object.defineProperty(Frozen, 'length', { value: 7 });
    Frozen.prototype = Real.prototype;
    Object.setPrototypeOf(Frozen, Object.getPrototypeOf(Real));
    for (const key of ['parse', 'UTC']) Object.defineProperty(Frozen, key, { value: Real[key], writable: true, configurable: true });
    Object.defineProperty(Frozen, 'now', { value: function now() { return read(); }, writable: true, configurable: true });
    Object.defineProperty(Real.prototype, 'constructor', { value: Frozen, writable: true, configurable: true });
    Object.defineProperty(globalThis, 'Date', { value: Frozen, writable: true, configurable: true });
    const proto = Intl.DateTimeFormat.prototype;
    const format = Object.getOwnPropertyDescriptor(proto, 'format');
    Object.defineProperty(proto, 'format', {
        get() { const bound = format.get.call(this); return (date) => bound(date === undefined ? read() : date); },
        configurable: true
    });
    const toParts = proto.formatToParts;
    Object.defineProperty(proto, 'formatToParts', {
        value: function formatToParts(date) { return toParts.call(this, date === undefined ? read() : date); },
        writable: true,
        configurable: true
    });
})`;

export function createFrozenClock(startMs: number): FrozenClock {
    let current = startMs;
    const advanceTo = (due: number): void => {
        if (due > current) current = due;
    };
    const delayOf = (ms: unknown): number => {
        const n = Number(ms);
        return Number.isFinite(n) && n > 0 ? n : 0;
    };
    return {
        now: () => current,
        performance: { now: () => current - startMs, timeOrigin: startMs },
        install(context) {
            (vm.runInContext(INSTALL_SOURCE, context) as (read: () => number) => void)(() => current);
        },
        wrapTimers(globals) {
            const setTimeout = globals['setTimeout'] as (fn: Handler, ms?: number, ...args: unknown[]) => unknown;
            const setInterval = globals['setInterval'] as (fn: Handler, ms?: number, ...args: unknown[]) => unknown;
            return {
                ...globals,
                setTimeout: (fn: Handler, ms?: number, ...args: unknown[]) => {
                    const due = current + delayOf(ms);
                    return setTimeout(
                        (...a: unknown[]) => {
                            advanceTo(due);
                            fn(...a);
                        },
                        ms,
                        ...args
                    );
                },
                setInterval: (fn: Handler, ms?: number, ...args: unknown[]) => {
                    // Node runs an interval of 0 every millisecond.
                    const step = Math.max(1, delayOf(ms));
                    let due = current;
                    return setInterval(
                        (...a: unknown[]) => {
                            due += step;
                            advanceTo(due);
                            fn(...a);
                        },
                        ms,
                        ...args
                    );
                }
            };
        }
    };
}
