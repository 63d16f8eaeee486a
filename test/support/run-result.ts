/** A complete RunResult for printer, fixture and comparison tests: a successful, empty sync unless overridden. */
import type { RunResult } from '../../src/runtime/run-types.js';

export function makeRunResult(partial: Partial<RunResult> = {}): RunResult {
    return {
        ok: true,
        type: 'sync',
        function: 'issues',
        integration: 'github',
        connectionId: 'c1',
        records: {},
        writes: [],
        checkpoint: null,
        metadata: null,
        logs: [],
        logsDropped: 0,
        requests: [],
        validation: [],
        durationMs: 1,
        ...partial
    };
}
