/**
 * A new PGlite data folder: the first one runs initdb and leaves a copy as the template (a folder in
 * the user cache); the next ones are copies of it, with their own data; a data folder that exists is
 * reopened as it is.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/serve/storage.js';

describe('PGlite data folders from a template', () => {
    let dir: string;
    beforeAll(async () => {
        dir = await mkdtemp(join(tmpdir(), 'ferry-pglite-template-'));
    });
    afterAll(async () => {
        await rm(dir, { recursive: true, force: true });
    });

    it('saves the template on the first initdb, copies it for the next folders, and keeps each folder its own', async () => {
        const template = join(dir, 'cache', 'pglite-fresh');
        const first = await openPglite(join(dir, 'a', 'pglite'), { templateFile: template });
        expect(existsSync(join(template, 'PG_VERSION'))).toBe(true);
        await first.exec('create table t (v text)');
        await first.query('insert into t values ($1)', ['in a']);
        await first.close();

        const second = await openPglite(join(dir, 'b', 'pglite'), { templateFile: template });
        // A copy of the fresh database: none of a's tables.
        expect(await second.query("select count(*)::int as n from pg_tables where tablename = 't'")).toEqual([{ n: 0 }]);
        expect(await second.query('show shared_buffers')).toEqual([{ shared_buffers: '32MB' }]);
        await second.close();
        // No temporary copy left beside the folders.
        expect((await readdir(join(dir, 'b'))).sort()).toEqual(['pglite']);

        const again = await openPglite(join(dir, 'a', 'pglite'), { templateFile: template });
        expect(await again.query('select v from t')).toEqual([{ v: 'in a' }]);
        await again.close();
    });
});
