/**
 * Editors save in bursts (a formatter rewrites the file, "save all" touches ten files, an atomic
 * save unlinks then adds). Changes are collected until the files have been quiet for `quietMs`
 * (capped at `maxWaitMs` so a stream of saves cannot starve the rebuild), then handed over as one
 * batch with the last kind seen for each file.
 */
import type { ChangeKind, ChangedFile } from './events.js';

interface ChangeBatcher {
    add(file: string, kind: ChangeKind): void;
    /** Hands over whatever is pending now. */
    flush(): void;
    cancel(): void;
}

export function createChangeBatcher(onBatch: (files: ChangedFile[]) => void, quietMs = 30, maxWaitMs = 200): ChangeBatcher {
    let pending = new Map<string, ChangeKind>();
    let quietTimer: NodeJS.Timeout | undefined;
    let firstAt = 0;

    const clear = (): void => {
        if (quietTimer) clearTimeout(quietTimer);
        quietTimer = undefined;
    };
    const flush = (): void => {
        clear();
        if (pending.size === 0) return;
        const batch = [...pending].map(([file, kind]) => ({ file, kind }));
        pending = new Map();
        onBatch(batch);
    };

    return {
        add(file, kind) {
            const previous = pending.get(file);
            // An unlink followed by an add within one burst is an atomic save: the file changed.
            const merged: ChangeKind = previous === 'unlink' && kind === 'add' ? 'change' : previous === 'add' && kind === 'change' ? 'add' : kind;
            pending.set(file, merged);
            const now = Date.now();
            if (!quietTimer) firstAt = now;
            clear();
            const wait = Math.max(0, Math.min(quietMs, firstAt + maxWaitMs - now));
            quietTimer = setTimeout(flush, wait);
        },
        flush,
        cancel() {
            clear();
            pending = new Map();
        }
    };
}
