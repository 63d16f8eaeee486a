import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/runtime/run-types.js';
import { compareRecords, compareRun, expectedActionError } from '../../src/testing/compare.js';
import { diffValues, isDeepEqual, toJsonValue } from '../../src/testing/diff.js';
import { formatFailure } from '../../src/testing/report.js';
import { makeRunResult } from '../support/run-result.js';

const result = (partial: Partial<RunResult>): RunResult => makeRunResult({ function: 'f', integration: 'i', connectionId: 'c', ...partial });

describe('diffValues', () => {
    it('names nested paths with expected and actual', () => {
        expect(diffValues({ a: { b: [1, { c: 'x' }] }, gone: 1 }, { a: { b: [1, { c: 'y' }, 3] }, extra: true })).toEqual([
            { path: 'a.b[1].c', expected: 'x', actual: 'y' },
            { path: 'a.b[2]', actual: 3 },
            { path: 'gone', expected: 1 },
            { path: 'extra', actual: true }
        ]);
        expect(diffValues({ 'odd key': 1 }, { 'odd key': 2 })).toEqual([{ path: '["odd key"]', expected: 1, actual: 2 }]);
        expect(diffValues(1, '1')).toEqual([{ path: '', expected: 1, actual: '1' }]);
    });

    it('compares as JSON: undefined fields are absent, dates are strings', () => {
        expect(isDeepEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
        expect(toJsonValue({ at: new Date('2024-01-02T03:04:05.000Z') })).toEqual({ at: '2024-01-02T03:04:05.000Z' });
    });
});

describe('compareRecords', () => {
    it('is order-insensitive by id and names missing, extra and changed records', () => {
        const expected = [
            { id: '1', title: 'one', labels: ['a'] },
            { id: '2', title: 'two' },
            { id: '3', title: 'three' }
        ];
        const actual = [
            { id: '3', title: 'three' },
            { id: '1', title: 'ONE', labels: ['a'] },
            { id: 4, title: 'four' }
        ];
        const failures = compareRecords('batchSave', 'Issue', expected, actual);
        expect(failures.map((f) => f.message)).toEqual([
            'batchSave Issue id 1 field title: expected "one", got "ONE"',
            'batchSave Issue id 2: expected record not saved',
            'batchSave Issue id 4: saved but not in the fixture'
        ]);
        expect(failures[0]).toMatchObject({ kind: 'changed_field', model: 'Issue', recordId: '1', path: 'title', expected: 'one', actual: 'ONE' });
        expect(compareRecords('batchSave', 'Issue', expected, [...expected].reverse())).toEqual([]);
    });
});

describe('compareRun', () => {
    it('compares sync saves and deletes per model, and updates only when the fixture records them', () => {
        const fixture = { nango: { batchSave: { Issue: [{ id: '1', n: 1 }] }, batchDelete: { Issue: [{ id: '9' }] } } };
        const ok = result({ saved: { Issue: [{ id: '1', n: 1 }] }, deleted: { Issue: [{ id: '9' }] }, updated: { Issue: [{ id: '5' }] } });
        expect(compareRun(fixture, 'sync', ok, [])).toEqual([]);
        const bad = result({ saved: { Issue: [{ id: '1', n: 1 }], User: [{ id: 'u' }] }, deleted: {} });
        expect(compareRun(fixture, 'sync', bad, []).map((f) => f.message)).toEqual([
            'batchSave User id u: saved but not in the fixture',
            'batchDelete Issue id 9: expected record not deleted'
        ]);
    });

    it('compares action output', () => {
        const fixture = { input: { id: 1 }, output: { id: 1, name: 'a' } };
        expect(compareRun(fixture, 'action', result({ type: 'action', output: { id: 1, name: 'a' } }), [])).toEqual([]);
        expect(compareRun(fixture, 'action', result({ type: 'action', output: { id: 1, name: 'b' } }), [])).toEqual([
            { kind: 'output', path: 'name', expected: 'a', actual: 'b', message: 'output field name: expected "a", got "b"' }
        ]);
    });

    it('accepts every form of an expected ActionError', () => {
        const threw = result({ type: 'action', ok: false, actionError: { code: 'not_found' }, error: { kind: 'action_error', message: 'Action failed' } });
        const forms = [
            { output: { code: 'not_found' }, actionError: true },
            { actionError: { code: 'not_found' } },
            { output: { error: { payload: { code: 'not_found' }, code: 'action_script_failure' } } }
        ];
        for (const fixture of forms) {
            expect(expectedActionError(fixture)).toBeDefined();
            expect(compareRun(fixture, 'action', threw, [])).toEqual([]);
        }
        const wrongPayload = result({ ...threw, actionError: { code: 'gone' } });
        expect(compareRun(forms[0]!, 'action', wrongPayload, []).map((f) => f.message)).toEqual(['ActionError payload field code: expected "not_found", got "gone"']);
        const returned = result({ type: 'action', output: { fine: true } });
        expect(compareRun(forms[1]!, 'action', returned, [])[0]!.message).toBe(
            'expected the action to throw an ActionError with payload {"code":"not_found"}, but it returned {"fine":true}'
        );
        // The envelope could also be a plain output: returning it passes.
        expect(compareRun(forms[2]!, 'action', result({ type: 'action', output: forms[2]!.output }), [])).toEqual([]);
        expect(compareRun({ output: 1 }, 'action', threw, [])[0]!.kind).toBe('action_error');
    });

    it('puts unrecorded requests first and drops the error that only echoes them', () => {
        const miss = { method: 'GET', endpoint: '/x', params: {}, message: 'unrecorded request GET /x with no params; the fixture records no request at all' };
        const failed = result({ ok: false, error: { kind: 'exception', message: `UnrecordedRequestError: ${miss.message}` } });
        expect(compareRun({}, 'sync', failed, [miss])).toEqual([{ kind: 'unrecorded_request', message: miss.message }]);
    });

    it('says an unrecorded request made again once, with how many times', () => {
        const miss = { method: 'GET', endpoint: '/x', params: {}, message: 'unrecorded request GET /x with no params; the fixture records no request at all' };
        const other = { ...miss, endpoint: '/y', message: 'unrecorded request GET /y with no params; the fixture records no request at all' };
        expect(compareRun({}, 'sync', result({}), [miss, other, miss, miss]).map((f) => f.message)).toEqual([`${miss.message} (made 3 times)`, other.message]);
    });

    it('fails a function that does not load as kind load, with what its file threw', () => {
        const threw = result({ ok: false, error: { kind: 'exception', message: 'the function file threw while loading: Error: no config' } });
        expect(compareRun({}, 'sync', threw, [])).toEqual([{ kind: 'load', message: 'the function did not load: its file threw: Error: no config' }]);
        const invalid = result({ ok: false, error: { kind: 'invalid_function', message: 'i/f does not export a sync definition' } });
        expect(compareRun({}, 'sync', invalid, [])[0]).toEqual({ kind: 'load', message: 'the function did not load: i/f does not export a sync definition' });
    });

    it('shortens long values in messages but keeps them whole for --json', () => {
        const long = 'x'.repeat(500);
        const [failure] = compareRecords('batchSave', 'Doc', [{ id: 'd', body: long }], [{ id: 'd', body: 'short' }]);
        expect(failure!.message).toBe(`batchSave Doc id d field body: expected "${'x'.repeat(118)}…, got "short"`);
        expect(failure!.expected).toBe(long);
    });

    it('formats a failure as readable lines', () => {
        const [failure] = compareRecords('batchSave', 'Issue', [{ id: '1', title: 'a' }], [{ id: '1', title: 'b' }]);
        expect(formatFailure(failure!)).toBe('batchSave Issue id 1 field title: expected "a", got "b"');
    });
});
