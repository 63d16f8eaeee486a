/**
 * A bound on requests in flight: a whole integration is dozens of files, and opening a
 * connection per file at once is slower (and ruder to GitHub) than a handful at a time.
 */
import type { TemplateSource } from './source.js';

type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(max: number): Limiter {
    const bound = Math.max(1, Math.floor(max));
    let active = 0;
    const waiting: (() => void)[] = [];
    return async (task) => {
        // A finished task hands its slot straight to the next waiter, so the bound holds
        // even when new tasks arrive between the release and the waiter waking up.
        if (active >= bound) await new Promise<void>((resolve) => waiting.push(resolve));
        else active++;
        try {
            return await task();
        } finally {
            const next = waiting.shift();
            if (next) next();
            else active--;
        }
    };
}

/** The same source, with every listing and download going through one limiter. */
export function boundedSource(source: TemplateSource, max: number): TemplateSource {
    const limit = createLimiter(max);
    return {
        label: source.label,
        templatesDir: source.templatesDir,
        origin: source.origin,
        flags: source.flags,
        list: (dir) => limit(() => source.list(dir)),
        read: (path) => limit(() => source.read(path)),
        explainMissingRoot: () => source.explainMissingRoot(),
        abort: () => source.abort(),
        close: () => source.close()
    };
}
