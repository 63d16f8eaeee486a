/** The shape of a functions project on disk (reference §1). */

export type FunctionType = 'sync' | 'action' | 'onEvent';
export type FunctionFolder = 'syncs' | 'actions' | 'on-events';

export const FOLDER_OF: Record<FunctionType, FunctionFolder> = { sync: 'syncs', action: 'actions', onEvent: 'on-events' };
export const TYPE_OF: Record<FunctionFolder, FunctionType> = { syncs: 'sync', actions: 'action', 'on-events': 'onEvent' };

/** One function file registered in index.ts. */
export interface FunctionRef {
    /** Integration id (provider config key): the first path segment. */
    integration: string;
    folder: FunctionFolder;
    type: FunctionType;
    /** The file's basename without extension. */
    name: string;
    /** Absolute path of the `.ts` source. */
    file: string;
    /** Path relative to the project root with forward slashes, e.g. `github/syncs/issues.ts`. */
    relPath: string;
    /** `<integration>_<folder>_<name>`: the bundle's base name in build/. */
    id: string;
    /** Line of its import in index.ts (1-based). */
    indexLine: number;
}

export interface Project {
    root: string;
    indexFile: string;
    entries: FunctionRef[];
}
