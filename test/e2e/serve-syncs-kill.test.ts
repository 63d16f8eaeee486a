/**
 * A `ferry serve` killed with SIGKILL in the middle of a sync run: every batch the sync saved is
 * still there, none is half-written (counted in the database files themselves, before the next
 * start), and the next start fails the interrupted run and runs the sync again to the end.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/cli.js';
import { copyFixtureProject } from '../support/function-project.js';
import { startServer, type TestServer } from '../support/http.js';
import { startServe, type ServeProcess } from '../support/serve.js';
import { runLocal } from '../support/serve-project.js';
import { waitFor } from '../support/wait.js';

// As many pages as the fixture's bulk/syncs/rows.ts reads.
const PAGES = 15;
const PAGE_SIZE = 2_000;

describe('ferry serve: killed mid-run', () => {
    let root: string;
    let cleanup: () => Promise<void>;
    let serve: ServeProcess | undefined;
    let provider: TestServer;

    beforeAll(async () => {
        ({ dir: root, cleanup } = await makeTempDir('ferry-serve-kill-'));
        await copyFixtureProject('serve-syncs-kill', root);
        provider = await startServer((req) => {
            const page = Number(req.query.get('page'));
            const rows = Array.from({ length: PAGE_SIZE }, (_, i) => ({ id: `${page}-${i}`, page, text: `row ${i} of page ${page} `.repeat(4) }));
            return { body: { rows } };
        });
    });
    afterAll(async () => {
        await serve?.stop();
        await provider?.close();
        await cleanup?.();
    });

    it('keeps every committed batch, none half-written, and resumes the schedule on the next start', async () => {
        serve = await startServe([], { cwd: root });
        const secretKey = serve.secretKey!;
        await runLocal(root, [
            ['integrations', 'create', 'bulk', '--provider', 'github', '--base-url', provider.url],
            ['deploy', '--auto-confirm'],
            ['connections', 'create', 'bulk', 'b1', '--token', 'tok']
        ]);
        const count = async (server: ServeProcess): Promise<number> => {
            const status = await server.api('GET', '/sync/status?provider_config_key=bulk&syncs=rows&connection_id=b1');
            return Number(status.body.syncs?.[0]?.recordCount?.Row ?? 0);
        };
        // Polled often: the kill must land while the run is still saving.
        const seen = await waitFor(
            'some batches saved',
            async () => {
                const n = await count(serve!);
                return n >= 2 * PAGE_SIZE ? n : undefined;
            },
            60_000,
            20
        );
        serve.child.kill('SIGKILL');
        await serve.stop();
        serve = undefined;

        // Read straight from the data folder, as the next start would find it.
        const { PGlite } = await import('@electric-sql/pglite');
        const db = await PGlite.create(join(root, '.ferry/serve/pglite'));
        const rows = await db.query<{ page: number; n: string }>("select (data->>'page')::int as page, count(*) as n from ferry_records group by 1 order by 1");
        const runs = await db.query<{ status: string }>('select status from ferry_sync_runs');
        const saved = await db.query<{ checkpoint: { page: number } }>('select checkpoint from ferry_syncs');
        await db.close();
        const total = rows.rows.reduce((sum, row) => sum + Number(row.n), 0);
        expect(total).toBeGreaterThanOrEqual(seen);
        expect(total).toBeLessThan(PAGES * PAGE_SIZE);
        // Whole pages only: every batch is all there or not at all.
        for (const row of rows.rows) expect(Number(row.n)).toBe(PAGE_SIZE);
        expect(runs.rows.map((run) => run.status)).toEqual(['RUNNING']);
        // The checkpoint saved after each batch is there too (the kill may fall between a batch and its checkpoint).
        const pagesSaved = rows.rows.length;
        const page = saved.rows[0]!.checkpoint.page;
        expect([pagesSaved - 1, pagesSaved - 2]).toContain(page);
        const requestsBefore = provider.requests.length;

        serve = await startServe([], { cwd: root, secretKey });
        const runsNow = async () => (await serve!.api('GET', '/runs?name=rows')).body.runs as { status: string; error: { type: string } | null; result: Record<string, { added: number }> }[];
        const done = await waitFor(
            'the sync to run again to the end',
            async () => {
                const list = await runsNow();
                return list.length === 2 && list[0]!.status !== 'RUNNING' ? list : undefined;
            },
            60_000
        );
        expect(done[1]).toMatchObject({ status: 'ERROR', error: { type: 'interrupted' } });
        expect(done[0]).toMatchObject({ status: 'SUCCESS', result: { Row: { added: PAGES * PAGE_SIZE - total } } });
        expect(await count(serve)).toBe(PAGES * PAGE_SIZE);
        // The run after the restart went on from the checkpoint, not from the first page.
        expect(provider.requests.slice(requestsBefore).map((r) => Number(r.query.get('page')))).toEqual(Array.from({ length: PAGES - page - 1 }, (_, i) => page + 1 + i));
        const status = await serve.api('GET', '/sync/status?provider_config_key=bulk&syncs=rows&connection_id=b1');
        expect(Date.parse(status.body.syncs[0].nextScheduledSyncAt)).toBeGreaterThan(Date.now() + 50 * 60_000);
    }, 120_000);
});
