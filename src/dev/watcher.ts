/**
 * Watching a project folder with chokidar: everything that can change a bundle or the type-check
 * (sources, index.ts, tsconfig.json, package.json), never what Ferry or package managers write.
 */
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, relative, sep } from 'node:path';
import type { ChangeKind } from './events.js';

/** Folders whose contents never feed a bundle; watching them would only echo our own writes. */
const IGNORED_DIRS = new Set(['node_modules', 'build', 'dist', '.nango', '.git', 'coverage']);

/** A little over chokidar's own throttle of repeated change events (50 ms). */
const CHANGE_THROTTLE_MS = 60;

export interface ProjectWatcher {
    close(): Promise<void>;
}

export interface WatchOptions {
    onChange: (file: string, kind: ChangeKind) => void;
    onError: (error: Error) => void;
}

/** True for paths the watcher ignores (relative to the project root). */
export function isIgnored(root: string, path: string): boolean {
    const rel = relative(root, path);
    if (rel === '') return false;
    if (rel.startsWith('..')) return true;
    const parts = rel.split(sep);
    if (parts.some((part) => IGNORED_DIRS.has(part))) return true;
    const name = basename(path);
    // Recorded fixtures (<integration>/tests/<name>.test.json), editor swap files and our own temp files.
    return name.endsWith('.test.json') || name.endsWith('.tmp') || name.endsWith('~') || name.endsWith('.swp') || name.startsWith('.#');
}

/** Files whose change matters even when no bundle includes them yet. */
export function isWatchedSource(root: string, path: string): boolean {
    const rel = relative(root, path);
    if (rel === 'tsconfig.json' || rel === 'package.json' || rel === 'index.ts') return true;
    return /\.(ts|mts|cts)$/.test(path) && !path.endsWith('.d.ts');
}

/** Resolves once the initial scan is done, so no change after it can be missed. */
export async function watchProject(root: string, options: WatchOptions): Promise<ProjectWatcher> {
    const { watch } = await import('chokidar');
    const watcher = watch(root, {
        ignoreInitial: true,
        ignored: (path) => isIgnored(root, path),
        // Our own latency budget is tens of ms: report a write as soon as the kernel does.
        awaitWriteFinish: false,
        atomic: true,
        persistent: true
    });
    // chokidar drops (rather than delays) a change that comes within 50 ms of the previous change
    // of the same file, so a quick second save (a formatter rewriting on save, a fix typed right
    // after an error) would be lost. Each change is looked at again once that window has passed.
    const rechecks = new Map<string, NodeJS.Timeout>();
    const recheck = (path: string, seen: Stats | undefined): void => {
        clearTimeout(rechecks.get(path));
        rechecks.set(
            path,
            setTimeout(() => {
                rechecks.delete(path);
                stat(path).then(
                    (now) => {
                        if (!seen || now.mtimeMs !== seen.mtimeMs || now.size !== seen.size) {
                            options.onChange(path, 'change');
                            recheck(path, now);
                        }
                    },
                    () => undefined
                );
            }, CHANGE_THROTTLE_MS)
        );
    };
    watcher.on('add', (path) => options.onChange(path, 'add'));
    watcher.on('change', (path, stats) => {
        options.onChange(path, 'change');
        recheck(path, stats);
    });
    watcher.on('unlink', (path) => options.onChange(path, 'unlink'));
    watcher.on('error', (error) => options.onError(error instanceof Error ? error : new Error(String(error))));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    return {
        close: async () => {
            for (const timer of rechecks.values()) clearTimeout(timer);
            rechecks.clear();
            await watcher.close();
        }
    };
}
