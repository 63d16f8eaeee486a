/**
 * `ferry dev --json` on a small project, driven like a developer would: edits, a syntax error, a
 * type error, fixes, a function added with `ferry generate` and one removed, a deleted file, renamed
 * files, an index.ts import that does not parse, a removal whose write failed, then SIGTERM. One dev process serves the whole file
 * (the steps run in order and build on each other).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FERRY_BIN, REPO_ROOT, baseEnv, makeTempDir, runFerry } from '../support/cli.js';
import { copyFixture, readFixtureFiles } from '../support/function-project.js';

type Event = Record<string, any> & { event: string };

/** A running `ferry dev --json`: every event it printed, and a way to wait for the next matching one. */
class DevProcess {
    readonly events: Event[] = [];
    stderr = '';
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
    private readonly waiters: { from: number; match: (e: Event) => boolean; resolve: (e: Event) => void }[] = [];
    private readonly child: ChildProcessWithoutNullStreams;

    stdout = '';

    constructor(cwd: string, args: string[] = ['--json']) {
        this.child = spawn(process.execPath, [FERRY_BIN, 'dev', ...args], { cwd, env: baseEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
        this.child.stderr.setEncoding('utf8').on('data', (d: string) => {
            this.stderr += d;
            this.notify();
        });
        if (!args.includes('--json')) {
            this.child.stdout.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
        } else createInterface({ input: this.child.stdout }).on('line', (line) => {
            // Every line on stdout must be one JSON event: editors read the stream line by line.
            const event = JSON.parse(line) as Event;
            this.events.push(event);
            const index = this.events.length - 1;
            for (const w of [...this.waiters]) {
                if (index >= w.from && w.match(event)) {
                    this.waiters.splice(this.waiters.indexOf(w), 1);
                    w.resolve(event);
                }
            }
        });
        this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
    }

    private readonly textWaiters: { pattern: RegExp; from: number; resolve: () => void }[] = [];

    private notify(): void {
        for (const w of [...this.textWaiters]) {
            if (w.pattern.test(this.stderr.slice(w.from))) {
                this.textWaiters.splice(this.textWaiters.indexOf(w), 1);
                w.resolve();
            }
        }
    }

    /** Waits until stderr, from offset `from`, matches. */
    waitForText(pattern: RegExp, from = 0, timeoutMs = 45_000): Promise<void> {
        return new Promise((resolve, reject) => {
            const waiter = { pattern, from, resolve };
            this.textWaiters.push(waiter);
            this.notify();
            const timer = setTimeout(() => reject(new Error(`stderr never matched ${pattern}:\n${this.stderr}`)), timeoutMs);
            void this.exited.then(() => clearTimeout(timer));
        });
    }

    /** Position to wait from: events printed before it do not count. */
    mark(): number {
        return this.events.length;
    }

    waitFor(match: (e: Event) => boolean, from = 0, timeoutMs = 45_000): Promise<Event> {
        const seen = this.events.slice(from).find(match);
        if (seen) return Promise.resolve(seen);
        return new Promise((resolve, reject) => {
            const waiter = { from, match, resolve };
            this.waiters.push(waiter);
            const timer = setTimeout(() => {
                this.waiters.splice(this.waiters.indexOf(waiter), 1);
                reject(new Error(`no matching event within ${timeoutMs} ms. Events: ${JSON.stringify(this.events.map((e) => e.event))}\nstderr: ${this.stderr}`));
            }, timeoutMs);
            void this.exited.then(() => clearTimeout(timer));
        });
    }

    kill(signal: NodeJS.Signals): void {
        this.child.kill(signal);
    }

    get pid(): number {
        return this.child.pid!;
    }
}

const PROJECT = await readFixtureFiles('dev');
const ACTION = PROJECT['github/actions/create-issue.ts']!;

/** The fixture's sync with another description, and `extra` code after it. */
const SYNC = (description: string, extra = ''): string => PROJECT['github/syncs/issues.ts']!.replace("description: 'Syncs issues'", `description: '${description}'`) + extra;

/** The sync once github/helpers.ts has been renamed to github/paths.ts. */
const SYNC_PATHS = (description: string): string => SYNC(description).replace("'../helpers.js'", "'../paths.js'");

/** The fixture's helpers with `suffix` after every repository path. */
const HELPERS = (suffix: string): string => PROJECT['github/helpers.ts']!.replace('${repo}`', `\${repo}${suffix}\``);

/** The direct children of a process (`ps` exits 1 when there are none). */
function childrenOf(pid: number): number[] {
    try {
        return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').filter((l) => l.trim() !== '').map(Number);
    } catch {
        return [];
    }
}

/** True while the process exists and is not a zombie (a zombie has exited; only its exit status waits to be collected). */
function isRunning(pid: number): boolean {
    try {
        // The state is the field after the command, which is in parentheses and may hold spaces.
        return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] !== 'Z';
    } catch {
        return false;
    }
}

/** Processes whose command line mentions the folder (the tsc child runs with a tsconfig inside it). */
function processesMentioning(dir: string): number[] {
    const pids: number[] = [];
    for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
        try {
            if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)) pids.push(Number(entry));
        } catch {
            // Gone while we looked.
        }
    }
    return pids;
}

