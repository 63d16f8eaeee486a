/**
 * A dev session: one compile, then a watcher whose debounced changes rebuild only the functions
 * they touch, and a type-check that runs beside it and never holds a rebuild up. Everything that
 * happens is reported as a DevEvent; the session never prints and never exits the process.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { withFunctions } from '../compiler/compile-diagnostics.js';
import { hashContent } from '../compiler/stamps.js';
import type { CompileDiagnostic } from '../compiler/types.js';
import { findProjectRoot } from '../project/project.js';
import { DevBuilder } from './builder.js';
import { createChangeBatcher } from './debounce.js';
import { describeFunction, roundMs, type ChangeKind, type ChangedFile, type DevEvent } from './events.js';
import { createTscRunner, startBackgroundTypecheck, type BackgroundTypecheck } from './typecheck.js';
import { CHANGE_THROTTLE_MS, isWatchedSource, watchProject, type ProjectWatcher } from './watcher.js';

interface DevSessionOptions {
    cwd: string;
    /** Run the background type-check (default true). */
    typecheck?: boolean;
    /** Quiet time that ends a burst of saves, ms (default 25). */
    debounceMs?: number;
    /** Timings of each step, for --debug. */
    debug?: (message: string) => void;
}

export interface DevSession {
    readonly root: string;
    /** Ends the session: the watcher is closed, the type-check process killed, then `stop` is emitted. */
    stop(reason: string): Promise<void>;
    /** Settles with the stop reason once the session has fully ended. */
    readonly done: Promise<string>;
}

export async function startDevSession(options: DevSessionOptions, onEvent: (event: DevEvent) => void): Promise<DevSession> {
    const session = new Session(findProjectRoot(options.cwd), options, onEvent);
    await session.start(performance.now());
    return session;
}

class Session implements DevSession {
    readonly done: Promise<string>;
    private resolveDone!: (reason: string) => void;
    /** Set by stop(): no new rebuild starts, the one in flight finishes. */
    private closing = false;
    private stopped: Promise<void> | undefined;
    // Changes that arrive before the first build is done wait for it.
    private builder: DevBuilder | undefined;
    private queue: ChangedFile[] = [];
    private processing: Promise<void> | undefined;
    private typecheck: BackgroundTypecheck | undefined;
    private warming: Promise<void> | undefined;
    private watcher: ProjectWatcher | undefined;
    private readonly batcher;
    // chokidar drops a second save of a file within 50 ms of the first (a fix typed right after an
    // error, a formatter rewriting on save). What each rebuild read is remembered by content and
    // compared once that window has passed: a difference is a save that was not reported.
    private lastChangeAt = 0;
    private readonly verifications = new Set<NodeJS.Timeout>();

    constructor(
        readonly root: string,
        private readonly options: DevSessionOptions,
        private readonly emit: (event: DevEvent) => void
    ) {
        this.done = new Promise<string>((resolve) => (this.resolveDone = resolve));
        this.batcher = createChangeBatcher((files) => {
            this.queue.push(...files);
            if (this.builder) this.kick();
        }, options.debounceMs ?? 25);
    }

    /** The first build, with the watcher started beside it so a save made during it is not missed. */
    async start(started: number): Promise<void> {
        const watching = watchProject(this.root, {
            onChange: (file, kind) => this.onChange(file, kind),
            onError: (error) => this.emit({ event: 'error', phase: 'project', errors: [{ code: 'WATCH_ERROR', message: `the file watcher failed: ${error.message}` }], durationMs: 0 })
        });
        // Handled below, once the first build is done; this keeps an early failure from counting as unhandled.
        watching.catch(() => undefined);
        try {
            const built = await DevBuilder.start(this.root, this.emit, this.options.debug ? { debug: this.options.debug } : {});
            this.watcher = await watching;
            this.builder = built.builder;
            if (this.options.typecheck !== false) this.typecheck = this.startTypecheck(built.builder);
            this.emit({
                event: 'ready',
                root: this.root,
                ok: built.ok,
                functions: built.builder.functionRefs.map(describeFunction),
                durationMs: roundMs(performance.now() - started),
                typecheck: this.typecheck !== undefined
            });
            this.typecheck?.request('all');
            this.warming = built.builder.warmUp();
            this.kick();
        } catch (error) {
            this.batcher.cancel();
            await (this.watcher ?? (await watching.catch(() => undefined)))?.close();
            throw error;
        }
    }

