/**
 * A dev session: one compile, then a watcher whose debounced changes rebuild only the functions
 * they touch, and a type-check that runs beside it and never holds a rebuild up. Everything that
 * happens is reported as a DevEvent; the session never prints and never exits the process.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { withFunctions } from '../compiler/compile.js';
import { hashContent } from '../compiler/stamps.js';
import type { CompileDiagnostic } from '../compiler/types.js';
import { findProjectRoot } from '../project/project.js';
import { DevBuilder } from './builder.js';
import { createChangeBatcher } from './debounce.js';
import { describeFunction, type ChangeKind, type ChangedFile, type DevEvent } from './events.js';
import { createTscRunner, startBackgroundTypecheck, type BackgroundTypecheck } from './typecheck.js';
import { CHANGE_THROTTLE_MS, isWatchedSource, watchProject, type ProjectWatcher } from './watcher.js';

export interface DevSessionOptions {
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
    const started = performance.now();
    const root = findProjectRoot(options.cwd);
    const emit = onEvent;
    /** Set by stop(): no new rebuild starts, the one in flight finishes. */
    let closing = false;

    // Changes that arrive before the first build is done wait for it.
    let builder: DevBuilder | undefined;
    let queue: ChangedFile[] = [];
    let processing: Promise<void> | undefined;
    let typecheck: BackgroundTypecheck | undefined;
    let warming: Promise<void> | undefined;

    const batcher = createChangeBatcher((files) => {
        queue.push(...files);
        if (builder) kick();
    }, options.debounceMs ?? 25);

    const kick = (): void => {
        if (processing || closing || queue.length === 0) return;
        processing = drain().finally(() => {
            processing = undefined;
            kick();
        });
    };

    // chokidar drops a second save of a file within 50 ms of the first (a fix typed right after an
    // error, a formatter rewriting on save). What each rebuild read is remembered by content and
    // compared once that window has passed: a difference is a save that was not reported.
    let lastChangeAt = 0;
    const verifications = new Set<NodeJS.Timeout>();
    const verifyLater = (read: Map<string, string | undefined>): void => {
        if (read.size === 0 || closing) return;
        const timer = setTimeout(
            () => {
                verifications.delete(timer);
                void Promise.all(
                    [...read].map(async ([file, hash]) => {
                        const now = await contentHash(file);
                        // A deleted file is not this case: chokidar reports every unlink.
                        if (now !== undefined && now !== hash) onChange(file, 'change');
                    })
                );
            },
            Math.max(0, lastChangeAt + CHANGE_THROTTLE_MS + 10 - Date.now())
        );
        verifications.add(timer);
    };

    const drain = async (): Promise<void> => {
        while (queue.length > 0 && !closing && builder) {
            const files = mergeChanges(queue);
            queue = [];
            const read = new Map(
                await Promise.all(files.filter((f) => f.kind !== 'unlink').map(async (f) => [resolve(root, f.file), await contentHash(resolve(root, f.file))] as const))
            );
            try {
                await builder.rebuild(files);
            } catch (error) {
                emit({ event: 'error', phase: 'write', errors: [internalDiagnostic(error)], durationMs: 0 });
            }
            verifyLater(read);
            typecheck?.request(builder.checkScope(files));
            if (!existsSync(root)) {
                void session.stop('the project folder was removed');
                return;
            }
        }
    };

    const onChange = (file: string, kind: ChangeKind): void => {
        if (closing) return;
        lastChangeAt = Date.now();
        options.debug?.(`${kind} ${file}`);
        // Before the first build only sources can be judged; after it, the source graph decides too.
        if (!isWatchedSource(root, file) && !builder?.isRelevant(file)) return;
        batcher.add(relative(root, file).split('\\').join('/'), kind);
    };

    // The watcher starts with the first build, so a save made during it is not missed.
    const watching = watchProject(root, {
        onChange,
        onError: (error) => emit({ event: 'error', phase: 'project', errors: [{ code: 'WATCH_ERROR', message: `the file watcher failed: ${error.message}` }], durationMs: 0 })
    });
    // Handled below, once the first build is done; this keeps an early failure from counting as unhandled.
    watching.catch(() => undefined);
    let watcher: ProjectWatcher | undefined;
    try {
        const built = await DevBuilder.start(root, emit, options.debug ? { debug: options.debug } : {});
        watcher = await watching;
        builder = built.builder;

        if (options.typecheck !== false) {
            typecheck = startBackgroundTypecheck(createTscRunner(root, built.builder.paths.cacheDir, () => built.builder.functionRefs.map((ref) => ref.file)), {
                onStart: () => emit({ event: 'typecheck-start' }),
                onResult: (result) =>
                    emit({
                        event: 'typecheck',
                        ok: result.errors.length === 0,
                        errors: withFunctions(result.errors, built.builder.functionRefs),
                        durationMs: round(result.durationMs)
                    }),
                onFailure: (error) => emit({ event: 'typecheck', ok: false, errors: [internalDiagnostic(error, 'TYPECHECK_FAILED')], durationMs: 0 })
            });
        }
        emit({
            event: 'ready',
            root,
            ok: built.ok,
            functions: built.builder.functionRefs.map(describeFunction),
            durationMs: round(performance.now() - started),
            typecheck: typecheck !== undefined
        });
        typecheck?.request('all');
        warming = built.builder.warmUp();
        kick();
    } catch (error) {
        batcher.cancel();
        await (watcher ?? (await watching.catch(() => undefined)))?.close();
        throw error;
    }

    let resolveDone!: (reason: string) => void;
    const done = new Promise<string>((resolve) => (resolveDone = resolve));
    let stopped: Promise<void> | undefined;

    const session: DevSession = {
        root,
        done,
        stop(reason) {
            stopped ??= (async () => {
                closing = true;
                batcher.cancel();
                for (const timer of verifications) clearTimeout(timer);
                await watcher?.close();
                // Let a rebuild in flight finish its writes: stopping must not leave half a build.
                await processing;
                await warming;
                await typecheck?.stop();
                // esbuild's service process would end anyway once our end of its pipes closes;
                // stop() sends it SIGTERM now and returns at once: esbuild exposes no handle to wait
                // on. Node collects its exit if that comes while we still run, the init process if
                // it comes after we exit; the dev e2e test checks that it is gone either way.
                await (await import('esbuild')).stop();
                onEvent({ event: 'stop', reason });
                resolveDone(reason);
            })();
            return stopped;
        }
    };
    return session;
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

const round = (ms: number): number => Math.round(ms * 10) / 10;