describe('ferry dev', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    let dev: DevProcess;
    const file = (rel: string): string => join(dir, rel);
    const bundle = (id: string): string => join(dir, 'build', `${id}.cjs`);
    const manifest = async (): Promise<any[]> => JSON.parse(await readFile(file('.nango/nango.json'), 'utf8'));

    beforeAll(async () => {
        ({ dir, cleanup } = await makeTempDir('ferry-dev-'));
        await mkdir(file('.nango'));
        await mkdir(file('github/syncs'), { recursive: true });
        await mkdir(file('github/actions'), { recursive: true });
        await mkdir(file('node_modules'));
        await symlink(join(REPO_ROOT, 'node_modules/zod'), file('node_modules/zod'), 'dir');
        await writeFile(file('package.json'), JSON.stringify({ name: 'dev-e2e', private: true, type: 'module' }));
        await writeFile(
            file('tsconfig.json'),
            JSON.stringify({
                compilerOptions: { target: 'es2022', lib: ['es2022'], module: 'node16', moduleResolution: 'node16', strict: true, noEmit: true, skipLibCheck: true, types: [] },
                include: ['**/*.ts'],
                exclude: ['node_modules', 'build']
            })
        );
        await copyFixture('dev', dir);
        dev = new DevProcess(dir);
    });

    afterAll(async () => {
        dev?.kill('SIGKILL');
        await cleanup?.();
    });

    it('builds everything once, reports ready, then a clean type-check', async () => {
        const ready = await dev.waitFor((e) => e.event === 'ready');
        expect(ready).toMatchObject({ ok: true, typecheck: true, root: dir });
        expect(ready.functions.map((f: any) => f.name).sort()).toEqual(['create-issue', 'issues']);
        expect(existsSync(bundle('github_syncs_issues'))).toBe(true);
        expect(existsSync(bundle('github_actions_create-issue'))).toBe(true);
        const check = await dev.waitFor((e) => e.event === 'typecheck');
        expect(check).toMatchObject({ ok: true, errors: [] });
    });

    it('rebuilds only the edited function, and its bundle and the manifest change', async () => {
        const from = dev.mark();
        await writeFile(file('github/syncs/issues.ts'), SYNC('Syncs every issue'));
        const start = await dev.waitFor((e) => e.event === 'rebuild-start', from);
        expect(start.files).toEqual([{ file: 'github/syncs/issues.ts', kind: 'change' }]);
        expect(start.functions).toEqual([{ name: 'issues', integration: 'github', type: 'sync' }]);
        const rebuild = await dev.waitFor((e) => e.event === 'rebuild', from);
        expect(rebuild.functions.map((f: any) => f.name)).toEqual(['issues']);
        expect(rebuild.functions[0]).toMatchObject({ integration: 'github', type: 'sync', bundlePath: bundle('github_syncs_issues') });
        expect(rebuild.recovered).toBe(false);
        expect(readFileSync(bundle('github_syncs_issues'), 'utf8')).toContain('Syncs every issue');
        expect((await manifest())[0].syncs[0].description).toBe('Syncs every issue');
    });

    it('rebuilds every function that imports a changed helper', async () => {
        const from = dev.mark();
        await writeFile(file('github/helpers.ts'), HELPERS('/v2'));
        const rebuild = await dev.waitFor((e) => e.event === 'rebuild', from);
        expect(rebuild.functions.map((f: any) => f.name).sort()).toEqual(['create-issue', 'issues']);
        expect(readFileSync(bundle('github_actions_create-issue'), 'utf8')).toContain('/v2');
    });

    it('reports a syntax error with file, line and code frame, keeps the bundle, and recovers', async () => {
        const before = readFileSync(bundle('github_syncs_issues'), 'utf8');
        let from = dev.mark();
        await writeFile(file('github/syncs/issues.ts'), SYNC('Syncs every issue', 'export const broken = ;\n'));
        const error = await dev.waitFor((e) => e.event === 'error', from);
        expect(error.phase).toBe('bundle');
        // Columns from 1, and the frame is the one type errors get, its caret under that column.
        expect(error.errors[0]).toMatchObject({ file: file('github/syncs/issues.ts'), line: 16, column: 23, code: 'BUNDLE_ERROR', function: 'github/issues' });
        const frame = (error.errors[0].frame as string).split('\n');
        const at = frame.findIndex((line) => line.startsWith('>'));
        expect(frame[at]).toBe('> 16 | export const broken = ;');
        expect(frame[at + 1]).toBe(`     | ${' '.repeat(22)}^`);
        expect(error.errors[0].frame).not.toMatch(/✘|│|╵/);
        expect(readFileSync(bundle('github_syncs_issues'), 'utf8')).toBe(before);

        from = dev.mark();
        await writeFile(file('github/syncs/issues.ts'), SYNC('Fixed again'));
        const rebuild = await dev.waitFor((e) => e.event === 'rebuild', from);
        expect(rebuild).toMatchObject({ recovered: true });
        expect(readFileSync(bundle('github_syncs_issues'), 'utf8')).toContain('Fixed again');
    });

    it('reports a type error from the background type-check, and a clean check once fixed', async () => {
        /** The result of the first type-check that started after the rebuild of this save (so it read the saved file). */
        const checkAfterSave = async (from: number): Promise<Event> => {
            // The bundle does not wait for the type-check.
            const rebuild = await dev.waitFor((e) => e.event === 'rebuild', from);
            const start = await dev.waitFor((e) => e.event === 'typecheck-start', dev.events.indexOf(rebuild) + 1);
            return dev.waitFor((e) => e.event === 'typecheck', dev.events.indexOf(start) + 1);
        };
        let from = dev.mark();
        // Not exported: a function file may only export its definition (Nango's rule, NAMED_EXPORT_NOT_ALLOWED).
        await writeFile(file('github/syncs/issues.ts'), SYNC('Typed wrong', "const count: number = 'three';\nvoid count;\n"));
        const check = await checkAfterSave(from);
        expect(check.ok).toBe(false);
        // Named after the function whose file it is, as bundle errors are.
        expect(check.errors).toContainEqual(expect.objectContaining({ file: file('github/syncs/issues.ts'), line: 16, code: 'TS2322', function: 'github/issues' }));

        from = dev.mark();
        await writeFile(file('github/syncs/issues.ts'), SYNC('Typed right'));
        const clean = await checkAfterSave(from);
        expect(clean).toMatchObject({ ok: true, errors: [] });
    });

    it('builds a function added with ferry generate, and drops one removed from index.ts', async () => {
        let from = dev.mark();
        const generated = await runFerry(['generate', 'action', 'github', 'close-issue'], { cwd: dir });
        expect(generated.code, generated.stderr).toBe(0);
        const added = await dev.waitFor((e) => e.event === 'rebuild' && e.added.includes('github_actions_close-issue'), from);
        expect(added.functions.map((f: any) => f.name)).toContain('close-issue');
        expect(existsSync(bundle('github_actions_close-issue'))).toBe(true);
        expect((await manifest())[0].actions.map((a: any) => a.name)).toContain('close-issue');

        from = dev.mark();
        await writeFile(file('index.ts'), "import './github/syncs/issues.js';\nimport './github/actions/close-issue.js';\n");
        const removed = await dev.waitFor((e) => e.event === 'rebuild' && e.removed.length > 0, from);
        expect(removed.removed).toEqual(['github_actions_create-issue']);
        expect(existsSync(bundle('github_actions_create-issue'))).toBe(false);
        expect((await manifest())[0].actions.map((a: any) => a.name)).toEqual(['close-issue']);
    });

    it('survives a deleted function file and recovers when it comes back', async () => {
        const source = readFileSync(file('github/actions/close-issue.ts'), 'utf8');
        let from = dev.mark();
        await rm(file('github/actions/close-issue.ts'));
        const error = await dev.waitFor((e) => e.event === 'error' && e.phase === 'project', from);
        expect(error.errors[0]).toMatchObject({ code: 'ENTRY_NOT_FOUND', file: file('index.ts') });
        expect(existsSync(bundle('github_actions_close-issue'))).toBe(true);

        from = dev.mark();
        await writeFile(file('github/actions/close-issue.ts'), source);
        await dev.waitFor((e) => e.event === 'rebuild' && e.recovered, from);
    });

    it('reports a renamed helper as the import it breaks, and builds a renamed function once index.ts follows', async () => {
        const before = readFileSync(bundle('github_syncs_issues'), 'utf8');
        let from = dev.mark();
        await rename(file('github/helpers.ts'), file('github/paths.ts'));
        const error = await dev.waitFor((e) => e.event === 'error', from);
        expect(error.phase).toBe('bundle');
        expect(error.errors).toHaveLength(1);
        expect(error.errors[0]).toMatchObject({ file: file('github/syncs/issues.ts'), line: 3, code: 'BUNDLE_ERROR', function: 'github/issues' });
        expect(error.errors[0].message).toContain('Could not resolve "../helpers.js"');
        expect(readFileSync(bundle('github_syncs_issues'), 'utf8')).toBe(before);

        // The import follows the rename: the sync builds again, from the renamed helper.
        from = dev.mark();
        await writeFile(file('github/syncs/issues.ts'), SYNC_PATHS('Syncs issues via paths'));
        const fixed = await dev.waitFor((e) => e.event === 'rebuild', from);
        expect(fixed).toMatchObject({ recovered: true, added: [], removed: [] });
        expect(fixed.functions.map((f: any) => f.name)).toEqual(['issues']);
        expect(readFileSync(bundle('github_syncs_issues'), 'utf8')).toContain('Syncs issues via paths');

        // The sync's file is renamed, then index.ts is updated to import it under its new name.
        from = dev.mark();
        await rename(file('github/syncs/issues.ts'), file('github/syncs/tickets.ts'));
        await writeFile(file('index.ts'), "import './github/syncs/tickets.js';\nimport './github/actions/close-issue.js';\n");
        const renamed = await dev.waitFor((e) => e.event === 'rebuild' && e.added.length > 0, from);
        expect(renamed).toMatchObject({ added: ['github_syncs_tickets'], removed: ['github_syncs_issues'] });
        expect(renamed.functions).toEqual([expect.objectContaining({ name: 'tickets', integration: 'github', type: 'sync', bundlePath: bundle('github_syncs_tickets') })]);
        expect(existsSync(bundle('github_syncs_issues'))).toBe(false);
        expect(readFileSync(bundle('github_syncs_tickets'), 'utf8')).toContain('Syncs issues via paths');
        const syncs = (await manifest())[0].syncs;
        expect(syncs.map((sync: any) => [sync.name, sync.description])).toEqual([['tickets', 'Syncs issues via paths']]);
        // No error came between the rename and the rebuild other than the import index.ts still had.
        for (const e of dev.events.slice(from).filter((e) => e.event === 'error')) {
            expect(e.errors.map((d: any) => [d.code, d.message])).toEqual([['ENTRY_NOT_FOUND', expect.stringContaining('github/syncs/issues.ts does not exist')]]);
        }
    });

    it('reports an index.ts line that does not parse as a project error (compile fails too), and recovers when it is fixed', async () => {
        const index = readFileSync(file('index.ts'), 'utf8');
        let from = dev.mark();
        await writeFile(file('index.ts'), `${index}import './github/syncs/half`);
        const error = await dev.waitFor((e) => e.event === 'error', from);
        expect(error.phase).toBe('project');
        expect(error.errors).toEqual([
            expect.objectContaining({
                file: file('index.ts'),
                line: 3,
                code: 'ENTRY_SYNTAX',
                message: "this import does not parse (import './github/syncs/half): close the quote, e.g. import './<integration>/<syncs|actions|on-events>/<name>.js';"
            })
        ]);
        expect(dev.events.slice(from).map((e) => e.event)).not.toContain('unchanged');

        // compile, even without its type-check, fails on the same line as every index.ts problem does.
        const compiled = await runFerry(['compile', '--no-typecheck'], { cwd: dir });
        expect(compiled.code).toBe(10);
        expect(compiled.stderr).toContain("error index.ts:3:1  this import does not parse (import './github/syncs/half): close the quote");
        expect(compiled.stderr).toContain('compile failed with 1 error');

        from = dev.mark();
        await writeFile(file('index.ts'), index);
        const recovered = await dev.waitFor((e) => e.event === 'rebuild' || e.event === 'unchanged' || e.event === 'error', from);
        expect(recovered).toMatchObject({ event: 'rebuild', functions: [], added: [], removed: [], recovered: true });
    });

    it('deletes the bundle of a function removed while the write failed once the write succeeds, before reporting recovery', async () => {
        const manifestFile = file('.nango/nango.json');
        const stale = readFileSync(manifestFile, 'utf8');
        expect(existsSync(bundle('github_actions_close-issue'))).toBe(true);
        // The manifest's path is a folder for one step: the write fails even for root, whom chmod does not stop.
        await rm(manifestFile);
        await mkdir(join(manifestFile, 'blocked'), { recursive: true });
        let from = dev.mark();
        await writeFile(file('index.ts'), "import './github/syncs/tickets.js';\n");
        const failed = await dev.waitFor((e) => e.event === 'error', from);
        expect(failed).toMatchObject({ phase: 'write', errors: [expect.objectContaining({ code: 'WRITE_FAILED' })] });
        expect(existsSync(bundle('github_actions_close-issue'))).toBe(true);
        // Nothing claims the bundle was deleted.
        expect(dev.events.slice(from).filter((e) => e.event === 'rebuild')).toEqual([]);

        // The folder goes and the manifest is as the failed write left it; then index.ts is saved again.
        await rm(manifestFile, { recursive: true });
        await writeFile(manifestFile, stale);
        from = dev.mark();
        await writeFile(file('index.ts'), "import './github/syncs/tickets.js';\n// close-issue is gone\n");
        const written = await dev.waitFor((e) => e.event === 'rebuild' || e.event === 'unchanged' || e.event === 'error', from);
        expect(written).toMatchObject({ event: 'rebuild', functions: [], added: [], removed: ['github_actions_close-issue'], recovered: true });
        expect(existsSync(bundle('github_actions_close-issue'))).toBe(false);
        expect((await manifest())[0].actions).toEqual([]);
        expect((await manifest())[0].syncs.map((sync: any) => sync.name)).toEqual(['tickets']);
    });

    it('ends on SIGTERM with exit 0, a stop event and no child process left', async () => {
        // Make sure a type-check is running, so there is a child to clean up.
        const from = dev.mark();
        await writeFile(file('github/syncs/tickets.ts'), SYNC_PATHS('One more'));
        await dev.waitFor((e) => e.event === 'typecheck-start', from);
        let tsc: number[] = [];
        for (let i = 0; i < 500 && tsc.length === 0; i++) {
            tsc = processesMentioning(dir);
            if (tsc.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
        }
        expect(tsc.length, 'a type-check process was running').toBeGreaterThan(0);
        // Every child of dev, whatever it is: esbuild's service (it has bundled by now) and tsc's.
        const children = childrenOf(dev.pid).map((pid) => ({ pid, cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim() }));
        expect(children.some((c) => /esbuild/.test(c.cmdline)), JSON.stringify(children)).toBe(true);
        dev.kill('SIGTERM');
        const exit = await dev.exited;
        expect(exit).toEqual({ code: 0, signal: null });
        expect(dev.events.at(-1)).toMatchObject({ event: 'stop' });
        const left = processesMentioning(dir).map((pid) => `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')}`);
        expect(left).toEqual([]);
        // A child that got its signal may still be exiting for a moment after dev itself is gone.
        let running = children.filter((c) => isRunning(c.pid));
        for (let i = 0; i < 100 && running.length > 0; i++) {
            await new Promise((resolve) => setTimeout(resolve, 20));
            running = running.filter((c) => isRunning(c.pid));
        }
        expect(running).toEqual([]);
    });
});

