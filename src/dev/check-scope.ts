import { resolve } from 'node:path';
import type { FunctionRef } from '../project/types.js';
import type { ChangedFile } from './events.js';
import type { SourceGraph } from './graph.js';

/**
 * The function files whose type-check a change can affect. Narrowed only when every changed
 * file is a function file no other function's bundle includes: anything else (a helper, which
 * may also be imported for its types alone, which bundles do not show) can affect any function.
 */
export function typecheckScope(root: string, refs: readonly FunctionRef[], graph: SourceGraph, changes: readonly ChangedFile[]): ReadonlySet<string> | 'all' {
    const files = new Set<string>();
    const byFile = new Map(refs.map((ref) => [ref.file, ref]));
    for (const change of changes) {
        const file = resolve(root, change.file);
        const ref = byFile.get(file);
        if (!ref || change.kind !== 'change') return 'all';
        const users = graph.affectedBy([file]);
        if (users.size > 1 || (users.size === 1 && !users.has(ref.id))) return 'all';
        files.add(file);
    }
    return files;
}
