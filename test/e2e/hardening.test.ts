/**
 * The attempts of issue 17, replayed against the built CLI: a kill -9 while compile writes, two
 * compiles at once, an index.ts import out of the project, a template linked to /etc/passwd, a
 * secret key in NANGO_HOSTPORT, a .env handed to --input, a .env that is a folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, lstat, mkdir, readFile, readdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FERRY_BIN, baseEnv, makeTempDir, runFerry, type CliResult } from '../support/cli.js';
import { startServer, type TestServer } from '../support/http.js';

const KEY = 'sk-0123456789abcdef-secret';
const everything = (result: CliResult): string => result.stdout + result.stderr;

let tmp: string;
let cleanup: () => Promise<void>;
let project: string;
beforeAll(async () => {
    ({ dir: tmp, cleanup } = await makeTempDir('ferry-e2e-hardening-'));
    const init = await runFerry(['init', 'demo', '--no-install'], { cwd: tmp });
    expect(init.code).toBe(0);
    project = join(tmp, 'demo');
});
afterAll(() => cleanup());

const compile = (args: string[] = []): Promise<CliResult> => runFerry(['compile', '--no-typecheck', ...args], { cwd: project });
const bundles = async (): Promise<string[]> => (await readdir(join(project, 'build'))).filter((name) => name.endsWith('.cjs')).sort();

describe('index.ts imports out of the project', () => {
    it("are ENTRY_BAD_PATH (exit 10) and leave every bundle in place, where they compiled '0 functions' and deleted them", async () => {
        expect((await compile()).code).toBe(0);
        const before = await bundles();
        const index = await readFile(join(project, 'index.ts'), 'utf8');
        await mkdir(join(tmp, 'outside/github/syncs'), { recursive: true });
        await writeFile(join(tmp, 'outside/github/syncs/x.ts'), 'export default {};\n');
        try {
            await writeFile(join(project, 'index.ts'), "import '../outside/github/syncs/x.js';\n");
            const result = await compile(['--json']);
            expect(result.code).toBe(10);
            const doc = JSON.parse(result.stdout) as { errors: { code: string; message: string }[] };
            expect(doc.errors.map((e) => e.code)).toEqual(['ENTRY_BAD_PATH']);
            expect(await bundles()).toEqual(before);
        } finally {
            await writeFile(join(project, 'index.ts'), index);
        }
    });
});

/** The files any reader sees as a compile's output: the manifest and every bundle, byte for byte. */
async function output(root: string): Promise<Map<string, string>> {
    const files = new Map<string, string>([['.nango/nango.json', await readFile(join(root, '.nango/nango.json'), 'utf8')]]);
    for (const name of (await readdir(join(root, 'build'))).filter((n) => n.endsWith('.cjs')).sort()) files.set(`build/${name}`, await readFile(join(root, 'build', name), 'utf8'));
    return files;
}

/** What killed runs could leave: temporary files, generations besides the current and the kept previous one, a pending switch. */
async function leftovers(root: string): Promise<string[]> {
    const found: string[] = [];
    for (const dir of ['', 'build', '.ferry/compile', '.nango', '.ferry/build']) {
        for (const name of await readdir(join(root, dir)).catch(() => [] as string[])) if (name.endsWith('.tmp')) found.push(join(dir, name));
    }
    // The current generation, and the previous one the next compile writes into (its record names it).
    const record = JSON.parse(await readFile(join(root, '.ferry/compile/build-generations.json'), 'utf8').catch(() => '{}')) as { previous?: string };
    const current = await readlink(join(root, '.ferry/build/current'));
    const kept = new Set(['current', current, ...(record.previous ? [record.previous] : [])]);
    found.push(...(await readdir(join(root, '.ferry/build'))).filter((name) => !kept.has(name)).map((name) => `.ferry/build/${name}`));
    for (const state of ['build-switch.json', 'build-adopt']) if (existsSync(join(root, '.ferry/compile', state))) found.push(state);
    return found;
}

