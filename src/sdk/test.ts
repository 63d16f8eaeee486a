/**
 * `ferry/test`: replay a recorded fixture from any test runner (the files `ferry generate tests`
 * writes use it with vitest). The function runs offline exactly as under `ferry test`.
 *
 *   import { replayFixture } from 'ferry/test';
 *   const result = await replayFixture(new URL('./issues.test.json', import.meta.url));
 *   expect(result.failures, result.report).toEqual([]);
 *
 * The types below are this module's whole public surface; the implementation is loaded on the
 * first call, so importing it costs nothing.
 *
 * It also exports `NangoSyncMock` and `NangoActionMock`, the mocks of `nango/test` that Nango
 * projects' vitest files use (see test-mocks.ts). They are made of vitest spies, so they load only
 * inside a vitest run (vitest sets VITEST in its workers); anywhere else this module never loads
 * vitest, and constructing a mock says it needs vitest.
 */
import type * as Mocks from './test-mocks.js';
import type { ReplayFixtureOptions, ReplayFixtureResult } from './test-types.js';

const mocks: typeof Mocks | undefined = process.env['VITEST'] ? await import('./test-mocks.js') : undefined;

function outsideVitest(name: string): never {
    throw new Error(`${name} is made of vitest spies: create it in a test that vitest runs (\`npx vitest run\` or \`ferry test --vitest\`)`);
}

const unavailable = (name: string) =>
    class {
        constructor() {
            outsideVitest(name);
        }
    } as unknown;

export const NangoActionMock = (mocks?.NangoActionMock ?? unavailable('NangoActionMock')) as typeof Mocks.NangoActionMock;
export type NangoActionMock = Mocks.NangoActionMock;
export const NangoSyncMock = (mocks?.NangoSyncMock ?? unavailable('NangoSyncMock')) as typeof Mocks.NangoSyncMock;
export type NangoSyncMock = Mocks.NangoSyncMock;
export type { NangoMockOptions } from './test-mocks.js';

/**
 * What differs between the records a fixture expects and those a run saved (or deleted), one line
 * each, as `ferry test` words it (`batchSave Issue id 7 field title: expected "a", got "b"`);
 * matched by id, last write winning, so the order of the calls does not matter. Empty when equal.
 */
export async function recordDifferences(operation: 'batchSave' | 'batchUpdate' | 'batchDelete', model: string, expected: readonly unknown[] | undefined, actual: readonly unknown[]): Promise<string[]> {
    const { compareRecords } = await import('../testing/compare.js');
    return compareRecords(operation, model, expected ?? [], actual).map((failure) => failure.message);
}

export type { ReplayFailure, ReplayFixtureOptions, ReplayFixtureResult } from './test-types.js';

/** Replays `<integration>/tests/<function>.test.json` (a path or a file: URL) against its function. */
export async function replayFixture(fixture: string | URL, options: ReplayFixtureOptions = {}): Promise<ReplayFixtureResult> {
    const { replayFixtureFile } = await import('../testing/replay-fixture.js');
    return replayFixtureFile(fixture, options);
}
