import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestHash } from '../../src/runtime/fixture.js';
import { openJsonlSink } from '../../src/dryrun/jsonl-sink.js';
import { apiSection, buildFixture, saveFixture, whyNotSavable } from '../../src/dryrun/save.js';
import type { RecordedExchange, RunResult } from '../../src/runtime/run-types.js';
import { makeTempDir } from '../support/cli.js';
import { makeRunResult } from '../support/run-result.js';

const SECRET = 'sk-live-0123456789abcdef';

function result(overrides: Partial<RunResult> = {}): RunResult {
    return makeRunResult({
        records: { Issue: { saved: 2, updated: 0, deleted: 1, first: [] } },
        saved: { Issue: [{ id: '1' }, { id: '2' }] },
        updated: { Issue: [] },
        deleted: { Issue: [{ id: '3' }] },
        metadata: { owner: 'o' },
        exchanges: [],
        durationMs: 5,
        ...overrides
    });
}

const page = (n: number): RecordedExchange => ({
    request: { method: 'GET', endpoint: '/repos/o/r/issues', params: { page: n }, headers: { authorization: `Bearer ${SECRET}`, accept: 'application/json' } },
    response: { status: 200, headers: { 'content-type': 'application/json', link: '<x>; rel="next"', date: 'now', 'set-cookie': 'a=b' }, data: [{ id: n }] }
});

describe('dryrun --save', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    beforeAll(async () => ({ dir, cleanup } = await makeTempDir()));
    afterAll(() => cleanup());

    it('groups exchanges by lower-case method and endpoint, a list for repeated calls, without secret or transient headers', () => {
        const api = apiSection([page(1), page(2), { request: { method: 'POST', endpoint: '/x', data: { a: 1 } }, response: { status: 201, headers: {}, data: { ok: true } } }]);
        const list = api['get']!['/repos/o/r/issues'];
        expect(Array.isArray(list)).toBe(true);
        const entries = list as { hash: string; headers: Record<string, string>; request: { params: unknown; headers: Record<string, string> } }[];
        expect(entries).toHaveLength(2);
        expect(entries[0]!.hash).toBe(requestHash(page(1).request));
        expect(entries[0]!.request.params).toEqual({ page: 1 });
        expect(entries[0]!.request.headers).toEqual({ accept: 'application/json' });
        expect(entries[0]!.headers).toEqual({ 'content-type': 'application/json', link: '<x>; rel="next"' });
        expect(api['post']!['/x']).toMatchObject({ status: 201, response: { ok: true }, request: { data: { a: 1 } } });
        expect(JSON.stringify(api)).not.toContain(SECRET);
    });

    it('records a sync\'s batchSave/batchDelete and an action\'s input, output or ActionError payload', () => {
        const connection = { connection_id: 'c1', provider_config_key: 'github', provider: 'github', metadata: null, credentials: { access_token: 'tok' } };
        const sync = buildFixture({ result: result(), connection });
        expect(sync.nango).toMatchObject({ batchSave: { Issue: [{ id: '1' }, { id: '2' }] }, batchDelete: { Issue: [{ id: '3' }] }, getMetadata: { owner: 'o' } });
        expect(sync.nango!.getConnection).toEqual({ connection_id: 'c1', provider_config_key: 'github', provider: 'github', metadata: null });
        expect('input' in sync).toBe(false);
        const action = buildFixture({ result: result({ type: 'action', output: { n: 1 }, records: {} }), connection, input: { q: 'x' } });
        expect(action).toMatchObject({ input: { q: 'x' }, output: { n: 1 } });
        const failed = buildFixture({
            result: result({ type: 'action', ok: false, actionError: { code: 'bad' }, error: { kind: 'action_error', message: 'bad' } }),
            connection,
            input: 1
        });
        expect(failed).toMatchObject({ output: { code: 'bad' }, actionError: true });
    });

    it('refuses runs that failed or have validation issues', () => {
        expect(whyNotSavable(result())).toBeUndefined();
        expect(whyNotSavable(result({ validation: [{ subject: 'batchSave', path: 'title', message: 'x' }] }))).toBe('1 validation issue (a fixture records a run without any: fix it, then save again)');
        expect(whyNotSavable(result({ ok: false, error: { kind: 'exception', message: 'x' } }))).toBe('the run failed (the function threw)');
        expect(whyNotSavable(result({ ok: false, error: { kind: 'timeout', message: 'x' } }))).toBe('the run failed (it timed out)');
        expect(whyNotSavable(result({ ok: false, error: { kind: 'action_error', message: 'x' } }))).toBeUndefined();
    });

    it('writes atomically and refuses a file that would contain the secret key', async () => {
        const connection = { connection_id: 'c1', provider_config_key: 'github', provider: 'github', metadata: null };
        const source = { result: result({ exchanges: [page(1)] }), connection };
        const { file, replaced } = await saveFixture(source, { root: dir, secrets: [{ name: 'NANGO_SECRET_KEY_DEV', value: SECRET }] });
        expect(file).toBe(join(dir, 'github/tests/issues.test.json'));
        expect(replaced).toBe(false);
        expect(JSON.parse(await readFile(file, 'utf8')).api.get['/repos/o/r/issues'].status).toBe(200);
        // Saving the same function again replaces the file and says so.
        expect(await saveFixture(source, { root: dir, secrets: [] })).toEqual({ file, replaced: true });

        const leaky = result({ function: 'leaky', exchanges: [{ request: { method: 'GET', endpoint: '/me' }, response: { status: 200, headers: {}, data: { echoed: SECRET } } }] });
        const error = await saveFixture({ result: leaky, connection }, { root: dir, secrets: [{ name: 'NANGO_SECRET_KEY_DEV', value: SECRET }] }).catch((e: unknown) => e);
        expect((error as { code: string }).code).toBe('FIXTURE_HAS_SECRET');
        expect((error as Error).message).toContain('NANGO_SECRET_KEY_DEV');
        expect((error as Error).message).not.toContain(SECRET);
        expect(await readdir(join(dir, 'github/tests'))).toEqual(['issues.test.json']);
    });

    it('streams JSON lines to a temporary file and renames it only on commit', async () => {
        const target = join(dir, 'out/records.jsonl');
        const sink = await openJsonlSink(target);
        for (let i = 0; i < 5000; i++) await sink.write({ model: 'Issue', op: 'save', record: { id: i, pad: 'x'.repeat(100) } });
        expect(await readdir(join(dir, 'out')).then((names) => names.includes('records.jsonl'))).toBe(false);
        await sink.commit();
        const lines = (await readFile(target, 'utf8')).trim().split('\n');
        expect(lines).toHaveLength(5000);
        expect(JSON.parse(lines[4999]!)).toMatchObject({ model: 'Issue', op: 'save', record: { id: 4999 } });

        const aborted = await openJsonlSink(join(dir, 'out/aborted.jsonl'));
        await aborted.write({ model: 'Issue', op: 'delete', record: { id: 1 } });
        await aborted.abort();
        expect(await readdir(join(dir, 'out'))).toEqual(['records.jsonl']);
    });

    it('leaves no temporary file behind when the target cannot take the file', async () => {
        await mkdir(join(dir, 'blocked/records.jsonl'), { recursive: true });
        const sink = await openJsonlSink(join(dir, 'blocked/records.jsonl'));
        await sink.write({ model: 'Issue', op: 'save', record: { id: 1 } });
        await expect(sink.commit()).rejects.toThrow();
        expect(await readdir(join(dir, 'blocked'))).toEqual(['records.jsonl']);
    });
});