describe('kill -9 while compile writes', () => {
    const COUNT = 60;
    let many: string;
    const action = (i: number, version: string): string =>
        "import { createAction } from 'ferry';\nimport * as z from 'zod';\n\n" +
        `export default createAction({\n    description: 'version ${version}',\n    endpoint: { method: 'POST', path: '/a${i}' },\n` +
        `    input: z.object({ n: z.number() }),\n    output: z.object({ n: z.number() }),\n    exec: async (_nango, input) => ({ n: input.n + ${i} })\n});\n`;
    /** Every function at `version`, or only the even ones (the odd ones then stay cached); a0 in index.ts or not. */
    async function writeVersion(version: string, options: { evenOnly: boolean; withFirst: boolean }): Promise<void> {
        for (let i = 0; i < COUNT; i++) if (!options.evenOnly || i % 2 === 0) await writeFile(join(many, `many/actions/a${i}.ts`), action(i, version));
        const imports = Array.from({ length: COUNT }, (_, i) => i).filter((i) => i > 0 || options.withFirst).map((i) => `import './many/actions/a${i}.js';`);
        await writeFile(join(many, 'index.ts'), `${imports.join('\n')}\n`);
    }

    beforeAll(async () => {
        expect((await runFerry(['init', 'many', '--no-install'], { cwd: tmp })).code).toBe(0);
        many = join(tmp, 'many');
        await mkdir(join(many, 'many/actions'), { recursive: true });
    });

    /**
     * The original attempt: a compile of a new version killed in its write phase (0 to 200 ms
     * after it says it is writing: its switch falls in that span) or before it (bundling). With
     * nothing run since, build/ and the manifest are byte for byte the previous compile's or the
     * next one's; the next compile leaves no temporary file and no generation but its own and
     * the previous one.
     */
    it('leaves build/ and the manifest as the old compile wrote them or as the new one, never a mix', { timeout: 240_000 }, async () => {
        const moments: (number | { afterMs: number })[] = [0, 10, 20, 30, 45, 60, 75, 90, 110, 130, 160, 200, { afterMs: 150 }, { afterMs: 400 }];
        for (const [i, moment] of moments.entries()) {
            await writeVersion(`old${i}`, { evenOnly: false, withFirst: i % 2 === 0 });
            expect((await runFerry(['compile', '--no-typecheck'], { cwd: many })).code).toBe(0);
            const before = await output(many);
            // Even rounds rebuild every bundle; odd ones only half (the rest carried over from the cache).
            await writeVersion(`new${i}`, { evenOnly: i % 2 === 1, withFirst: i % 2 === 1 });
            const args = [FERRY_BIN, 'compile', '--no-typecheck', '--debug', ...(i % 2 === 0 ? ['--no-cache'] : [])];
            const child = spawn(process.execPath, args, { cwd: many, env: baseEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
            const closed = new Promise((resolve) => child.on('close', resolve));
            if (typeof moment === 'number') {
                let stderr = '';
                await new Promise<void>((resolve) => {
                    child.stderr!.on('data', (chunk: Buffer) => {
                        stderr += chunk.toString();
                        if (stderr.includes('write: writing')) resolve();
                    });
                    child.on('close', () => resolve());
                });
                if (moment > 0) await new Promise((resolve) => setTimeout(resolve, moment));
            } else {
                child.stderr!.resume();
                await new Promise((resolve) => setTimeout(resolve, moment.afterMs));
            }
            child.kill('SIGKILL');
            await closed;
            const killed = await output(many);

            const next = await runFerry(['compile', '--no-typecheck'], { cwd: many });
            expect(next.code).toBe(0);
            expect(await leftovers(many)).toEqual([]);
            const after = await output(many);
            expect(after.has('build/many_actions_a0.cjs')).toBe(i % 2 === 1);
            const same = (a: Map<string, string>, b: Map<string, string>): boolean => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
            expect(same(killed, before) || same(killed, after), `round ${i}: a mix of the old and the new compile`).toBe(true);
        }
    });

    it('turns a real build/ folder of an older Ferry into the first generation, its cache still valid', async () => {
        // The layout before generations: bundles in a real build/, the cache in build/.ferry.
        const real = join(many, 'build');
        await cp(real, join(many, 'build.real'), { recursive: true, dereference: true, preserveTimestamps: true });
        await rm(real);
        await rename(join(many, 'build.real'), real);
        await mkdir(join(real, '.ferry'));
        await rename(join(many, '.ferry/compile/compile-cache.json'), join(real, '.ferry/compile-cache.json'));
        await rm(join(many, '.ferry'), { recursive: true });
        const before = await output(many);

        const result = await runFerry(['compile', '--no-typecheck', '--json'], { cwd: many });
        expect(result.code).toBe(0);
        const doc = JSON.parse(result.stdout) as { functions: { cached: boolean }[] };
        expect(doc.functions.length).toBeGreaterThan(0);
        expect(doc.functions.every((f) => f.cached)).toBe(true);
        expect((await lstat(real)).isSymbolicLink()).toBe(true);
        expect(await readlink(real)).toBe(join('.ferry', 'build', 'current'));
        expect(existsSync(join(real, '.ferry'))).toBe(false);
        expect(await output(many)).toEqual(before);
        expect(await leftovers(many)).toEqual([]);
        // Projects made by `nango init` do not ignore .ferry/: it ignores itself.
        expect(await readFile(join(many, '.ferry/.gitignore'), 'utf8')).toMatch(/^\*$/m);
    });
});

describe('two compiles of one project', () => {
    let holder: ChildProcess | undefined;
    afterAll(() => {
        holder?.kill('SIGKILL');
    });

    it('wait for each other, saying for which pid; a lock whose process died is taken over', async () => {
        holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
        const lock = join(project, '.ferry/compile/compile.lock');
        await writeFile(lock, String(holder.pid));
        const waiting = runFerry(['compile', '--no-typecheck'], { cwd: project });
        await new Promise((resolve) => setTimeout(resolve, 1500));
        expect(existsSync(lock)).toBe(true);
        holder.kill('SIGKILL');
        const result = await waiting;
        expect(result.code).toBe(0);
        expect(result.stderr).toContain(`waiting for another compile of this project (pid ${holder.pid})`);
        expect(existsSync(lock)).toBe(false);

        // The holder is dead now: its lock is stale and taken over at once.
        await writeFile(lock, String(holder.pid));
        const again = await compile();
        expect(again.code).toBe(0);
        expect(again.stderr).not.toContain('waiting for another compile');
    });
});

describe('clone --from', () => {
    it('does not copy a template linked to /etc/passwd', async () => {
        const from = join(tmp, 'templates');
        await mkdir(join(from, 'integrations/github/actions'), { recursive: true });
        await symlink('/etc/passwd', join(from, 'integrations/github/actions/evil.ts'));
        const result = await runFerry(['clone', 'github/actions/evil', '--from', from], { cwd: project });
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/^error integrations\/github\/actions\/evil\.ts in the --from folder is a link to \/etc\/passwd, outside .*templates\. Clone copies only files inside the checkout/);
        expect(existsSync(join(project, 'github/actions/evil.ts'))).toBe(false);
        expect(await readFile(join(project, 'index.ts'), 'utf8')).not.toContain('evil');
    });
});

describe('secrets that are not where secrets go', () => {
    let server: TestServer;
    beforeAll(async () => {
        // Any request is refused, echoing what it was sent to.
        server = await startServer((req) => ({ status: 401, body: { error: { message: `no access to ${req.path}` } } }));
    });
    afterAll(() => server.close());

    it('a secret key in NANGO_HOSTPORT is never printed by deploy or dryrun, --json included', async () => {
        const hostports = [KEY, `${server.url}/?key=${KEY}`, `${server.url}/${KEY}`];
        for (const hostport of hostports) {
            const env = { NANGO_SECRET_KEY_DEV: KEY, NANGO_HOSTPORT: hostport };
            for (const args of [['deploy', '--auto-confirm'], ['deploy', '--auto-confirm', '--json'], ['dryrun', 'issues', 'c1'], ['dryrun', 'issues', 'c1', '--json']]) {
                const result = await runFerry(args, { cwd: project, env });
                expect(result.code, `${args.join(' ')} with ${hostport}`).not.toBe(0);
                expect(everything(result), `${args.join(' ')} with ${hostport}`).not.toContain(KEY);
            }
        }
    });

    it('--input @.env does not print the file', async () => {
        await writeFile(join(project, 'leaky.env'), `NANGO_SECRET_KEY_DEV=${KEY}\n`);
        const result = await runFerry(['dryrun', 'create-issue', 'c1', '--input', '@leaky.env'], { cwd: project, env: { NANGO_SECRET_KEY_DEV: 'sk-other', NANGO_HOSTPORT: server.url } });
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/--input: .*leaky\.env is not valid JSON \(it does not parse\)/);
        expect(everything(result)).not.toContain(KEY);
    });
});

