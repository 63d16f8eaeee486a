/**
 * The attempts of issue 17, replayed against the built CLI: a kill -9 while compile writes, two
 * compiles at once, an index.ts import out of the project, a template linked to /etc/passwd, a
 * secret key in NANGO_HOSTPORT, a .env handed to --input, a .env that is a folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
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
const temps = async (): Promise<string[]> => {
    const found: string[] = [];
    for (const dir of ['', 'build', 'build/.ferry', '.nango']) found.push(...(await readdir(join(project, dir)).catch(() => [] as string[])).filter((n) => n.endsWith('.tmp')));
    return found;
};

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

/** Each function's description and code say which of two versions of the project it is. */
async function writeVersion(version: string): Promise<void> {
    for (const [file, find] of [
        ['github/syncs/issues.ts', /description: '[^']*'/],
        ['github/actions/create-issue.ts', /description: '[^']*'/]
    ] as const) {
        const text = await readFile(join(project, file), 'utf8');
        await writeFile(join(project, file), text.replace(find, `description: 'version ${version}'`));
    }
}

describe('kill -9 while compile writes', () => {
    it('leaves build/ and the manifest of one compile, or a switch the next compile finishes; no temporary file stays', async () => {
        for (const [i, delay] of [150, 250, 350, 450, 550, 700].entries()) {
            await writeVersion(`old${i}`);
            expect((await compile()).code).toBe(0);
            await writeVersion(`new${i}`);
            const child = spawn(process.execPath, [FERRY_BIN, 'compile', '--no-typecheck', '--no-cache'], { cwd: project, env: baseEnv(), stdio: 'ignore' });
            const closed = new Promise((resolve) => child.on('close', resolve));
            await new Promise((resolve) => setTimeout(resolve, delay));
            child.kill('SIGKILL');
            await closed;
            const manifest = await readFile(join(project, '.nango/nango.json'), 'utf8');
            const bundleTexts = await Promise.all(['github_syncs_issues.cjs', 'github_actions_create-issue.cjs'].map((b) => readFile(join(project, 'build', b), 'utf8')));
            const versionOf = (text: string): string[] => [...new Set([...text.matchAll(/version (old|new)\d/g)].map((m) => m[1]!))];
            const pending = existsSync(join(project, 'build/.ferry/build-commit.json'));
            if (!pending) expect([versionOf(manifest), ...bundleTexts.map(versionOf)].flat().every((v, _, all) => v === all[0])).toBe(true);

            const next = await compile();
            expect(next.code).toBe(0);
            expect(await temps()).toEqual([]);
            const after = [await readFile(join(project, '.nango/nango.json'), 'utf8'), ...bundleTexts];
            expect(versionOf(after[0]!)).toEqual(['new']);
        }
    });
});

describe('two compiles of one project', () => {
    let holder: ChildProcess | undefined;
    afterAll(() => {
        holder?.kill('SIGKILL');
    });

    it('wait for each other, saying for which pid; a lock whose process died is taken over', async () => {
        holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
        const lock = join(project, 'build/.ferry/compile.lock');
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
