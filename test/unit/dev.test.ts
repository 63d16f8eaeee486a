import { afterEach, describe, expect, it, vi } from 'vitest';
import { serializeManifest } from '../../src/compiler/manifest.js';
import type { Manifest, ManifestAction, ManifestSync } from '../../src/compiler/types.js';
import { createChangeBatcher } from '../../src/dev/debounce.js';
import type { ChangedFile } from '../../src/dev/events.js';
import { SourceGraph } from '../../src/dev/graph.js';
import { ManifestText } from '../../src/dev/output.js';
import { startBackgroundTypecheck, type CheckScope, type TscRunner } from '../../src/dev/typecheck.js';
import { isIgnored } from '../../src/dev/watcher.js';
import { scanIndex } from '../../src/project/index-scan.js';
import { manifestAction, manifestSync } from '../support/manifest.js';

function sync(name: string, fields: Record<string, unknown>): ManifestSync {
    return manifestSync(name, {
        description: `Syncs ${name} "quoted" \\ and\nnewline`,
        endpoints: [{ method: 'GET', path: `/${name}`, group: 'g' }],
        output: ['Model'],
        usedModels: ['Model'],
        version: '1.0.0',
        json_schema: { definitions: { Model: { type: 'object', properties: fields, required: Object.keys(fields), additionalProperties: false } } }
    });
}

function action(name: string): ManifestAction {
    return manifestAction(name, { description: 'an action', scopes: ['repo'], input: `ActionInput_x_${name}`, version: '0.0.1', features: ['checkpoints'] });
}

describe('ManifestText', () => {
    it("writes exactly what compile's serializeManifest writes, and says when it changed", () => {
        const a = sync('a', { id: { type: 'string' }, n: { type: ['number', 'null'] }, tags: { type: 'array', items: { type: 'string' } } });
        const b = action('b');
        const manifest = (first: ManifestSync, events: string[]): Manifest => [
            { providerConfigKey: 'github', syncs: [first], actions: [b], onEventScripts: { 'post-connection-creation': events, 'pre-connection-deletion': [], 'validate-connection': [] } },
            { providerConfigKey: 'slack', syncs: [], actions: [], onEventScripts: { 'post-connection-creation': [], 'pre-connection-deletion': [], 'validate-connection': ['v'] } }
        ];
        const text = new ManifestText();
        const render = (m: Manifest): { text: string; changed: boolean } => {
            const out = text.render(m);
            return { text: Buffer.concat(out.chunks).toString('utf8'), changed: out.changed };
        };
        expect(render(manifest(a, ['x']))).toEqual({ text: serializeManifest(manifest(a, ['x'])), changed: true });
        expect(render(manifest(a, ['x']))).toEqual({ text: serializeManifest(manifest(a, ['x'])), changed: false });
        const changed = sync('a', { id: { type: 'string' } });
        expect(render(manifest(changed, ['x']))).toEqual({ text: serializeManifest(manifest(changed, ['x'])), changed: true });
        expect(render(manifest(changed, ['x', 'y']))).toEqual({ text: serializeManifest(manifest(changed, ['x', 'y'])), changed: true });
        expect(render(manifest(changed, ['x', 'y']).slice(1))).toEqual({ text: serializeManifest(manifest(changed, ['x', 'y']).slice(1)), changed: true });
        expect(render([])).toEqual({ text: serializeManifest([]), changed: true });
    });
});

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

describe('background type-check', () => {
    /** A runner whose checks finish when the test says so. */
    function fakeRunner(): TscRunner & { scopes: CheckScope[]; finish(): void; aborted: number } {
        const waiting: (() => void)[] = [];
        const runner = {
            scopes: [] as CheckScope[],
            aborted: 0,
            check(signal: AbortSignal, scope: CheckScope) {
                runner.scopes.push(scope === 'all' ? 'all' : new Set(scope));
                return new Promise<{ errors: []; durationMs: number }>((resolve, reject) => {
                    waiting.push(() => resolve({ errors: [], durationMs: 1 }));
                    signal.addEventListener('abort', () => {
                        runner.aborted++;
                        reject(new Error('aborted'));
                    });
                });
            },
            finish() {
                waiting.shift()?.();
            }
        };
        return runner;
    }
    const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

    it('runs one check at a time and folds the saves made during it into one more, with their scopes merged', async () => {
        const runner = fakeRunner();
        const results: number[] = [];
        const check = startBackgroundTypecheck(runner, { onStart: () => {}, onResult: () => results.push(1), onFailure: () => {} });
        check.request(new Set(['/p/a.ts']));
        await tick();
        check.request(new Set(['/p/b.ts']));
        check.request(new Set(['/p/c.ts']));
        expect(runner.scopes).toHaveLength(1);
        runner.finish();
        await tick();
        expect(runner.scopes).toHaveLength(2);
        expect([...(runner.scopes[1] as Set<string>)].sort()).toEqual(['/p/b.ts', '/p/c.ts']);
        check.request(new Set(['/p/d.ts']));
        check.request('all');
        runner.finish();
        await tick();
        expect(runner.scopes[2]).toBe('all');
        runner.finish();
        await tick();
        expect(results).toHaveLength(3);
    });

    it('stop aborts the check in progress and reports nothing after it', async () => {
        const runner = fakeRunner();
        let failures = 0;
        const check = startBackgroundTypecheck(runner, { onStart: () => {}, onResult: () => {}, onFailure: () => failures++ });
        check.request('all');
        await tick();
        await check.stop();
        expect(runner.aborted).toBe(1);
        expect(failures).toBe(0);
        check.request('all');
        await tick();
        expect(runner.scopes).toHaveLength(1);
    });
});

describe('scanIndex (what a dev rebuild and compile read of index.ts)', () => {
    it('returns the entries, and the imports that start like a side-effect import but do not parse', () => {
        const source = [
            "import './github/syncs/issues.js';",
            "import './github/actions/half",
            "import 'dotenv/config';",
            "import '../shared/setup.js'; /* kept */",
            'import ./github/syncs/unquoted.js;',
            "import type { Model } from './models.js';",
            'import {',
            '    helper',
            "} from './helpers.js';",
            "// import './commented",
            '/*',
            "import './in-a-block-comment",
            '*/',
            'import "./github/actions/close.js" // trailing comment',
            "import './github/syncs/tail.js' and more"
        ].join('\n');
        expect(scanIndex(source)).toEqual({
            entries: [
                { specifier: './github/syncs/issues.js', line: 1 },
                // Read so that loadProject refuses it (ENTRY_BAD_PATH): it can never be a function of this project.
                { specifier: '../shared/setup.js', line: 4 },
                { specifier: './github/actions/close.js', line: 14 }
            ],
            broken: [
                { line: 2, text: "import './github/actions/half", fix: expect.stringMatching(/^close the quote, e\.g\. import '/) },
                { line: 5, text: 'import ./github/syncs/unquoted.js;', fix: expect.stringMatching(/^quote the path, e\.g\. import '/) },
                { line: 15, text: "import './github/syncs/tail.js' and more", fix: expect.stringMatching(/^end the line after the quoted path, e\.g\. import '/) }
            ]
        });
    });
});
