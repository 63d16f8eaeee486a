/**
 * Issue 13, point 5, on the built CLI: `init . --force` over a project registers the examples it
 * writes; a broken package.json gets one answer from every command that works in the project;
 * the project depends on Ferry by path (Ferry is not on the public registry).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, REPO_ROOT, runFerry } from '../support/cli.js';

describe('clean edges (issue 13)', () => {
    let tmp: string;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
        ({ dir: tmp, cleanup } = await makeTempDir('ferry-clean-edges-'));
    });
    afterAll(() => cleanup?.());

    it('init . --force over an existing project registers the example functions in its index.ts', async () => {
        const dir = join(tmp, 'existing');
        await mkdir(join(dir, '.nango'), { recursive: true });
        await writeFile(join(dir, 'index.ts'), "import './mine/syncs/a.js';\n");
        const run = await runFerry(['init', '.', '--force', '--no-install'], { cwd: dir });
        expect(run.code, run.stderr).toBe(0);
        const index = await readFile(join(dir, 'index.ts'), 'utf8');
        expect(index.startsWith("import './mine/syncs/a.js';\n")).toBe(true);
        const examples = [...index.matchAll(/import '\.\/(github\/[^']+)\.js';/g)].map((m) => m[1]);
        expect(examples.length).toBeGreaterThan(0);
        expect(run.stdout).toContain('Registered the example functions in your index.ts');
        for (const example of examples) expect(run.stdout).toContain(`${example}.ts`);
        // The package depends on this Ferry by path: npm's `ferry` is another package.
        const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
        expect(pkg.devDependencies['ferry']).toBe(`file:${REPO_ROOT}`);
        // Run again: nothing more to register.
        const again = await runFerry(['init', '.', '--force', '--no-install', '--json'], { cwd: dir });
        expect(again.code).toBe(0);
        expect(JSON.parse(again.stdout)).not.toHaveProperty('registered');
        expect(await readFile(join(dir, 'index.ts'), 'utf8')).toBe(index);
    });

    it('a package.json that is not JSON gets the same one-line answer from every project command', async () => {
        const dir = join(tmp, 'broken');
        expect((await runFerry(['init', 'broken', '--no-install'], { cwd: tmp })).code).toBe(0);
        await writeFile(join(dir, 'package.json'), '{ "type": "module", ');
        await writeFile(join(dir, '.env'), 'NANGO_SECRET_KEY_DEV=sk-test\nNANGO_HOSTPORT=http://127.0.0.1:9\n');
        const commands = [
            ['test'],
            ['test', '--vitest'],
            ['dryrun', 'issues', 'conn-1'],
            ['deploy', '--dry-run'],
            ['generate', 'sync', 'github', 'more'],
            ['create', 'github', 'more', '--sync'],
            ['generate:tests'],
            ['generate:docs'],
            ['pull', 'github', 'issues'],
            ['clone', 'github', '--from', dir]
        ];
        const answers = await Promise.all(commands.map((args) => runFerry(args, { cwd: dir })));
        for (const [i, answer] of answers.entries()) {
            expect(answer.code, commands[i]!.join(' ')).toBe(1);
            expect(answer.stderr, commands[i]!.join(' ')).toMatch(/^error package\.json is not valid JSON \(.*\)\. Fix it .*nothing was changed\.\n$/);
            expect(answer.stderr).toBe(answers[0]!.stderr);
        }
        const json = await runFerry(['test', '--json'], { cwd: dir });
        expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'PACKAGE_JSON_INVALID' } });
        // compile says it as a compile error of package.json, with the same code and words.
        const compile = await runFerry(['compile', '--json'], { cwd: dir });
        expect(compile.code).toBe(10);
        expect(compile.stdout).toContain('PACKAGE_JSON_INVALID');
        expect(await readFile(join(dir, 'index.ts'), 'utf8')).not.toContain('more');
    });
});
