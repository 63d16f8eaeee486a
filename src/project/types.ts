/** The shape of a functions project on disk, as Nango lays it out: index.ts, `<integration>/<syncs|actions|on-events>/<name>.ts`, .nango/. */

export type FunctionType = 'sync' | 'action' | 'onEvent';
export type FunctionFolder = 'syncs' | 'actions' | 'on-events';

export const FOLDER_OF: Record<FunctionType, FunctionFolder> = { sync: 'syncs', action: 'actions', onEvent: 'on-events' };
export const TYPE_OF: Record<FunctionFolder, FunctionType> = { syncs: 'sync', actions: 'action', 'on-events': 'onEvent' };

/** Folders a project already uses for other things: an integration cannot live there. */
const RESERVED_INTEGRATIONS: readonly string[] = ['build', 'dist', 'node_modules'];

/** Why an integration id cannot be used as a project folder, or undefined when it can. */
export function reservedIntegrationError(integration: string): { message: string; hint: string } | undefined {
    if (!RESERVED_INTEGRATIONS.includes(integration)) return undefined;
    return {
        message: `'${integration}' cannot be an integration id: the project uses that folder for other files`,
        hint: 'Use the integration id (provider config key) from the platform, e.g. github.'
    };
}

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
