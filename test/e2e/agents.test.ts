/**
 * AGENTS.md in a real project: `ferry init` writes it, its three examples compile as written (so
 * the guidance cannot drift from what Ferry accepts), and `ferry generate agents` refreshes only
 * the file Ferry wrote.
 */
import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, runFerry } from '../support/cli.js';

let tmp: string;
let cleanup: () => Promise<void>;
let root: string;
beforeAll(async () => {
    ({ dir: tmp, cleanup } = await makeTempDir('ferry-agents-e2e-'));
    const init = await runFerry(['init', 'demo', '--no-install'], { cwd: tmp });
    expect(init.code, init.stderr).toBe(0);
    root = join(tmp, 'demo');
});
afterAll(() => cleanup());

describe('AGENTS.md', () => {
    it('holds examples that compile as they are written', async () => {
        const text = await readFile(join(root, 'AGENTS.md'), 'utf8');
        const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
        expect(blocks).toHaveLength(3);
        const files = ['agents-md/actions/example-action.ts', 'agents-md/syncs/example-sync.ts', 'agents-md/on-events/example-event.ts'];
        for (const [i, file] of files.entries()) {
            await mkdir(join(root, file, '..'), { recursive: true });
            await writeFile(join(root, file), blocks[i]!);
        }
        const index = join(root, 'index.ts');
        await writeFile(index, `${await readFile(index, 'utf8')}${files.map((f) => `import './${f.replace(/\.ts$/, '.js')}';`).join('\n')}\n`);
        const compiled = await runFerry(['compile', '--json'], { cwd: root, timeoutMs: 120_000 });
        expect(compiled.code, compiled.stdout).toBe(0);
        const names = JSON.parse(compiled.stdout).functions.map((f: { integration: string; name: string; type: string }) => `${f.type} ${f.integration}/${f.name}`);
        expect(names).toEqual(expect.arrayContaining(['action agents-md/example-action', 'sync agents-md/example-sync', 'onEvent agents-md/example-event']));
    }, 120_000);

    it('is refreshed by ferry generate agents only when Ferry wrote it', async () => {
        const path = join(root, 'AGENTS.md');
        const ferrys = await readFile(path, 'utf8');
        const same = await runFerry(['generate', 'agents', '--json'], { cwd: root });
        expect(JSON.parse(same.stdout)).toEqual({ root, file: 'AGENTS.md', status: 'unchanged' });

        await writeFile(path, ferrys.replace('# Working on this project', '# Working on this project (older)'));
        const refreshed = await runFerry(['generate', 'agents'], { cwd: root });
        expect(refreshed.code, refreshed.stderr).toBe(0);
        expect(refreshed.stdout).toContain('Refreshed AGENTS.md');
        expect(await readFile(path, 'utf8')).toBe(ferrys);

        await writeFile(path, '# Our own rules\n');
        const kept = await runFerry(['generate', 'agents'], { cwd: root });
        expect(kept.code).toBe(0);
        expect(kept.stderr).toContain('AGENTS.md exists and was not written by Ferry: left as it is');
        expect(await readFile(path, 'utf8')).toBe('# Our own rules\n');

        await rm(path);
        const written = await runFerry(['generate', 'agents', '--json'], { cwd: root });
        expect(JSON.parse(written.stdout).status).toBe('written');
        expect(await readFile(path, 'utf8')).toBe(ferrys);
    });

    it('takes no integration or name', async () => {
        const result = await runFerry(['generate', 'agents', 'github', '--json'], { cwd: root });
        expect(result.code).toBe(1);
        expect(JSON.parse(result.stdout).error.code).toBe('USAGE');
    });
});
