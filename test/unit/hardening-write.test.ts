/** Writes that a kill -9 cannot leave half done, temporary files a killed run left, the compile lock. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanStaleTemps, commitRenames, recoverCommit, writeFileAtomic } from '../../src/util/fs.js';
import { acquireLock, waitingMessage } from '../../src/util/lock.js';
import { makeTempDir } from '../support/cli.js';

/** A pid that is certainly not running: a child that has exited. */
async function deadPid(): Promise<number> {
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => child.on('close', resolve));
    return child.pid!;
}

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('ferry-hardening-'));
});
afterEach(() => cleanup());

describe('commitRenames and recoverCommit', () => {
    it('switches every file and removal at once and leaves no journal or temporary file', async () => {
        await writeFile(join(dir, 'a.cjs'), 'old a');
        await writeFile(join(dir, 'gone.cjs'), 'old');
        await writeFile(join(dir, '.a.cjs.1.00000000.tmp'), 'new a');
        await writeFile(join(dir, '.b.cjs.1.00000000.tmp'), 'new b');
        await commitRenames(
            join(dir, 'state/commit.json'),
            [
                [join(dir, '.a.cjs.1.00000000.tmp'), join(dir, 'a.cjs')],
                [join(dir, '.b.cjs.1.00000000.tmp'), join(dir, 'b.cjs')]
            ],
            [join(dir, 'gone.cjs')]
        );
        expect((await readdir(dir)).sort()).toEqual(['a.cjs', 'b.cjs', 'state']);
        expect(await readFile(join(dir, 'a.cjs'), 'utf8')).toBe('new a');
        expect(await readdir(join(dir, 'state'))).toEqual([]);
    });

    it('finishes the switch a run killed after its commit point left half done (some renamed, some not)', async () => {
        // What a kill -9 between two renames leaves: the journal, one file switched, one still staged.
        await writeFile(join(dir, 'a.cjs'), 'new a');
        await writeFile(join(dir, 'b.cjs'), 'old b');
        await writeFile(join(dir, '.b.cjs.999999.0badc0de.tmp'), 'new b');
        await writeFile(join(dir, 'gone.cjs'), 'old');
        const journal = join(dir, 'commit.json');
        await writeFile(
            journal,
            JSON.stringify({ renames: [[join(dir, '.a.cjs.999999.00000000.tmp'), join(dir, 'a.cjs')], [join(dir, '.b.cjs.999999.0badc0de.tmp'), join(dir, 'b.cjs')]], removals: [join(dir, 'gone.cjs')] })
        );
        expect(await recoverCommit(journal)).toBe(true);
        expect((await readdir(dir)).sort()).toEqual(['a.cjs', 'b.cjs']);
        expect(await readFile(join(dir, 'b.cjs'), 'utf8')).toBe('new b');
        expect(await recoverCommit(journal)).toBe(false);
    });

    it('a journal that cannot be written changes nothing and removes what was staged', async () => {
        await writeFile(join(dir, 'a.cjs'), 'old a');
        await writeFile(join(dir, '.a.cjs.1.00000000.tmp'), 'new a');
        await writeFile(join(dir, 'blocked'), '');
        const error = await commitRenames(join(dir, 'blocked/commit.json'), [[join(dir, '.a.cjs.1.00000000.tmp'), join(dir, 'a.cjs')]]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Error);
        expect(await readFile(join(dir, 'a.cjs'), 'utf8')).toBe('old a');
        expect((await readdir(dir)).sort()).toEqual(['a.cjs', 'blocked']);
    });
});

describe('temporary files of killed writers', () => {
    it('removes those of dead processes only, and writeFileAtomic removes those of its own target', async () => {
        const dead = await deadPid();
        const mine = `.nango.json.${process.pid}.12345678.tmp`;
        await writeFile(join(dir, `.nango.json.${dead}.abcdef01.tmp`), 'left by a kill');
        await writeFile(join(dir, `.other.json.${dead}.abcdef02.tmp`), 'left by a kill');
        await writeFile(join(dir, mine), 'being written right now');
        await writeFileAtomic(join(dir, 'nango.json'), '[]');
        expect((await readdir(dir)).sort()).toEqual([`.other.json.${dead}.abcdef02.tmp`, mine, 'nango.json'].sort());
        await cleanStaleTemps(dir);
        expect((await readdir(dir)).sort()).toEqual([mine, 'nango.json'].sort());
    });
});

describe('the compile lock', () => {
    it('waits for a live holder, says which pid it waits for, and takes the lock once it is free', async () => {
        const lock = join(dir, 'state/compile.lock');
        const release = await acquireLock(lock);
        expect(await readFile(lock, 'utf8')).toBe(String(process.pid));
        const waited: number[] = [];
        let second = false;
        const next = acquireLock(lock, { pollMs: 10, onWait: (pid) => waited.push(pid) }).then((r) => {
            second = true;
            return r;
        });
        await new Promise((resolve) => setTimeout(resolve, 60));
        expect(second).toBe(false);
        expect(waited).toEqual([process.pid]);
        expect(waitingMessage(process.pid)).toBe(`waiting for another compile of this project (pid ${process.pid})`);
        await release();
        const releaseSecond = await next;
        expect(existsSync(lock)).toBe(true);
        await releaseSecond();
        expect(existsSync(lock)).toBe(false);
    });

    it('takes over the lock of a process that died holding it', async () => {
        const lock = join(dir, 'compile.lock');
        await writeFile(lock, String(await deadPid()));
        const waited: number[] = [];
        const release = await acquireLock(lock, { onWait: (pid) => waited.push(pid) });
        expect(waited).toEqual([]);
        expect(await readFile(lock, 'utf8')).toBe(String(process.pid));
        await release();
        await rm(lock, { force: true });
    });
});
