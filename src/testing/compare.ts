/**
 * What a replayed run got against what the fixture recorded. Actions: the output, or the payload
 * of an expected ActionError. Syncs: the records saved and deleted per model, matched by id in
 * any order, each difference named by model, record id and field path.
 */
import type { Fixture } from '../runtime/fixture.js';
import type { FunctionKind, RunResult } from '../runtime/run-types.js';
import type { ReplayFailure } from '../sdk/test-types.js';
import { diffValues, preview, toJsonValue, type Difference } from './diff.js';
import type { ReplayMiss } from './replay-transport.js';

/** One thing that did not match; flat so `--json` readers need no tree walking. The public shape lives with `ferry/test`. */
export type TestFailure = ReplayFailure;
export type FailureKind = ReplayFailure['kind'];
export type RecordOperationKey = NonNullable<ReplayFailure['operation']>;

/** How many failures one test reports before summarizing the rest. */
export const MAX_FAILURES = 50;

/** The ActionError payload the fixture expects, if it expects one. */
export interface ExpectedActionError {
    payload: unknown;
    /** True when the fixture could also mean a plain output that looks like an error (Nango's envelope). */
    ambiguous: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Forms accepted: Ferry's `--save` (`"actionError": true`, the payload in `output`), an explicit
 * payload (`"actionError": {...}`), and the envelope an ActionError becomes on the platform
 * (`"output": { "error": { "payload": {...} } }`), which a function could also return as is.
 */
export function expectedActionError(fixture: Fixture & Record<string, unknown>): ExpectedActionError | undefined {
    const marker = fixture['actionError'];
    if (marker === true) return { payload: fixture.output ?? null, ambiguous: false };
    if (marker !== undefined && marker !== false && marker !== null) return { payload: marker, ambiguous: false };
    const output = fixture.output;
    if (isObject(output) && Object.keys(output).length === 1 && isObject(output['error']) && 'payload' in output['error']) {
        return { payload: output['error']['payload'], ambiguous: true };
    }
    return undefined;
}

function recordId(record: unknown, index: number): string {
    if (isObject(record) && (typeof record['id'] === 'string' || typeof record['id'] === 'number')) return String(record['id']);
    return `#${index}`;
}

/** Last write wins, as the platform de-duplicates by id. */
function byId(records: readonly unknown[]): Map<string, unknown> {
    const map = new Map<string, unknown>();
    records.forEach((record, i) => map.set(recordId(record, i), toJsonValue(record)));
    return map;
}

export function compareRecords(operation: RecordOperationKey, model: string, expected: readonly unknown[], actual: readonly unknown[]): TestFailure[] {
    const want = byId(expected);
    const got = byId(actual);
    const failures: TestFailure[] = [];
    for (const [id, record] of want) {
        if (!got.has(id)) {
            failures.push({ kind: 'missing_record', operation, model, recordId: id, expected: record, message: `${operation} ${model} id ${id}: expected record not ${verb(operation)}` });
            continue;
        }
        for (const difference of diffValues(record, got.get(id))) {
            failures.push({
                kind: 'changed_field',
                operation,
                model,
                recordId: id,
                path: difference.path,
                ...sides(difference),
                message: `${operation} ${model} id ${id} field ${difference.path || '(record)'}: ${describe(difference)}`
            });
        }
    }
    for (const [id, record] of got) {
        if (!want.has(id)) failures.push({ kind: 'extra_record', operation, model, recordId: id, actual: record, message: `${operation} ${model} id ${id}: ${verb(operation)} but not in the fixture` });
    }
    return failures;
}

const verb = (operation: RecordOperationKey): string => (operation === 'batchDelete' ? 'deleted' : operation === 'batchUpdate' ? 'updated' : 'saved');

function sides(difference: Difference): Pick<TestFailure, 'expected' | 'actual'> {
    return { ...(difference.expected === undefined ? {} : { expected: difference.expected }), ...(difference.actual === undefined ? {} : { actual: difference.actual }) };
}

/** Shortened for the terminal; `--json` keeps both values whole. */
function describe(difference: Difference): string {
    return `expected ${preview(difference.expected, 120)}, got ${preview(difference.actual, 120)}`;
}

function compareOutput(expected: unknown, actual: unknown, label: 'output' | 'ActionError payload'): TestFailure[] {
    return diffValues(toJsonValue(expected) ?? null, toJsonValue(actual) ?? null).map((difference) => ({
        kind: label === 'output' ? ('output' as const) : ('action_error' as const),
        path: difference.path,
        ...sides(difference),
        message: `${label}${difference.path ? ` field ${difference.path}` : ''}: ${describe(difference)}`
    }));
}

function compareAction(fixture: Fixture & Record<string, unknown>, result: RunResult): TestFailure[] {
    const expectedError = expectedActionError(fixture);
    const threw = result.error?.kind === 'action_error';
    if (expectedError) {
        if (threw) return compareOutput(expectedError.payload, result.actionError, 'ActionError payload');
        if (expectedError.ambiguous && !result.error) return compareOutput(fixture.output, result.output, 'output');
        if (result.error) return [errorFailure(result)];
        return [
            {
                kind: 'action_error',
                expected: expectedError.payload,
                ...(result.output === undefined ? {} : { actual: toJsonValue(result.output) }),
                message: `expected the action to throw an ActionError with payload ${preview(expectedError.payload, 120)}, but it returned ${preview(toJsonValue(result.output) ?? null, 120)}`
            }
        ];
    }
    if (threw) {
        return [{ kind: 'action_error', actual: toJsonValue(result.actionError), message: `the action threw an ActionError with payload ${preview(toJsonValue(result.actionError) ?? null, 120)}, the fixture expects an output` }];
    }
    if (result.error) return [errorFailure(result)];
    return compareOutput(fixture.output, result.output, 'output');
}

function compareSync(fixture: Fixture, result: RunResult): TestFailure[] {
    if (result.error) return [errorFailure(result)];
    const failures: TestFailure[] = [];
    const sections: [RecordOperationKey, Record<string, unknown[]> | undefined, Record<string, unknown[]> | undefined][] = [
        ['batchSave', fixture.nango?.batchSave ?? {}, result.saved],
        ['batchDelete', fixture.nango?.batchDelete ?? {}, result.deleted],
        // Nango's CLI does not record updates: only compare them when the fixture has them.
        ['batchUpdate', fixture.nango?.batchUpdate, result.updated]
    ];
    for (const [operation, expected, actual] of sections) {
        if (expected === undefined) continue;
        const models = new Set([...Object.keys(expected), ...Object.keys(actual ?? {})]);
        for (const model of [...models].sort()) failures.push(...compareRecords(operation, model, expected[model] ?? [], actual?.[model] ?? []));
    }
    return failures;
}

const LOAD_THREW = 'the function file threw while loading: ';

function errorFailure(result: RunResult): TestFailure {
    const error = result.error!;
    if (error.kind === 'invalid_function' || error.message.startsWith(LOAD_THREW)) {
        return { kind: 'load', message: `the function did not load: ${error.message.replace(LOAD_THREW, 'its file threw: ')}`, ...(error.stack ? { stack: error.stack } : {}) };
    }
    return {
        kind: 'error',
        message: `the function failed (${error.kind}): ${error.message}`,
        ...(error.stack ? { stack: error.stack } : {})
    };
}

/** Every failure of one replay, unrecorded requests first since they usually explain the rest. */
export function compareRun(fixture: Fixture & Record<string, unknown>, type: FunctionKind, result: RunResult, misses: readonly ReplayMiss[]): TestFailure[] {
    // The same unrecorded request made again (a retry the function wrote, parallel calls) is one failure.
    const repeats = new Map<string, number>();
    for (const miss of misses) repeats.set(miss.message, (repeats.get(miss.message) ?? 0) + 1);
    const failures: TestFailure[] = [...repeats].map(([message, times]) => ({ kind: 'unrecorded_request', message: times > 1 ? `${message} (made ${times} times)` : message }));
    const rest = type === 'action' ? compareAction(fixture, result) : type === 'sync' ? compareSync(fixture, result) : result.error ? [errorFailure(result)] : [];
    // An error that is only the echo of an unrecorded request says nothing new.
    const echoes = (failure: TestFailure): boolean => failure.kind === 'error' && misses.some((miss) => failure.message.includes(miss.message));
    failures.push(...rest.filter((failure) => !echoes(failure)));
    if (failures.length <= MAX_FAILURES) return failures;
    const kept = failures.slice(0, MAX_FAILURES);
    kept.push({ kind: failures[MAX_FAILURES]!.kind, message: `… and ${failures.length - MAX_FAILURES} more differences` });
    return kept;
}
