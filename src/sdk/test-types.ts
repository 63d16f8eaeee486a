/**
 * The public types of `ferry/test`'s replay (test.ts re-exports them); in their own file so the
 * replay's implementation (src/testing/) can name them without importing test.ts, which loads it.
 */
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
