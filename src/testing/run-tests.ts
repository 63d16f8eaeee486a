/**
 * `ferry test`: every fixture of the project (or of one integration / one function) replayed
 * offline. Functions are bundled together in one esbuild build (split only when some do not
 * build, see bundle-each.ts), then replayed in parallel on a pool of reusable sandboxes, one per
 * core. A fixture that cannot be read, has no function file, or whose function does not build is
 * a failed test with a one-line reason, so one bad file never hides the other results. A function
 * file index.ts does not import is still replayed, with a note.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Fixture } from '../runtime/fixture.js';
import type { RunOptions } from '../runtime/run-types.js';
import { functionNotFound, functionNotFoundMessage, integrationNotFound } from '../dryrun/pick.js';
import { FerryError } from '../errors.js';
import { loadProject } from '../project/project.js';
import type { FunctionRef } from '../project/types.js';
import { didYouMean } from '../util/suggest.js';
import { bundleEach } from './bundle-each.js';
import type { TestFailure } from './compare.js';
import { discoverFixtures, FIXTURE_SUFFIX, loadFixture, unregisteredFunction, unregisteredNote, type FixtureFile } from './fixtures.js';
import { replay, type RunFunction } from './replay.js';
import type { TestCaseResult, TestReport } from './report.js';

export interface TestOptions {
    cwd: string;
    /** Only the fixtures of this function. */
    functionName?: string;
    /** Only the fixtures of this integration. */
    integration?: string;
    /** Parallel replays; default: the machine's cores. */
    concurrency?: number;
    /** Each result as soon as it is known (results are still returned sorted). */
    onResult?: (result: TestCaseResult) => void;
    /** Where the time goes (`--debug`): each phase with its duration. */
    onPhase?: (phase: string, durationMs: number) => void;
    /** Problems that do not stop the replays, e.g. an index.ts import of a missing file. */
    onWarning?: (message: string) => void;
    /** `--now`: every function's clock starts here instead of at its fixture's recording time. */
    now?: Date;
}

type Sandbox = NonNullable<RunOptions['sandbox']>;

export interface TestDeps {
    runFunction: RunFunction;
    /** Reusable workers that run `size` functions at once; without it every replay starts its own. */
    createPool?: (size: number) => Sandbox;
}

interface Task {
    file: FixtureFile;
    ref: FunctionRef;
    fixture: Fixture & Record<string, unknown>;
    notes?: string[];
}

function checkFilters(entries: readonly FunctionRef[], options: TestOptions): void {
    if (options.integration !== undefined && !entries.some((e) => e.integration === options.integration)) throw integrationNotFound(entries, options.integration);
    if (options.functionName !== undefined) {
        const scope = entries.filter((e) => options.integration === undefined || e.integration === options.integration);
        if (!scope.some((e) => e.name === options.functionName)) {
            throw functionNotFound(entries, options.functionName, options.integration, 'Run `ferry test` without a name to replay every fixture.');
        }
    }
}