    private startTypecheck(builder: DevBuilder): BackgroundTypecheck {
        return startBackgroundTypecheck(createTscRunner(this.root, builder.paths.cacheDir, () => builder.functionRefs.map((ref) => ref.file)), {
            onStart: () => this.emit({ event: 'typecheck-start' }),
            onResult: (result) =>
                this.emit({ event: 'typecheck', ok: result.errors.length === 0, errors: withFunctions(result.errors, builder.functionRefs), durationMs: roundMs(result.durationMs) }),
            onFailure: (error) => this.emit({ event: 'typecheck', ok: false, errors: [internalDiagnostic(error, 'TYPECHECK_FAILED')], durationMs: 0 })
        });
    }

    private onChange(file: string, kind: ChangeKind): void {
        if (this.closing) return;
        this.lastChangeAt = Date.now();
        this.options.debug?.(`${kind} ${file}`);
        // Before the first build only sources can be judged; after it, the source graph decides too.
        if (!isWatchedSource(this.root, file) && !this.builder?.isRelevant(file)) return;
        this.batcher.add(relative(this.root, file).split('\\').join('/'), kind);
    }

    private kick(): void {
        if (this.processing || this.closing || this.queue.length === 0) return;
        this.processing = this.drain().finally(() => {
            this.processing = undefined;
            this.kick();
        });
    }

    private async drain(): Promise<void> {
        while (this.queue.length > 0 && !this.closing && this.builder) {
            const files = mergeChanges(this.queue);
            this.queue = [];
            const read = new Map(
                await Promise.all(files.filter((f) => f.kind !== 'unlink').map(async (f) => [resolve(this.root, f.file), await contentHash(resolve(this.root, f.file))] as const))
            );
            try {
                await this.builder.rebuild(files);
            } catch (error) {
                this.emit({ event: 'error', phase: 'write', errors: [internalDiagnostic(error)], durationMs: 0 });
            }
            this.verifyLater(read);
            this.typecheck?.request(this.builder.checkScope(files));
            if (!existsSync(this.root)) {
                void this.stop('the project folder was removed');
                return;
            }
        }
    }

    private verifyLater(read: Map<string, string | undefined>): void {
        if (read.size === 0 || this.closing) return;
        const timer = setTimeout(
            () => {
                this.verifications.delete(timer);
                void Promise.all(
                    [...read].map(async ([file, hash]) => {
                        const now = await contentHash(file);
                        // A deleted file is not this case: chokidar reports every unlink.
                        if (now !== undefined && now !== hash) this.onChange(file, 'change');
                    })
                );
            },
            Math.max(0, this.lastChangeAt + CHANGE_THROTTLE_MS + 10 - Date.now())
        );
        this.verifications.add(timer);
    }

    stop(reason: string): Promise<void> {
        this.stopped ??= (async () => {
            this.closing = true;
            this.batcher.cancel();
            for (const timer of this.verifications) clearTimeout(timer);
            await this.watcher?.close();
            // Let a rebuild in flight finish its writes: stopping must not leave half a build.
            await this.processing;
            await this.warming;
            await this.typecheck?.stop();
            // esbuild's service process would end anyway once our end of its pipes closes;
            // stop() sends it SIGTERM now and returns at once: esbuild exposes no handle to wait
            // on. Node collects its exit if that comes while we still run, the init process if
            // it comes after we exit; the dev e2e test checks that it is gone either way.
            await (await import('esbuild')).stop();
            this.emit({ event: 'stop', reason });
            this.resolveDone(reason);
        })();
        return this.stopped;
    }
}

/** The last kind seen per file, in first-seen order. */
function mergeChanges(changes: ChangedFile[]): ChangedFile[] {
    const byFile = new Map<string, ChangedFile['kind']>();
    for (const change of changes) byFile.set(change.file, change.kind);
    return [...byFile].map(([file, kind]) => ({ file, kind }));
}

async function contentHash(file: string): Promise<string | undefined> {
    try {
        return hashContent(await readFile(file));
    } catch {
        return undefined;
    }
}

function internalDiagnostic(error: unknown, code = 'INTERNAL'): CompileDiagnostic {
    return { code, message: error instanceof Error ? error.message : String(error) };
}