describe('ferry dev without --json', () => {
    it('prints one line per rebuild on stderr, nothing on stdout, and stops on SIGINT with exit 0', async () => {
        const { dir, cleanup } = await makeTempDir('ferry-dev-human-');
        try {
            await mkdir(join(dir, '.nango'));
            await mkdir(join(dir, 'github/actions'), { recursive: true });
            await mkdir(join(dir, 'node_modules'));
            await symlink(join(REPO_ROOT, 'node_modules/zod'), join(dir, 'node_modules/zod'), 'dir');
            await writeFile(join(dir, 'index.ts'), "import './github/actions/create-issue.js';\n");
            await writeFile(join(dir, 'github/helpers.ts'), HELPERS(''));
            await writeFile(join(dir, 'github/actions/create-issue.ts'), ACTION);
            const dev = new DevProcess(dir, ['--no-typecheck']);
            try {
                await dev.waitForText(/✓ 1 function ready in .*Watching for changes/);
                expect(dev.stderr).not.toContain('type-check');
                const from = dev.stderr.length;
                await writeFile(join(dir, 'github/actions/create-issue.ts'), ACTION.replace('Creates an issue', 'Opens an issue'));
                // Functions are named <integration>/<name>, as compile, test and deploy name them.
                await dev.waitForText(/✓ github\/create-issue rebuilt in \d+ ms\n/, from);

                // Without the type-check nothing else reads index.ts: a line that does not parse is still reported.
                const index = "import './github/actions/create-issue.js';\n";
                let at = dev.stderr.length;
                await writeFile(join(dir, 'index.ts'), `${index}import './github/actions/open-issue`);
                await dev.waitForText(/✗ index\.ts has problems \(1 error\); the previous bundles are kept\n {2}index\.ts:2:1 {2}this import does not parse \(import '\.\/github\/actions\/open-issue\): close the quote, .* \[ENTRY_SYNTAX\]\n/, at);
                at = dev.stderr.length;
                await writeFile(join(dir, 'index.ts'), index);
                await dev.waitForText(/✓ all errors fixed, nothing to rebuild\n/, at);

                at = dev.stderr.length;
                const generated = await runFerry(['generate', 'action', 'github', 'close-issue'], { cwd: dir });
                expect(generated.code, generated.stderr).toBe(0);
                await dev.waitForText(/\n {2}\+ github\/close-issue added\n/, at);
                at = dev.stderr.length;
                await writeFile(join(dir, 'index.ts'), index);
                await dev.waitForText(/\n {2}- github\/close-issue removed \(its bundle was deleted\)\n/, at);
                dev.kill('SIGINT');
                expect(await dev.exited).toEqual({ code: 0, signal: null });
                expect(dev.stderr).toContain('stopped: interrupted (Ctrl-C)');
                expect(dev.stdout).toBe('');
            } finally {
                dev.kill('SIGKILL');
            }
        } finally {
            await cleanup();
        }
    });
});
