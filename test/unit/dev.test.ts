import { afterEach, describe, expect, it, vi } from 'vitest';
import { createChangeBatcher } from '../../src/dev/debounce.js';
import type { ChangedFile } from '../../src/dev/events.js';
import { SourceGraph } from '../../src/dev/graph.js';
import { isIgnored } from '../../src/dev/watcher.js';

describe('SourceGraph', () => {
    it('maps a shared file to every function built from it, and forgets removed ones', () => {
        const graph = new SourceGraph();
        graph.set('a', ['/p/a.ts', '/p/helpers.ts']);
        graph.set('b', ['/p/b.ts', '/p/helpers.ts']);
        expect([...graph.affectedBy(['/p/helpers.ts'])].sort()).toEqual(['a', 'b']);
        expect([...graph.affectedBy(['/p/a.ts'])]).toEqual(['a']);
        graph.set('a', ['/p/a.ts']);
        expect([...graph.affectedBy(['/p/helpers.ts'])]).toEqual(['b']);
        graph.delete('b');
        expect(graph.isInput('/p/helpers.ts')).toBe(false);
    });
});

describe('change batcher', () => {
    afterEach(() => {
        vi.useRealTimers();
    });

    it('hands a burst of saves over as one batch, an atomic save as a change', () => {
        vi.useFakeTimers();
        const batches: ChangedFile[][] = [];
        const batcher = createChangeBatcher((files) => batches.push(files), 30, 200);
        batcher.add('a.ts', 'change');
        vi.advanceTimersByTime(10);
        batcher.add('b.ts', 'unlink');
        vi.advanceTimersByTime(10);
        batcher.add('b.ts', 'add');
        vi.advanceTimersByTime(29);
        expect(batches).toHaveLength(0);
        vi.advanceTimersByTime(1);
        expect(batches).toEqual([
            [
                { file: 'a.ts', kind: 'change' },
                { file: 'b.ts', kind: 'change' }
            ]
        ]);
    });

    it('does not let a stream of saves hold the rebuild back past the cap', () => {
        vi.useFakeTimers();
        const batches: ChangedFile[][] = [];
        const batcher = createChangeBatcher((files) => batches.push(files), 30, 100);
        for (let i = 0; i < 10; i++) {
            batcher.add(`f${i}.ts`, 'change');
            vi.advanceTimersByTime(20);
        }
        expect(batches.length).toBeGreaterThanOrEqual(1);
        expect(batches[0]!.length).toBeLessThanOrEqual(6);
    });
});

describe('watcher filter', () => {
    it('ignores what Ferry and package managers write, and recorded fixtures', () => {
        for (const path of ['/p/node_modules/zod/index.ts', '/p/build/a.cjs', '/p/.nango/nango.json', '/p/dist/x.ts', '/p/github/tests/issues.test.json', '/other/x.ts']) {
            expect(isIgnored('/p', path), path).toBe(true);
        }
        for (const path of ['/p', '/p/index.ts', '/p/github/syncs/issues.ts', '/p/tsconfig.json']) expect(isIgnored('/p', path), path).toBe(false);
    });
});
