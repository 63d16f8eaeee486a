import { createColors } from 'picocolors';
import { describe, expect, it } from 'vitest';
import type { DryrunOutcome } from '../../src/dryrun/live.js';
import { formatEvent, formatRequest, renderHuman, toJsonDocument } from '../../src/dryrun/render.js';
import type { RunResult } from '../../src/runtime/run-types.js';
import { makeRunResult } from '../support/run-result.js';

const plain = createColors(false);

function outcome(result: Partial<RunResult>, extra: Partial<DryrunOutcome> = {}): DryrunOutcome {
    return {
        environment: 'dev',
        warnings: [],
        connection: { connection_id: 'c1', provider_config_key: 'github', provider: 'github', metadata: null },
        result: makeRunResult({ durationMs: 1234.4, ...result }),
        ...extra
    };
}

describe('dryrun printers', () => {
    it('prints a request line as METHOD endpoint status duration, with attempts when retried', () => {
        expect(formatRequest({ method: 'GET', endpoint: '/repos/o/r/issues', status: 200, durationMs: 134.2, attempts: 1 }, plain)).toBe('GET /repos/o/r/issues 200 134 ms');
        expect(formatRequest({ method: 'GET', endpoint: '/x', status: 200, durationMs: 5, attempts: 2 }, plain)).toBe('GET /x 200 5 ms (2 attempts)');
        expect(formatEvent({ type: 'log', log: { level: 'warn', message: 'careful', time: '' } }, plain)).toEqual({ level: 'info', text: '[warn] careful' });
    });

    it('summarizes a sync: counts, first records, would-be writes, checkpoint, output file', () => {
        const { stdout, stderr } = renderHuman(
            outcome(
                {
                    records: { Issue: { saved: 5, updated: 0, deleted: 1, first: [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }] } },
                    writes: [{ kind: 'setMetadata', args: { a: 1 } }],
                    checkpoint: { page: 3 }
                },
                { out: { file: '/tmp/x.jsonl', records: 6 } }
            ),
            plain
        );
        expect(stdout[0]).toBe('✓ github/issues (sync) on connection c1 [dev] in 1.23 s');
        expect(stdout).toContain('Issue: 5 saved, 0 updated, 1 deleted');
        expect(stdout).toContain('  {"id":3}');
        expect(stdout).not.toContain('  {"id":4}');
        expect(stdout).toContain('  … 3 more');
        expect(stdout).toContain('  setMetadata {"a":1}');
        expect(stdout).toContain('Checkpoint: {"page":3}');
        expect(stdout).toContain('Records streamed to /tmp/x.jsonl (6 lines)');
        expect(stderr).toEqual([]);
    });

    it('reports failures on stderr and in the JSON document', () => {
        const failed = outcome({
            ok: false,
            type: 'action',
            output: undefined,
            validation: [{ subject: 'output', path: 'title', message: 'expected string' }],
            error: { kind: 'validation', message: '1 validation issue' }
        }, { notSaved: '1 validation issue' });
        const { stdout, stderr } = renderHuman(failed, plain);
        expect(stdout[0]).toMatch(/^✗ github\/issues \(action\)/);
        expect(stderr.map((l) => l.text)).toEqual([
            '--save: no fixture written: 1 validation issue',
            '1 validation issue; the run failed validation',
            'validation: 1 validation issue',
            'Make the data match its schema (each issue names its path), or run without --validate to see the issues as warnings.'
        ]);
        const doc = toJsonDocument(failed);
        expect(doc).toMatchObject({ ok: false, type: 'action', output: null, saved: null, notSaved: '1 validation issue', out: null, durationMs: 1234 });
        expect(doc['error']).toEqual({
            kind: 'validation',
            code: 'VALIDATION_FAILED',
            message: '1 validation issue',
            hint: 'Make the data match its schema (each issue names its path), or run without --validate to see the issues as warnings.'
        });
        expect(doc).not.toHaveProperty('replaced');
        expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
    });

    it('shortens a huge thrown value on the terminal and keeps it whole in --json', () => {
        const message = `the function threw ${JSON.stringify({ rows: 'x'.repeat(5_000) })}`;
        const thrown = outcome({ ok: false, type: 'action', output: undefined, error: { kind: 'exception', message } });
        const line = renderHuman(thrown, plain).stderr.find((l) => l.text.startsWith('the function threw'))!.text;
        expect(line.length).toBe(400);
        expect(line.endsWith('…')).toBe(true);
        expect(line).not.toContain('the function threw: the function threw');
        expect((toJsonDocument(thrown)['error'] as { message: string }).message).toBe(message);
    });

    it('gives each kind of run failure a stable code and a hint, keeping kind', () => {
        const docError = (error: NonNullable<RunResult['error']>, result: Partial<RunResult> = {}): Record<string, unknown> =>
            toJsonDocument(outcome({ ok: false, error, ...result }))['error'] as Record<string, unknown>;
        const response = (status: number, headers: Record<string, string> = {}) => ({ status, headers, data: { message: 'no' } });
        expect(docError({ kind: 'exception', message: 'boom', stack: 'Error: boom\n    at github/syncs/issues.ts:3:9' })).toEqual({
            kind: 'exception',
            code: 'FUNCTION_THREW',
            message: 'boom',
            hint: 'Fix the function where the stack points, then run again.',
            stack: 'Error: boom\n    at github/syncs/issues.ts:3:9'
        });
        expect(docError({ kind: 'action_error', message: 'ActionError: no' })).toMatchObject({ code: 'ACTION_ERROR', hint: expect.stringContaining('actionError') });
        expect(docError({ kind: 'timeout', message: 'late' })).toMatchObject({ code: 'TIMEOUT', hint: expect.stringContaining('Raise --timeout') });
        expect(docError({ kind: 'invalid_function', message: 'not a sync' })).toMatchObject({ code: 'INVALID_FUNCTION', hint: expect.stringContaining('export default') });
        expect(docError({ kind: 'validation', message: 'bad input' }, { validation: [{ subject: 'input', path: 'title', message: 'x' }] })).toMatchObject({
            code: 'VALIDATION_FAILED',
            hint: "Pass an --input that matches the action's input schema (see validation for each path)."
        });
        expect(docError({ kind: 'http', message: 'Request failed with status 401', response: response(401) })).toMatchObject({
            code: 'PROVIDER_HTTP_ERROR',
            hint: expect.stringContaining('re-authorise the connection'),
            response: { status: 401, data: { message: 'no' } }
        });
        expect(docError({ kind: 'http', message: 'x', response: response(403) })['hint']).toContain('re-authorise the connection');
        expect(docError({ kind: 'http', message: 'x', response: response(429, { 'retry-after': '30' }) })['hint']).toBe(
            'The provider rate-limited the run (Retry-After: 30): wait before running again, or give the request `retries` so the run waits for the limit to reset.'
        );
        expect(docError({ kind: 'http', message: 'x', response: response(502) })['hint']).toContain('The provider failed');
        expect(docError({ kind: 'internal', message: 'x' })).toMatchObject({ code: 'RUNTIME_ERROR' });
        // Human mode prints the same hint under the error.
        const { stderr } = renderHuman(outcome({ ok: false, error: { kind: 'timeout', message: 'the function did not finish within 1 s and was stopped' } }), plain);
        expect(stderr.map((l) => l.text)).toEqual([
            'timeout: the function did not finish within 1 s and was stopped',
            'Raise --timeout (e.g. --timeout 5m) if the function needs longer, or find what it waits for (the last request and log lines above).'
        ]);
    });

    it('shows the checkpoint only when there is one, one was given or the sync declares one, and says when --save replaced a fixture', () => {
        const none = renderHuman(outcome({ checkpoint: null }), plain).stdout;
        expect(none.some((line) => line.startsWith('Checkpoint'))).toBe(false);
        expect(renderHuman(outcome({ checkpoint: null }, { checkpointGiven: true }), plain).stdout).toContain('Checkpoint: none');
        // A sync that declares a checkpoint and ends without one: worth saying.
        expect(renderHuman(outcome({ checkpoint: null, checkpointDeclared: true }), plain).stdout).toContain('Checkpoint: none');
        const replaced = outcome({}, { savedTo: '/p/github/tests/issues.test.json', replaced: true });
        expect(renderHuman(replaced, plain).stdout).toContain('Replaced fixture /p/github/tests/issues.test.json');
        expect(toJsonDocument(replaced)).toMatchObject({ saved: '/p/github/tests/issues.test.json', replaced: true });
        expect(renderHuman(outcome({}, { savedTo: '/p/x.test.json', replaced: false }), plain).stdout).toContain('Saved fixture /p/x.test.json');
    });
});
