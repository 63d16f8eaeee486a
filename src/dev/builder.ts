/**
 * The rebuild half of a dev session: what is built, what is broken, which file feeds which
 * function. Every step is compile's own (compileProject for the first build, then loadEntries,
 * bundleAllThatBuild, analyzeBundles, validateProject, buildManifest); this module only decides which
 * functions a change touches and keeps the good ones moving while others are broken.
 */
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { withFunctions } from '../compiler/compile-diagnostics.js';
import { compileProject, loadEntries, lockProject } from '../compiler/compile.js';
import type { ProjectPaths } from '../compiler/layout.js';
import type { AnalyzedFunction, CompileDiagnostic, FunctionSummary } from '../compiler/types.js';
import { validateProject } from '../compiler/validate.js';
import { FerryError } from '../errors.js';
import type { FunctionRef } from '../project/types.js';
import { buildGroup, rebuiltFunctions, warmUp, type GroupOutcome } from './build-group.js';
import { typecheckScope } from './check-scope.js';
import { diffEntries } from './entries-diff.js';
import { describeFunction, roundMs, type ChangedFile, type DevEvent, type ErrorPhase } from './events.js';
import { SourceGraph } from './graph.js';
import { DevOutput } from './output.js';
import { stopwatch } from './stopwatch.js';

interface BuilderOptions {
    /** Where the timings of each step go (--debug). */
    debug?: (message: string) => void;
}

type Emit = (event: DevEvent) => void;

const CONFIG_FILES = new Set(['tsconfig.json', 'package.json']);

export class DevBuilder {
    readonly graph = new SourceGraph();
    /** The functions index.ts registers now, including ones whose file is missing (kept as they were built). */
    private refs = new Map<string, FunctionRef>();
    /** The last good summary of each function. */
    private readonly summaries = new Map<string, FunctionSummary>();
    /** Functions whose current source is not what build/ holds: retried on every rebuild until they build. */
    private readonly dirty = new Set<string>();
    /** Functions whose file index.ts imports but which is gone. */
    private missing = new Set<string>();
    /**
     * Functions that left index.ts but whose bundle and manifest entry a failed write left in
     * place: written again on every rebuild until a write succeeds, as dirty functions are.
     */
    private readonly unwrittenRemovals = new Map<string, FunctionRef>();
    private hadErrors = false;
    private readonly output: DevOutput;

    private constructor(readonly paths: ProjectPaths, private readonly emit: Emit, private readonly options: BuilderOptions) {
        this.output = new DevOutput(paths, options.debug);
    }

    get root(): string {
        return this.paths.root;
    }

    get functionRefs(): FunctionRef[] {
        return [...this.refs.values()];
    }

    /**
     * The first build: compile's own pipeline (so a warm cache makes it instant). When that fails,
     * the functions are built the dev way instead, so the good ones are ready and the broken ones
     * are reported one by one.
     */
    static async start(cwd: string, emit: Emit, options: BuilderOptions = {}): Promise<{ builder: DevBuilder; ok: boolean }> {
        const { paths, refs } = await loadEntries(cwd);
        const builder = new DevBuilder(paths, emit, options);
        const result = await compileProject({ cwd: paths.root, typecheck: false, cache: true });
        if (result.ok) {
            for (const ref of refs) builder.refs.set(ref.id, ref);
            const known = new Set<string>();
            for (const fn of result.functions) {
                if (!fn.summary) continue;
                known.add(fn.ref.id);
                builder.summaries.set(fn.ref.id, fn.summary);
                builder.graph.set(fn.ref.id, fn.inputs);
            }
            // A bundle compile could not stamp: bundle it once more to learn its graph.
            const unknown = refs.filter((ref) => !known.has(ref.id));
            if (unknown.length > 0) {
                const release = await lockProject(paths);
                await builder.rebuildRefs(unknown, [], [], performance.now(), { quiet: true }).finally(release);
            }
            builder.output.prime(builder.currentSummaries());
            return { builder, ok: true };
        }
        const ok = await builder.rebuild([], { initial: true });
        return { builder, ok };
    }

    /**
     * Most saves change code inside exec, not what the manifest says. An unchanged entry keeps its
     * old object, so the manifest text is reused and not rewritten (see ManifestText).
     */
    private keepSummary(summary: FunctionSummary): void {
        const previous = this.summaries.get(summary.id);
        if (previous && JSON.stringify(previous) === JSON.stringify(summary)) return;
        this.summaries.set(summary.id, summary);
    }

    private currentSummaries(): FunctionSummary[] {
        return this.functionRefs.flatMap((ref) => this.summaries.get(ref.id) ?? []);
    }

    /** A head start for the first save (build-group.ts warmUp). */
    async warmUp(): Promise<void> {
        const ref = this.functionRefs.find((r) => !this.dirty.has(r.id));
        if (ref) await warmUp(this.paths, ref);
    }

