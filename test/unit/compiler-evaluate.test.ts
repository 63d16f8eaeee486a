import { describe, expect, it } from 'vitest';
import { EvaluationError, createDefinitionReader, evaluateDefinition, watchThisRealm } from '../../src/compiler/evaluate.js';

const definition = (body: string): string => `${body}\nmodule.exports.default = { type: 'action', seen: typeof globalThis.leak, polluted: typeof ({}).polluted, mapped: [1].map((x) => x + 1)[0], exec() {} };`;

describe('createDefinitionReader', () => {
    it('gives every bundle globals and builtins no earlier bundle changed', () => {
        const read = createDefinitionReader();
        expect(read(definition(''), 'a.cjs')).toMatchObject({ seen: 'undefined', mapped: 2 });
        expect(read(definition('globalThis.leak = 1;'), 'b.cjs')).toMatchObject({ seen: 'number' });
        expect(read(definition(''), 'c.cjs')).toMatchObject({ seen: 'undefined' });
        expect(read(definition('Array.prototype.map = function () { return [42]; };'), 'd.cjs')).toMatchObject({ mapped: 42 });
        expect(read(definition(''), 'e.cjs')).toMatchObject({ mapped: 2 });
        expect(read(definition('Object.prototype.polluted = true;'), 'f.cjs')).toMatchObject({ polluted: 'boolean' });
        expect(read(definition(''), 'g.cjs')).toMatchObject({ polluted: 'undefined', seen: 'undefined', mapped: 2 });
        expect(read('module.exports.x = 1;', 'h.cjs')).toBeUndefined();
    });

    it('reads each evaluation fresh: no module cache serves old code', () => {
        const read = createDefinitionReader();
        expect(read("module.exports.default = { v: 1 };", 'same.cjs')).toEqual({ v: 1 });
        expect(read("module.exports.default = { v: 2 };", 'same.cjs')).toEqual({ v: 2 });
    });
});

describe('evaluateDefinition', () => {
    it('stops top-level code that never ends', () => {
        expect(() => evaluateDefinition('for (;;) {}', 'loop.cjs', { timeoutMs: 50 })).toThrow(EvaluationError);
    });

    it('reports a throwing top level as an EvaluationError', () => {
        expect(() => evaluateDefinition("throw new TypeError('boom');", 'x.cjs')).toThrow(/threw while loading: TypeError: boom/);
    });

    it('stops an async loop at the top level when promise jobs run inside the evaluation', () => {
        const spin = 'async function f() { for (;;) await null; } f();';
        expect(() => evaluateDefinition(spin, 'spin.cjs', { timeoutMs: 50, isolateMicrotasks: true })).toThrow(/did not finish within 0\.05 s and was stopped/);
        const queued = 'function f() { queueMicrotask(f); } f();';
        expect(() => evaluateDefinition(queued, 'queued.cjs', { timeoutMs: 50, isolateMicrotasks: true })).toThrow(/did not finish within 0\.05 s/);
    });
});

describe('watchThisRealm', () => {
    it("notices a change to this realm's builtins or the objects it is given, even through replaced reflection", () => {
        const extra = { value: 1 };
        const unchanged = watchThisRealm([extra]);
        expect(unchanged()).toBe(true);
        extra.value = 2;
        expect(unchanged()).toBe(false);
        extra.value = 1;
        const ownKeys = Reflect.ownKeys;
        try {
            // A replacement that hides itself (returning the keys as they were) is still seen: the watch holds the original.
            (Reflect as { ownKeys: unknown }).ownKeys = (target: object) => ownKeys(target);
            expect(unchanged()).toBe(false);
        } finally {
            (Reflect as { ownKeys: unknown }).ownKeys = ownKeys;
        }
        expect(unchanged()).toBe(true);
    });
});
