import { createColors } from 'picocolors';
import { describe, expect, it } from 'vitest';
import type { DryrunOutcome } from '../../src/dryrun/live.js';
import { formatEvent, formatRequest, renderHuman, toJsonDocument } from '../../src/dryrun/render.js';
import type { RunResult } from '../../src/dryrun/types.js';
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
            '--save: no fixture written because of 1 validation issue',
            '1 validation issue: the run fails under --validate',
            'validation: 1 validation issue'
        ]);
        const doc = toJsonDocument(failed);
        expect(doc).toMatchObject({ ok: false, type: 'action', output: null, error: { kind: 'validation' }, saved: null, notSaved: '1 validation issue', out: null, durationMs: 1234 });
        expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
    });
});
