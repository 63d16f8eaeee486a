/** What a new reading of index.ts changes in a dev session's functions (builder.ts). */
import { existsSync } from 'node:fs';
import { parseIndexImports, specifierToRelPath } from '../project/project.js';
import type { FunctionRef } from '../project/types.js';

/**
 * The functions now, by id, and those kept though their file is missing; pushes the ids added and
 * the refs that left into `added` and `removed`.
 */
export function diffEntries(
    previous: ReadonlyMap<string, FunctionRef>,
    loaded: readonly FunctionRef[],
    indexSource: string,
    added: string[],
    removed: FunctionRef[]
): { next: Map<string, FunctionRef>; missing: Set<string> } {
    const imported = new Set(parseIndexImports(indexSource).map((entry) => specifierToRelPath(entry.specifier)));
    const next = new Map(loaded.map((ref) => [ref.id, ref]));
    const missing = new Set<string>();
    for (const [id, ref] of previous) {
        if (next.has(id)) continue;
        // Still imported but the file is gone (deleted, or renamed without updating index.ts):
        // compile would fail, so the last good bundle stays until the import is fixed.
        if (imported.has(ref.relPath) && !existsSync(ref.file)) {
            next.set(id, ref);
            missing.add(id);
        } else removed.push(ref);
    }
    for (const id of next.keys()) if (!previous.has(id)) added.push(id);
    return { next, missing };
}
