/**
 * Which functions a file feeds. Each bundle's source graph (esbuild's metafile inputs) is recorded
 * per function; a changed file then maps straight to the functions that must be rebuilt.
 */
import { resolve } from 'node:path';

export class SourceGraph {
    /** file -> ids of the functions whose bundle includes it */
    private readonly users = new Map<string, Set<string>>();
    /** id -> the files its last good bundle was made from */
    private readonly inputsOf = new Map<string, readonly string[]>();

    /** Replaces what is known about one function's inputs (absolute paths). */
    set(id: string, inputs: readonly string[]): void {
        this.delete(id);
        const files = inputs.map((file) => resolve(file));
        this.inputsOf.set(id, files);
        for (const file of files) {
            let ids = this.users.get(file);
            if (!ids) this.users.set(file, (ids = new Set()));
            ids.add(id);
        }
    }

    delete(id: string): void {
        for (const file of this.inputsOf.get(id) ?? []) {
            const ids = this.users.get(file);
            ids?.delete(id);
            if (ids?.size === 0) this.users.delete(file);
        }
        this.inputsOf.delete(id);
    }

    has(id: string): boolean {
        return this.inputsOf.has(id);
    }

    /** True when some function's bundle is made from this file. */
    isInput(file: string): boolean {
        return this.users.has(resolve(file));
    }

    /** The ids of every function whose source graph contains one of the files. */
    affectedBy(files: Iterable<string>): Set<string> {
        const ids = new Set<string>();
        for (const file of files) for (const id of this.users.get(resolve(file)) ?? []) ids.add(id);
        return ids;
    }

    inputs(id: string): readonly string[] {
        return this.inputsOf.get(id) ?? [];
    }
}
