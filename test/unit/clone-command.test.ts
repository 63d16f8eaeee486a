import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/commands/clone.js';
import { FerryError } from '../../src/errors.js';
import { makeTempDir } from '../support/cli.js';
import { captureContext } from '../support/context.js';
import { TEMPLATE_TREE } from '../support/fake-github.js';

/** A context whose terminal answers `answer` to the first question. */
function terminal(cwd: string, answer: string) {
    return captureContext({ cwd, env: {}, interactive: true, color: false, stdin: Readable.from([answer]) });
}

describe('ferry clone, interactively', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    let checkout: string;
    let root: string;

    beforeAll(async () => {
        ({ dir, cleanup } = await makeTempDir('ferry-clone-cmd-'));
        checkout = join(dir, 'templates');
        for (const [path, content] of Object.entries(TEMPLATE_TREE)) {
            await mkdir(join(checkout, path, '..'), { recursive: true });
            await writeFile(join(checkout, path), content);
        }
        root = join(dir, 'project');
        await mkdir(join(root, '.nango'), { recursive: true });
        await mkdir(join(root, 'github'), { recursive: true });
        await writeFile(join(root, 'index.ts'), '');
        await writeFile(join(root, 'github/types.ts'), '// mine\n');
    });
    afterAll(() => cleanup());

    it('asks before overwriting, and a "no" writes nothing', async () => {
        const t = terminal(root, 'n\n');
        const error = await run({ template: 'github/actions/get-issue', from: checkout, force: false }, t.ctx).catch((e: unknown) => e);
        expect((error as FerryError).code).toBe('CLONE_CONFLICT');
        expect(t.err()).toContain('~ github/types.ts exists with different content');
        expect(t.err()).toContain('Overwrite this file? (y/N)');
        expect(await readFile(join(root, 'github/types.ts'), 'utf8')).toBe('// mine\n');
        expect(await readFile(join(root, 'index.ts'), 'utf8')).toBe('');
    });

    it('overwrites after a "yes"', async () => {
        const t = terminal(root, 'y\n');
        await run({ template: 'github/actions/get-issue', from: checkout, force: false }, t.ctx);
        expect(await readFile(join(root, 'github/types.ts'), 'utf8')).toBe(TEMPLATE_TREE['integrations/github/types.ts']);
        expect(t.out()).toContain('~ github/types.ts (overwritten)');
        expect(await readFile(join(root, 'index.ts'), 'utf8')).toBe("import './github/actions/get-issue.js';\n");
    });
});
