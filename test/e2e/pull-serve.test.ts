/**
 * `ferry pull -e local` and `ferry version -e local` against `ferry serve`: what `ferry deploy -e local` sent comes back as the
 * function's file, registered in index.ts.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, runFerry } from '../support/cli.js';
import { copyFixtureProject, readFixture } from '../support/function-project.js';
import { startServe, type ServeProcess } from '../support/serve.js';

/** The action deployed, then pulled back: its comment exists only in the TypeScript source. */
const ACTION = await readFixture('pull-serve', 'github/actions/hello.ts');

describe('ferry pull from ferry serve', () => {
    let root: string;
    let cleanup: () => Promise<void>;
    let serve: ServeProcess;
    const ferry = (args: string[]) => runFerry(args, { cwd: root, timeoutMs: 60_000 });

    beforeAll(async () => {
        ({ dir: root, cleanup } = await makeTempDir('ferry-pull-serve-'));
        await copyFixtureProject('pull-serve', root);
        serve = await startServe([], { cwd: root });
        expect((await ferry(['integrations', 'create', 'github', '--provider', 'github', '-e', 'local'])).code).toBe(0);
        const deployed = await ferry(['deploy', '-e', 'local', '--auto-confirm']);
        expect(deployed.code, deployed.stderr).toBe(0);
    }, 180_000);
    afterAll(async () => {
        await serve?.stop();
        await cleanup?.();
    });

    it('writes the deployed TypeScript source back and registers it', async () => {
        await rm(join(root, 'github/actions/hello.ts'));
        await writeFile(join(root, 'index.ts'), '');
        const pulled = await ferry(['pull', 'github', 'hello', '-e', 'local', '--json']);
        expect(pulled.code, pulled.stderr).toBe(0);
        expect(JSON.parse(pulled.stdout)).toMatchObject({ file: 'github/actions/hello.ts', type: 'action', status: 'written', registered: true });
        expect(await readFile(join(root, 'github/actions/hello.ts'), 'utf8')).toBe(ACTION);
        expect(await readFile(join(root, 'index.ts'), 'utf8')).toBe("import './github/actions/hello.js';\n");
        const missing = await ferry(['pull', 'github', 'nothing', '-e', 'local']);
        expect(missing.code).toBe(1);
        expect(missing.stderr).toContain('No deployed function "nothing"');
        const wrongType = await ferry(['pull', 'github', 'hello', '-e', 'local', '--sync']);
        expect(wrongType.code).toBe(1);
    });

    it("version -e local shows ferry serve's version", async () => {
        const run = await ferry(['version', '-e', 'local', '--json']);
        expect(run.code, run.stderr).toBe(0);
        const doc = JSON.parse(run.stdout) as { ferry: string; platform: { reachable: boolean; version: string; environment: string } };
        expect(doc.platform).toMatchObject({ environment: 'local', reachable: true, version: doc.ferry });
    });

    it('a local file with other content is kept unless -f', async () => {
        await writeFile(join(root, 'github/actions/hello.ts'), '// mine\n');
        const refused = await ferry(['pull', 'github', 'hello', '-e', 'local']);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain('exists with different content');
        expect(await readFile(join(root, 'github/actions/hello.ts'), 'utf8')).toBe('// mine\n');
        expect((await ferry(['pull', 'github', 'hello', '-e', 'local', '-f'])).code).toBe(0);
        expect(await readFile(join(root, 'github/actions/hello.ts'), 'utf8')).toBe(ACTION);
    });
});
