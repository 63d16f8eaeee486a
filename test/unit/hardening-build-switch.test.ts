/** build/ as a link to one compile's generation: the switch, what a kill leaves, the one-time adoption of a real build/. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdir, readFile, readdir, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SWITCH_FILE_NAME, currentGeneration, recoverBuild, switchBuild } from '../../src/compiler/build-switch.js';
import { projectPaths, type ProjectPaths } from '../../src/compiler/layout.js';
import { makeTempDir } from '../support/cli.js';

let dir: string;
let paths: ProjectPaths;
let cleanup: () => Promise<void>;
beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('ferry-build-switch-'));
    paths = projectPaths(dir);
    await mkdir(join(dir, '.nango'));
    await mkdir(paths.cacheDir, { recursive: true });
});
afterEach(() => cleanup());

async function deadPid(): Promise<number> {
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => child.on('close', resolve));
    return child.pid!;
}

const read = (name: string): Promise<string> => readFile(join(paths.buildDir, name), 'utf8');

describe('switchBuild', () => {
    it('makes build/ a link to the current generation and writes the manifest with it', async () => {
        await switchBuild(paths, { writes: [{ name: 'a.cjs', content: 'a1' }], drop: () => false, manifest: '[]' });
        expect(await readlink(paths.buildDir)).toBe(join('.ferry', 'build', 'current'));
        expect(await readlink(join(paths.generationsDir, 'current'))).toBe(currentGeneration(paths));
        expect(await read('a.cjs')).toBe('a1');
        expect(await readFile(paths.manifestPath, 'utf8')).toBe('[]');
        expect(await readFile(join(dir, '.ferry/.gitignore'), 'utf8')).toMatch(/^\*$/m);
    });

    it('carries unchanged files as hard links, drops and rewrites the others, and keeps one generation', async () => {
        await switchBuild(paths, { writes: ['a', 'b', 'c'].map((n) => ({ name: `${n}.cjs`, content: `${n}1` })), drop: () => false, manifest: ['[', ']'].map((t) => Buffer.from(t)) });
        const first = currentGeneration(paths);
        const inode = (await stat(join(paths.buildDir, 'a.cjs'))).ino;
        await switchBuild(paths, { writes: [{ name: 'b.cjs', content: 'b2' }], drop: (name) => name === 'c.cjs' });
        expect(currentGeneration(paths)).not.toBe(first);
        expect((await readdir(paths.buildDir)).sort()).toEqual(['a.cjs', 'b.cjs']);
        expect((await stat(join(paths.buildDir, 'a.cjs'))).ino).toBe(inode);
        expect(await read('b.cjs')).toBe('b2');
        expect(await readFile(paths.manifestPath, 'utf8')).toBe('[]');
        // The previous generation stays, the buffer the next switch writes into.
        expect((await readdir(paths.generationsDir)).sort()).toEqual([currentGeneration(paths), first, 'current'].sort());
        expect(existsSync(join(paths.cacheDir, SWITCH_FILE_NAME))).toBe(false);
    });

    it('writes the next generation into the kept previous one, bringing it up to date first', async () => {
        await switchBuild(paths, { writes: ['a', 'b', 'c', 'd'].map((n) => ({ name: `${n}.cjs`, content: `${n}1` })), drop: () => false });
        const first = currentGeneration(paths)!;
        await switchBuild(paths, { writes: [{ name: 'b.cjs', content: 'b2' }], drop: (name) => name === 'c.cjs' });
        const second = currentGeneration(paths)!;
        const inodes = async (): Promise<number[]> => Promise.all(['a', 'd'].map(async (n) => (await stat(join(paths.buildDir, `${n}.cjs`))).ino));
        const unchanged = await inodes();
        await switchBuild(paths, { writes: [{ name: 'd.cjs', content: 'd3' }, { name: 'e.cjs', content: 'e3' }], drop: () => false });
        expect(currentGeneration(paths)).toBe(first);
        expect((await readdir(paths.buildDir)).sort()).toEqual(['a.cjs', 'b.cjs', 'd.cjs', 'e.cjs']);
        expect(await Promise.all(['a', 'b', 'd', 'e'].map((n) => read(`${n}.cjs`)))).toEqual(['a1', 'b2', 'd3', 'e3']);
        expect((await inodes())[0]).toBe(unchanged[0]);
        // The generation it replaced is untouched: d.cjs there is still the one it showed.
        expect(await readFile(join(paths.generationsDir, second, 'd.cjs'), 'utf8')).toBe('d1');
        expect((await readdir(join(paths.generationsDir, second))).sort()).toEqual(['a.cjs', 'b.cjs', 'd.cjs']);
    });

    it('builds a fresh generation when the kept one was changed from outside', async () => {
        await switchBuild(paths, { writes: [{ name: 'a.cjs', content: 'a1' }], drop: () => false });
        const first = currentGeneration(paths)!;
        await switchBuild(paths, { writes: [{ name: 'a.cjs', content: 'a2' }], drop: () => false });
        await writeFile(join(paths.generationsDir, first, 'stray.cjs'), 'x');
        await switchBuild(paths, { writes: [{ name: 'b.cjs', content: 'b3' }], drop: () => false });
        expect(currentGeneration(paths)).not.toBe(first);
        expect((await readdir(paths.buildDir)).sort()).toEqual(['a.cjs', 'b.cjs']);
        expect(existsSync(join(paths.generationsDir, first))).toBe(false);
    });

    it('changes nothing when a write fails before the switch, and leaves no temporary file', async () => {
        await switchBuild(paths, { writes: [{ name: 'a.cjs', content: 'a1' }], drop: () => false, manifest: '[1]' });
        const before = currentGeneration(paths);
        const error = await switchBuild(paths, { writes: [{ name: 'no/such/folder.cjs', content: 'x' }], drop: () => false, manifest: '[2]' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Error);
        expect(currentGeneration(paths)).toBe(before);
        expect(await readFile(paths.manifestPath, 'utf8')).toBe('[1]');
        expect((await readdir(join(dir, '.nango'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
        expect((await readdir(paths.generationsDir)).sort()).toEqual([before, 'current'].sort());
    });
    it('builds afresh, and the next run removes the kept generation, after a kill while the kept one was being updated', async () => {
        await switchBuild(paths, { writes: ['a', 'b'].map((n) => ({ name: `${n}.cjs`, content: `${n}1` })), drop: () => false });
        const first = currentGeneration(paths)!;
        await switchBuild(paths, { writes: [{ name: 'a.cjs', content: 'a2' }], drop: () => false });
        // What a kill in the middle of the update leaves: the record cleared, the kept folder half changed.
        await writeFile(join(paths.cacheDir, 'build-generations.json'), '{}');
        await rm(join(paths.generationsDir, first, 'b.cjs'));
        await recoverBuild(paths);
        expect(existsSync(join(paths.generationsDir, first))).toBe(false);
        await switchBuild(paths, { writes: [{ name: 'c.cjs', content: 'c3' }], drop: () => false });
        expect(await Promise.all(['a', 'b', 'c'].map((n) => read(`${n}.cjs`)))).toEqual(['a2', 'b1', 'c3']);
    });
});

describe('recoverBuild', () => {
    it('finishes a switch killed between the link and the manifest', async () => {
        await switchBuild(paths, { writes: [{ name: 'a.cjs', content: 'old' }], drop: () => false, manifest: 'old' });
        // What a kill right after the first rename leaves: the link switched, the manifest staged, the journal.
        await mkdir(join(paths.generationsDir, 'next'));
        await writeFile(join(paths.generationsDir, 'next/a.cjs'), 'new');
        const manifestTemp = join(dir, '.nango/.nango.json.1.00000000.tmp');
        await writeFile(manifestTemp, 'new');
        const linkTemp = join(paths.generationsDir, '.current.1.00000000.tmp');
        await symlink('next', linkTemp);
        const journal = { renames: [[linkTemp, join(paths.generationsDir, 'current')], [manifestTemp, paths.manifestPath]], removals: [] };
        await writeFile(join(paths.cacheDir, SWITCH_FILE_NAME), JSON.stringify(journal));
        await rename(linkTemp, join(paths.generationsDir, 'current'));

        await recoverBuild(paths);
        expect(await read('a.cjs')).toBe('new');
        expect(await readFile(paths.manifestPath, 'utf8')).toBe('new');
        expect((await readdir(paths.generationsDir)).sort()).toEqual(['current', 'next']);
        expect(existsSync(join(paths.cacheDir, SWITCH_FILE_NAME))).toBe(false);
    });

    it('removes what killed runs left: half-written generations, staged links and manifests', async () => {
        await switchBuild(paths, { writes: [{ name: 'a.cjs', content: 'a' }], drop: () => false, manifest: '[]' });
        const pid = await deadPid();
        await mkdir(join(paths.generationsDir, 'killed-run'));
        await writeFile(join(paths.generationsDir, 'killed-run/a.cjs'), 'half');
        await symlink('killed-run', join(paths.generationsDir, `.current.${pid}.0badc0de.tmp`));
        await symlink(join('.ferry', 'build', 'current'), join(dir, `.build.${pid}.0badc0de.tmp`));
        await writeFile(join(dir, `.nango/.nango.json.${pid}.0badc0de.tmp`), '[');

        await recoverBuild(paths);
        expect((await readdir(paths.generationsDir)).sort()).toEqual([currentGeneration(paths), 'current'].sort());
        expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
        expect(await readdir(join(dir, '.nango'))).toEqual(['nango.json']);
        expect(await read('a.cjs')).toBe('a');
    });

    it('adopts a real build/ folder as the first generation and moves the old cache out of it', async () => {
        await mkdir(join(paths.buildDir, '.ferry'), { recursive: true });
        await writeFile(join(paths.buildDir, 'a.cjs'), 'a');
        await writeFile(join(paths.buildDir, '.ferry/compile-cache.json'), '{"key":"k"}');
        // An older Ferry's switch a kill left half done: the next run finishes it before adopting.
        await writeFile(join(paths.buildDir, '.b.cjs.1.00000000.tmp'), 'b');
        const legacy = { renames: [[join(paths.buildDir, '.b.cjs.1.00000000.tmp'), join(paths.buildDir, 'b.cjs')]], removals: [] };
        await writeFile(join(paths.buildDir, '.ferry/build-commit.json'), JSON.stringify(legacy));

        await recoverBuild(paths);
        expect((await lstat(paths.buildDir)).isSymbolicLink()).toBe(true);
        expect((await readdir(paths.buildDir)).sort()).toEqual(['a.cjs', 'b.cjs']);
        expect(await readFile(join(paths.cacheDir, 'compile-cache.json'), 'utf8')).toBe('{"key":"k"}');
    });

    it('finishes an adoption killed between moving build/ and linking it', async () => {
        await mkdir(paths.generationsDir, { recursive: true });
        await mkdir(join(paths.generationsDir, 'first'));
        await writeFile(join(paths.generationsDir, 'first/a.cjs'), 'a');
        await writeFile(join(paths.cacheDir, 'build-adopt'), 'first');

        await recoverBuild(paths);
        expect(currentGeneration(paths)).toBe('first');
        expect(await read('a.cjs')).toBe('a');
        expect(existsSync(join(paths.cacheDir, 'build-adopt'))).toBe(false);
    });
});