function failed(file: FixtureFile, message: string, kind: TestFailure['kind'] = 'fixture', notes?: string[]): TestCaseResult {
    return { function: file.name, integration: file.integration, fixture: file.relPath, ok: false, durationMs: 0, ...(notes ? { notes } : {}), failures: [{ kind, message }] };
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const lane = async (): Promise<void> => {
        while (next < items.length) await work(items[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** Each fixture's function (registered, or only a file) with its loaded fixture; the rest reported failed. */
async function resolveTasks(root: string, entries: readonly FunctionRef[], files: readonly FixtureFile[], report: (result: TestCaseResult) => void): Promise<Task[]> {
    const tasks: Task[] = [];
    await Promise.all(
        files.map(async (file) => {
            let fixture: Fixture & Record<string, unknown>;
            try {
                fixture = (await loadFixture(file.path, root)) as Fixture & Record<string, unknown>;
            } catch (error) {
                if (!(error instanceof FerryError)) throw error;
                // The report names the fixture on the line above: the message need not repeat it.
                return report(failed(file, error.message.replace(`${file.relPath}: `, '')));
            }
            const registered = entries.find((e) => e.integration === file.integration && e.name === file.name);
            if (registered) return void tasks.push({ file, ref: registered, fixture });
            // The project's own tests import function files directly, registered or not.
            const unregistered = unregisteredFunction(root, file.integration, file.name);
            if (unregistered) return void tasks.push({ file, ref: unregistered, fixture, notes: [unregisteredNote(unregistered)] });
            const names = entries.filter((e) => e.integration === file.integration).map((e) => e.name);
            const hint = didYouMean(file.name, names);
            report(failed(file, `${functionNotFoundMessage(file.name, file.integration)} and there is no ${file.integration}/{syncs,actions,on-events}/${file.name}.ts${hint ? `. ${hint}` : ''}`));
        })
    );
    // Fixtures load concurrently: put the work back in path order so runs are reproducible.
    return tasks.sort((a, b) => a.file.relPath.localeCompare(b.file.relPath));
}

export async function runTests(options: TestOptions, deps: TestDeps): Promise<TestReport> {
    const started = performance.now();
    // One instant for the whole run: fixtures that recorded no time all start their clocks here.
    const runStart = new Date();
    let phaseStart = started;
    const phase = (name: string): void => {
        const now = performance.now();
        options.onPhase?.(name, Math.round(now - phaseStart));
        phaseStart = now;
    };
    const project = await loadProject(options.cwd);
    // Replays only need the functions they run; the rest of index.ts is compile's business, but a
    // silent pass would hide it.
    for (const problem of project.problems) options.onWarning?.(`index.ts:${problem.line}: ${problem.message}`);
    const files = await discoverFixtures(project.root, {
        ...(options.integration !== undefined ? { integration: options.integration } : {}),
        ...(options.functionName !== undefined ? { functionName: options.functionName } : {})
    });
    if (files.length === 0) {
        // A name or integration with fixtures is valid even when index.ts does not know it.
        checkFilters(project.entries, options);
        const scope = options.functionName ? ` for '${options.functionName}'` : options.integration ? ` in integration '${options.integration}'` : '';
        throw new FerryError({
            code: 'NO_FIXTURES',
            message: `no fixture found${scope} (looked for <integration>/tests/*${FIXTURE_SUFFIX} in ${project.root})`,
            hint: 'Record one with `ferry dryrun <function> <connectionId> --save`.'
        });
    }

    const results: TestCaseResult[] = [];
    const report = (result: TestCaseResult): void => {
        results.push(result);
        options.onResult?.(result);
    };
    const tasks = await resolveTasks(project.root, project.entries, files, report);
    phase(`read ${files.length} fixtures`);
    if (tasks.length > 0) {
        const refs = [...new Map(tasks.map((t) => [t.ref.id, t.ref])).values()];
        const bundled = await bundleEach(project.root, refs);
        phase(`bundled ${refs.length} functions${bundled.failed.size > 0 ? ` (${bundled.failed.size} did not build)` : ' in one build'}`);
        const runnable: Task[] = [];
        for (const task of tasks) {
            const error = bundled.failed.get(task.ref.id);
            if (error === undefined) runnable.push(task);
            else report(failed(task.file, `${task.ref.relPath} does not build: ${error}`, 'bundle', task.notes));
        }
        const size = await replayAll(runnable, bundled.code, { root: project.root, runStart, options, deps, report });
        phase(`replayed ${runnable.length} fixtures on ${size} workers`);
    }

    results.sort((a, b) => a.fixture.localeCompare(b.fixture));
    const passed = results.filter((r) => r.ok).length;
    return { root: project.root, tests: results, passed, failed: results.length - passed, durationMs: Math.round(performance.now() - started) };
}

interface ReplayContext {
    root: string;
    runStart: Date;
    options: TestOptions;
    deps: TestDeps;
    report: (result: TestCaseResult) => void;
}

/** Replays every task on a pool of workers; returns how many ran at once. */
async function replayAll(tasks: readonly Task[], code: ReadonlyMap<string, string>, { root, runStart, options, deps, report }: ReplayContext): Promise<number> {
    if (tasks.length === 0) return 0;
    const size = Math.max(1, Math.min(options.concurrency ?? availableParallelism(), tasks.length));
    const pool = deps.createPool?.(size);
    try {
        // As many in flight as the pool runs at once: a queued job would count its wait in its duration.
        await eachLimited(tasks, size, async (task) => {
            const outcome = await replay(
                {
                    code: code.get(task.ref.id)!,
                    filename: join(root, 'build', `${task.ref.id}.cjs`),
                    ref: { integration: task.ref.integration, name: task.ref.name, type: task.ref.type },
                    fixture: task.fixture,
                    fixturePath: task.file.relPath,
                    runStart,
                    ...(options.now ? { now: options.now } : {}),
                    ...(task.notes ? { notes: task.notes } : {}),
                    ...(pool ? { sandbox: pool } : {})
                },
                deps.runFunction
            );
            delete outcome.result;
            report(outcome);
        });
    } finally {
        await pool?.close();
    }
    return size;
}
