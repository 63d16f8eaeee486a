import { describe, expect, it } from 'vitest';
import { LOCKED_DOWN, lockDown } from '../../src/runtime/lockdown.js';

describe('lockDown', () => {
    it('removes every listed capability for good', () => {
        const proc: Record<string, unknown> = Object.fromEntries(LOCKED_DOWN.process.map((name) => [name, () => name]));
        const global: Record<string, unknown> = { fetch: () => 'fetched', WebSocket: class {}, setTimeout };
        lockDown(proc, global);
        for (const name of LOCKED_DOWN.process) expect(proc[name], name).toBeUndefined();
        expect([global['fetch'], global['WebSocket'], global['EventSource']]).toEqual([undefined, undefined, undefined]);
        expect(global['setTimeout']).toBe(setTimeout);
        // Not to be put back by code that runs later.
        expect(() => Object.defineProperty(proc, 'getBuiltinModule', { value: () => 'fs' })).toThrow(TypeError);
    });

    it('refuses to go on when a capability cannot be removed', () => {
        const proc = {};
        Object.defineProperty(proc, 'binding', { value: () => 'fs', configurable: false, writable: false });
        expect(() => lockDown(proc, {})).toThrow(/could not remove process\.binding/);
    });
});