    /** The function files whose type-check a change can affect (check-scope.ts). */
    checkScope(changes: readonly ChangedFile[]): ReadonlySet<string> | 'all' {
        return typecheckScope(this.root, this.functionRefs, this.graph, changes);
    }

    /** True when a changed file can matter: a source of some bundle, index.ts, or a config file. */
    isRelevant(file: string): boolean {
        return this.graph.isInput(file) || this.isConfig(file) || file === resolve(this.root, 'index.ts');
    }

    private isConfig(file: string): boolean {
        return CONFIG_FILES.has(relative(this.root, file));
    }

    /**
     * Rebuilds what the changed files touch. Returns whether everything is built now (no errors).
     * Never throws for problems in the project: they become `error` events.
     */
    async rebuild(changes: ChangedFile[], mode: { initial?: boolean } = {}): Promise<boolean> {
        const started = performance.now();
        const absolute = changes.map((c) => ({ ...c, file: resolve(this.root, c.file) }));
        const indexChanged = mode.initial || absolute.some((c) => c.file === resolve(this.root, 'index.ts') || c.kind !== 'change');
        const configChanged = absolute.some((c) => this.isConfig(c.file));

        const added: string[] = [];
        const left: FunctionRef[] = [];
        const projectErrors: CompileDiagnostic[] = [];
        if (indexChanged) {
            const entries = await this.reloadEntries(added, left, projectErrors);
            if (!entries) {
                if (!mode.initial) this.emit({ event: 'rebuild-start', files: changes, functions: [] });
                this.reportErrors('project', projectErrors, started);
                return false;
            }
        }
        // A function back in index.ts is written as any added one; its removal no longer applies.
        for (const id of this.refs.keys()) this.unwrittenRemovals.delete(id);
        for (const ref of left) this.unwrittenRemovals.set(ref.id, ref);
        const removed = [...this.unwrittenRemovals.values()];

        const affected = new Set<string>(this.dirty);
        for (const id of added) affected.add(id);
        for (const id of this.graph.affectedBy(absolute.map((c) => c.file))) affected.add(id);
        for (const ref of this.refs.values()) {
            if (configChanged || absolute.some((c) => c.file === ref.file)) affected.add(ref.id);
        }
        for (const id of this.missing) affected.delete(id);
        const refs = [...affected].map((id) => this.refs.get(id)).filter((ref): ref is FunctionRef => ref !== undefined);
        if (!mode.initial) this.emit({ event: 'rebuild-start', files: changes, functions: refs.map(describeFunction) });

        if (refs.length === 0 && added.length === 0 && removed.length === 0 && projectErrors.length === 0 && !mode.initial) {
            const durationMs = roundMs(performance.now() - started);
            // index.ts was read again without errors, no function is broken and nothing waits to be
            // written: the change fixed an index.ts error (an import that did not parse, an import
            // of a bad path), the last one.
            if (indexChanged && this.hadErrors && this.dirty.size === 0) {
                this.hadErrors = false;
                this.emit({ event: 'rebuild', functions: [], added: [], removed: [], durationMs, recovered: true });
                return true;
            }
            if (changes.length > 0) this.emit({ event: 'unchanged', files: changes, durationMs });
            return !this.hadErrors;
        }
        // One writer of build/ at a time: a `ferry compile` in another terminal waits, and so does this.
        const release = await lockProject(this.paths);
        try {
            return await this.rebuildRefs(refs, added, removed, started, { projectErrors, initial: mode.initial ?? false });
        } finally {
            await release();
        }
    }

    /** Re-reads index.ts; updates refs and missing. Undefined when the project cannot be read at all. */
    private async reloadEntries(added: string[], removed: FunctionRef[], errors: CompileDiagnostic[]): Promise<FunctionRef[] | undefined> {
        let loaded: Awaited<ReturnType<typeof loadEntries>>;
        let indexSource: string;
        try {
            loaded = await loadEntries(this.root);
            indexSource = await readFile(resolve(this.root, 'index.ts'), 'utf8');
        } catch (error) {
            const message = error instanceof FerryError ? error.message : error instanceof Error ? error.message : String(error);
            errors.push({ file: resolve(this.root, 'index.ts'), code: error instanceof FerryError ? error.code : 'PROJECT_UNREADABLE', message });
            return undefined;
        }
        const { next, missing } = diffEntries(this.refs, loaded.refs, indexSource, added, removed);
        for (const { id } of removed) {
            this.graph.delete(id);
            this.summaries.delete(id);
            this.dirty.delete(id);
        }
        this.refs = next;
        this.missing = missing;
        errors.push(...loaded.diagnostics);
        return loaded.refs;
    }

