/**
 * Watching a project folder with chokidar: everything that can change a bundle or the type-check
 * (sources, index.ts, tsconfig.json, package.json), never what Ferry or package managers write.
 */
import { basename, relative, sep } from 'node:path';
import type { ChangeKind } from './events.js';

/** Folders whose contents never feed a bundle; watching them would only echo our own writes. */
const IGNORED_DIRS = new Set(['node_modules', 'build', 'dist', '.nango', '.git', 'coverage', '.ferry']);

/**
 * chokidar drops (rather than delays) a change that comes within this long of the previous change
 * of the same file. The session looks at rebuilt files again once it has passed.
 */
export const CHANGE_THROTTLE_MS = 50;

export interface ProjectWatcher {
    close(): Promise<void>;
}

interface WatchOptions {
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
    watcher.on('add', (path) => options.onChange(path, 'add'));
    watcher.on('change', (path) => options.onChange(path, 'change'));
    watcher.on('unlink', (path) => options.onChange(path, 'unlink'));
    watcher.on('error', (error) => options.onError(error instanceof Error ? error : new Error(String(error))));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    return { close: () => watcher.close() };
}
