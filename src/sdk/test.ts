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

export interface ReplayFailure {
    /** `bundle`: the function does not build; `load`: it built but its file threw or exports no definition. */
    kind: 'fixture' | 'bundle' | 'load' | 'unrecorded_request' | 'error' | 'output' | 'action_error' | 'missing_record' | 'extra_record' | 'changed_field';
    /** One line naming what differs: model, record id and field, or the unrecorded request. */
    message: string;
    operation?: 'batchSave' | 'batchUpdate' | 'batchDelete';
    model?: string;
    recordId?: string;
    path?: string;
    expected?: unknown;
    actual?: unknown;
    stack?: string;
}

export interface ReplayFixtureOptions {
    /** Stop a function that hangs after this long (default 30 s). */
    timeoutMs?: number;
    /** The function's clock starts here (a Date or an ISO string) instead of at the fixture's recording time. */
    now?: Date | string;
}

export interface ReplayFixtureResult {
    ok: boolean;
    function: string;
    integration: string;
    /** The fixture, relative to the project root. */
    fixture: string;
    durationMs: number;
    /** The instant (ISO) the function's clock was frozen at, and where it came from. */
    now?: string;
    nowFrom?: 'option' | 'recordedAt' | 'date header' | 'recorded request' | 'run start';
    /** Notes that are not failures, e.g. the function file is not imported by index.ts. */
    notes?: string[];
    /** Empty when the run matched the fixture. */
    failures: ReplayFailure[];
    /** The failures as `ferry test` prints them: a good assertion message. */
    report: string;
    /** What the action returned. */
    output?: unknown;
    /** The payload of the ActionError the action threw. */
    actionError?: unknown;
    /** Every record the sync saved, updated or deleted, per model. */
    saved?: Record<string, unknown[]>;
    updated?: Record<string, unknown[]>;
    deleted?: Record<string, unknown[]>;
    logs: { level: string; message: string; time: string }[];
}

/** Replays `<integration>/tests/<function>.test.json` (a path or a file: URL) against its function. */
export async function replayFixture(fixture: string | URL, options: ReplayFixtureOptions = {}): Promise<ReplayFixtureResult> {
    const { replayFixtureFile } = await import('../testing/replay-fixture.js');
    return replayFixtureFile(fixture, options);
}
