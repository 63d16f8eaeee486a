/** The compile cache vouches only for bundles built from the bytes on disk: an edit during a compile is rebuilt next time. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledSources, stampsMatchBundle } from '../../src/compiler/cache.js';
import { compileProject } from '../../src/compiler/compile.js';
import { fileStamp, type FileStamp } from '../../src/compiler/stamps.js';
import { makeTempDir } from '../support/cli.js';

const action = (marker: string): string => `import { createAction } from 'nango';
import * as z from 'zod';

export default createAction({
    description: 'Says which version it is',
    input: z.object({}),
    output: z.object({ version: z.string() }),
    exec: async () => ({ version: '${marker}' })
});
`;

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
    ({ dir: root, cleanup } = await makeTempDir('ferry-stale-'));
    await mkdir(join(root, '.nango'));
    await mkdir(join(root, 'demo/actions'), { recursive: true });
    await writeFile(join(root, 'package.json'), '{ "type": "module" }\n');
    await writeFile(join(root, 'index.ts'), "import './demo/actions/which.js';\n");
    await writeFile(join(root, 'demo/actions/which.ts'), action('first'));
});
afterAll(() => cleanup());

describe('an edit while compile runs', () => {
    it('is never recorded as cached: the next compile rebuilds it from the new text', async () => {
        const file = join(root, 'demo/actions/which.ts');
        const bundle = join(root, 'build/demo_actions_which.cjs');
        // The edit lands after esbuild read the file and before compile stamps it: the race of a
        // save 0.1-0.2 s into a compile, made deterministic.
        const first = await compileProject({
            cwd: root,
            typecheck: false,
            onProgress: (event) => {
                if (event.stage === 'bundle' && event.durationMs !== undefined) void writeFile(file, action('second'));
            }
        });
        expect(first.ok).toBe(true);
        expect(await readFile(bundle, 'utf8')).toMatch(/version: ["']first["']/);
        expect(await readFile(file, 'utf8')).toContain("'second'");

        const next = await compileProject({ cwd: root, typecheck: false });
        expect(next.ok).toBe(true);
        expect(next.functions.map((f) => f.cached)).toEqual([false]);
        expect(await readFile(bundle, 'utf8')).toMatch(/version: ["']second["']/);

        const warm = await compileProject({ cwd: root, typecheck: false });
        expect(warm.functions.map((f) => f.cached)).toEqual([true]);
    });
});

describe('stampsMatchBundle', () => {
    it('compares what is on disk with the sources the bundle carries', async () => {
        await compileProject({ cwd: root, typecheck: false });
        const file = join(root, 'demo/actions/which.ts');
        const bundlePath = join(root, 'build/demo_actions_which.cjs');
        const code = await readFile(bundlePath, 'utf8');
        const sources = bundledSources(code, bundlePath);
        expect(sources?.get(file)).toBe(await readFile(file, 'utf8'));
        const stamp = (await fileStamp(file)) as FileStamp;
        expect(stampsMatchBundle([stamp], sources, Date.now())).toBe(true);
        expect(stampsMatchBundle([{ ...stamp, hash: 'another text' }], sources, Date.now())).toBe(false);
        // A file the bundle does not carry counts only when it was written well before the build.
        const other = { path: join(root, 'demo/types.ts'), mtimeMs: Date.now(), size: 1, hash: 'x' };
        expect(stampsMatchBundle([other], sources, Date.now())).toBe(false);
        expect(stampsMatchBundle([{ ...other, mtimeMs: Date.now() - 60_000 }], sources, Date.now())).toBe(true);
        expect(stampsMatchBundle([stamp], undefined, Date.now())).toBe(false);
    });
});