    /** Bundles, analyses and writes `refs`; reports what happened. */
    private async rebuildRefs(
        refs: FunctionRef[],
        added: string[],
        removed: FunctionRef[],
        started: number,
        extra: { projectErrors?: CompileDiagnostic[]; quiet?: boolean; initial?: boolean }
    ): Promise<boolean> {
        const projectErrors = extra.projectErrors ?? [];
        // Functions that failed last time are built apart, so their errors do not hold up the others.
        const fresh = refs.filter((ref) => !this.dirty.has(ref.id));
        const retried = refs.filter((ref) => this.dirty.has(ref.id));
        const lap = stopwatch(this.options.debug, `${refs.length} function${refs.length === 1 ? '' : 's'}`);
        const outcomes = await Promise.all([buildGroup(this.paths, fresh), buildGroup(this.paths, retried)]);
        lap('bundled and evaluated');
        const bundleErrors = outcomes.flatMap((o) => o.errors);
        const analyzed = outcomes.flatMap((o) => o.analyzed);
        const builtIds = new Set(analyzed.map((a) => a.result.ref.id));
        for (const ref of refs) if (!builtIds.has(ref.id)) this.dirty.add(ref.id);
        for (const a of analyzed) this.graph.set(a.result.ref.id, a.result.bundle.inputs);
        const analysisErrors = analyzed.flatMap((a) => a.result.diagnostics);
        const good = analyzed.filter((a) => a.result.summary !== undefined);
        for (const a of analyzed) {
            if (a.result.summary) this.keepSummary(a.result.summary);
            else this.dirty.add(a.result.ref.id);
        }
        const current = this.functionRefs;
        const touched = new Set([...refs, ...removed].map((ref) => ref.integration));
        for (const id of added) touched.add(this.refs.get(id)?.integration ?? '');
        // Names, models and endpoints clash only within an integration, so only touched ones are checked.
        // While they clash nothing is written.
        const clashes = validateProject(current.filter((ref) => touched.has(ref.integration)).map((ref) => ({ ref, summary: this.summaries.get(ref.id) })));
        const validateErrors = [...analysisErrors, ...clashes];
        const projectValid = clashes.length === 0;
        for (const id of this.missing) this.dirty.add(id);

        lap('validated');
        const writeError = projectValid ? await this.write(good, removed) : undefined;
        if (!projectValid) for (const a of good) this.dirty.add(a.result.ref.id);
        lap('written');
        if (extra.quiet) return this.dirty.size === 0;

        this.reportErrors('project', projectErrors, started);
        this.reportErrors('bundle', bundleErrors, started);
        this.reportErrors('validate', validateErrors, started);
        if (writeError) this.reportErrors('write', [writeError], started);

        const failed = projectErrors.length + bundleErrors.length + validateErrors.length + (writeError ? 1 : 0) > 0;
        const wasBroken = this.hadErrors;
        this.hadErrors = failed || this.dirty.size > 0 || this.unwrittenRemovals.size > 0;
        if (!extra.initial) this.reportRebuild(writeError || !projectValid ? [] : good, added, removed, started, wasBroken);
        return !this.hadErrors;
    }

    /** Writes the bundles that built and the manifest; the error to report when that failed. */
    private async write(good: GroupOutcome['analyzed'], removed: FunctionRef[]): Promise<CompileDiagnostic | undefined> {
        try {
            await this.output.write({
                bundles: good.map((a) => ({ ref: a.result.ref, code: a.result.bundle.code })),
                summaries: this.currentSummaries(),
                removed
            });
            for (const a of good) this.dirty.delete(a.result.ref.id);
            for (const ref of removed) this.unwrittenRemovals.delete(ref.id);
            return undefined;
        } catch (error) {
            for (const a of good) this.dirty.add(a.result.ref.id);
            return { code: 'WRITE_FAILED', message: `could not write build/ and the manifest: ${error instanceof Error ? error.message : String(error)}` };
        }
    }

    private reportRebuild(written: GroupOutcome['analyzed'], added: string[], removed: FunctionRef[], started: number, wasBroken: boolean): void {
        // Only removals whose bundle is gone are reported (printed as "its bundle was deleted").
        const gone = removed.filter((ref) => !this.unwrittenRemovals.has(ref.id));
        if (written.length === 0 && added.length === 0 && gone.length === 0) return;
        this.emit({
            event: 'rebuild',
            functions: rebuiltFunctions(this.paths, written),
            added: added.filter((id) => !this.dirty.has(id)),
            removed: gone.map((ref) => ref.id),
            durationMs: roundMs(performance.now() - started),
            recovered: wasBroken && !this.hadErrors
        });
    }

    private reportErrors(phase: ErrorPhase, errors: CompileDiagnostic[], started: number): void {
        if (errors.length === 0) return;
        this.hadErrors = true;
        this.emit({ event: 'error', phase, errors: withFunctions(errors, this.functionRefs), durationMs: roundMs(performance.now() - started) });
    }
}