describe('the terminal is not the function\'s', () => {
    it('ferry test and compile show what a function prints or throws escaped, and process._rawDebug is gone', async () => {
        const file = join(project, 'github/actions/create-issue.ts');
        const original = await readFile(file, 'utf8');
        const at = original.indexOf('{', original.indexOf('=>', original.indexOf('exec: async')));
        const hostile =
            "\n        const p = (nango.get as any).constructor.constructor('return process')();\n" +
            "        try { p._rawDebug('\\x1b]0;PWNED\\x07RAWDEBUG'); } catch { /* removed from the worker */ }\n" +
            "        await nango.log('log \\x1b[2J\\x1b]52;c;ZXZpbA==\\x07 end');\n" +
            "        throw new Error('boom \\x1b]0;T\\x07\\x1b[2J end');";
        try {
            await writeFile(file, original.slice(0, at + 1) + hostile + original.slice(at + 1));
            const tested = await runFerry(['test'], { cwd: project });
            expect(tested.code).toBe(1);
            expect(tested.stdout).toContain('boom \\e]0;T\\x07\\e[2J end');
            expect(everything(tested)).not.toContain('\u001b');
            expect(everything(tested)).not.toContain('RAWDEBUG');

            await writeFile(file, `${original}\nthrow new Error('at load \\x1b]0;T\\x07 end');\n`);
            const compiled = await compile();
            expect(compiled.code).toBe(10);
            expect(compiled.stderr).toContain('at load \\e]0;T\\x07 end');
            expect(everything(compiled)).not.toContain('\u001b');
        } finally {
            await writeFile(file, original);
        }
    });
});

describe('.env as a folder', () => {
    it('is one line naming it, for deploy and dryrun, not an internal error', async () => {
        const project2 = join(tmp, 'env-folder');
        expect((await runFerry(['init', 'env-folder', '--no-install'], { cwd: tmp })).code).toBe(0);
        await readFile(join(project2, '.env'));
        await writeFile(join(project2, '.env'), '');
        const { rm } = await import('node:fs/promises');
        await rm(join(project2, '.env'));
        await mkdir(join(project2, '.env'));
        for (const args of [['deploy', '--auto-confirm'], ['dryrun', 'issues', 'c1']]) {
            const result = await runFerry(args, { cwd: project2 });
            expect(result.code).not.toBe(0);
            expect(result.stderr).not.toContain('internal error');
            expect(result.stderr).toContain(`${join(project2, '.env')} is a folder, not a file`);
            expect(result.stderr.trim().split('\n')).toHaveLength(1);
        }
    });
});
