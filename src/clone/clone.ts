/**
 * Cloning as two steps. `planClone` downloads everything the template needs (the function files
 * and, recursively, the files they import relatively) and compares it with the project, touching
 * nothing. `applyClone` then writes the plan in one atomic batch, index.ts last. A failure while
 * planning therefore leaves the project exactly as it was.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FerryError, errnoCode } from '../errors.js';
import { withImports } from '../project/index-file.js';
import { parseIndexImports, specifierToRelPath } from '../project/project.js';
import type { FunctionFolder } from '../project/types.js';
import { writeFilesAtomic } from '../util/fs.js';
import { followImports, projectPathOf, type CloneWarning } from './follow-imports.js';
import { loadParser } from '../project/parser.js';
import { boundedSource } from './limit.js';
import { selectFunctions } from './select.js';
import type { TemplateSource } from './source.js';
import { formatSpec, type TemplateSpec } from './spec.js';

export const DEFAULT_CONCURRENCY = 8;

/**
 * `new`: not in the project yet. `identical`: already there, byte for byte (skipped).
 * `conflict`: already there with other content.
 */
export type FileStatus = 'new' | 'identical' | 'conflict';

export interface PlannedFile {
    /** Path under the project root, posix separators: `github/helpers/paginate.ts`. */
    path: string;
    /** Path in the templates repository: `integrations/github/helpers/paginate.ts`. */
    from: string;
    content: Buffer;
    status: FileStatus;
    /** Set for the sync, action and on-event files the user asked for. */
    function?: { integration: string; folder: FunctionFolder; name: string };
}

export interface ClonePlan {
    template: string;
    source: { label: string; origin: Record<string, string> };
    root: string;
    indexFile: string;
    /** Functions first (in the order selected), then the files they need, sorted. */
    files: PlannedFile[];
    /** Function files (project paths) that index.ts does not import yet. */
    register: string[];
    warnings: CloneWarning[];
}

export interface PlanOptions {
    source: TemplateSource;
    spec: TemplateSpec;
    /** Project root (has index.ts and .nango/). */
    root: string;
    indexFile: string;
    /** Downloads in flight at once. */
    concurrency?: number;
}

export async function planClone(options: PlanOptions): Promise<ClonePlan> {
    const source = boundedSource(options.source, options.concurrency ?? DEFAULT_CONCURRENCY);
    try {
        return await plan(source, options);
    } catch (error) {
        // The first failure is the one reported; requests still running are pointless now.
        source.abort();
        throw error;
    }
}

async function plan(source: TemplateSource, options: PlanOptions): Promise<ClonePlan> {
    const { root, indexFile } = options;
    const [selected] = await Promise.all([selectFunctions(source, options.spec), loadParser()]);
    const followed = await followImports(source, selected.map((fn) => ({ from: fn.path, content: fn.content })));

    const functionPaths = new Map(selected.map((fn) => [projectPathOf(source.templatesDir, fn.path)!, fn]));
    const orderedPaths = [...functionPaths.keys(), ...[...followed.files.keys()].filter((p) => !functionPaths.has(p)).sort()];
    const files = await Promise.all(
        orderedPaths.map(async (path): Promise<PlannedFile> => {
            const { from, content } = followed.files.get(path)!;
            const fn = functionPaths.get(path);
            return {
                path,
                from,
                content,
                status: await compareWithProject(root, path, content),
                ...(fn ? { function: { integration: fn.integration, folder: fn.folder, name: fn.name } } : {})
            };
        })
    );

    const indexSource = await readFile(indexFile, 'utf8');
    const registered = new Set(parseIndexImports(indexSource).map((entry) => specifierToRelPath(entry.specifier)));
    const register = [...functionPaths.keys()].filter((path) => !registered.has(path));

    return {
        template: formatSpec(options.spec),
        source: { label: source.label, origin: source.origin },
        root,
        indexFile,
        files,
        register,
        warnings: followed.warnings.sort((a, b) => a.file.localeCompare(b.file) || a.message.localeCompare(b.message))
    };
}

async function compareWithProject(root: string, path: string, content: Buffer): Promise<FileStatus> {
    const target = join(root, ...path.split('/'));
    try {
        const info = await stat(target);
        if (!info.isFile()) {
            throw new FerryError({
                code: 'CLONE_PATH_TAKEN',
                message: `The template needs the file ${path}, but the project has a folder there`,
                hint: 'Move that folder aside and run the command again. Nothing was written.',
                details: { path }
            });
        }
        return (await readFile(target)).equals(content) ? 'identical' : 'conflict';
    } catch (error) {
        if (errnoCode(error) === 'ENOENT') return 'new';
        if (errnoCode(error) === 'ENOTDIR') {
            throw new FerryError({
                code: 'CLONE_PATH_TAKEN',
                message: `The template needs the file ${path}, but a file in the project stands where one of its folders should be`,
                hint: 'Move that file aside and run the command again. Nothing was written.',
                details: { path }
            });
        }
        throw error;
    }
}

export const conflictsOf = (plan: ClonePlan): PlannedFile[] => plan.files.filter((f) => f.status === 'conflict');

export interface CloneResult {
    template: string;
    source: Record<string, string>;
    /** Files written (new ones and, with overwrite, conflicting ones), project paths. */
    written: string[];
    /** Files already in the project with the same content. */
    skipped: string[];
    /** Files that existed with other content and were overwritten. */
    conflicts: string[];
    /** Function files added to index.ts. */
    registered: string[];
    /** Every function the template holds, project paths (registered now or before). */
    functions: string[];
    warnings: CloneWarning[];
}

export function conflictError(plan: ClonePlan): FerryError {
    const conflicts = conflictsOf(plan).map((f) => f.path);
    const shown = conflicts.length <= 3 ? conflicts.join(', ') : `${conflicts.slice(0, 3).join(', ')} and ${conflicts.length - 3} more`;
    return new FerryError({
        code: 'CLONE_CONFLICT',
        message: `${conflicts.length === 1 ? 'A file' : `${conflicts.length} files`} of '${plan.template}' already ${conflicts.length === 1 ? 'exists' : 'exist'} with different content: ${shown}`,
        hint: `Nothing was written. Rerun with --force to overwrite ${conflicts.length === 1 ? 'it' : 'them'}, or move ${conflicts.length === 1 ? 'it' : 'them'} aside first.`,
        details: { conflicts }
    });
}

/** Writes the plan: all files in one atomic batch, index.ts last. Refuses conflicts unless `overwrite`. */
export async function applyClone(plan: ClonePlan, options: { overwrite: boolean }): Promise<CloneResult> {
    const conflicts = conflictsOf(plan);
    if (conflicts.length > 0 && !options.overwrite) throw conflictError(plan);

    const toWrite = plan.files.filter((f) => f.status === 'new' || f.status === 'conflict');
    // index.ts is read again: it may have changed since the plan was made (an editor saving it).
    const indexSource = await readFile(plan.indexFile, 'utf8');
    const nextIndex = withImports(indexSource, plan.register);
    await writeFilesAtomic([
        ...toWrite.map((f) => ({ path: join(plan.root, ...f.path.split('/')), content: f.content })),
        ...(nextIndex !== indexSource ? [{ path: plan.indexFile, content: nextIndex }] : [])
    ]);

    return {
        template: plan.template,
        source: plan.source.origin,
        written: toWrite.map((f) => f.path),
        skipped: plan.files.filter((f) => f.status === 'identical').map((f) => f.path),
        conflicts: conflicts.map((f) => f.path),
        registered: nextIndex !== indexSource ? plan.register : [],
        functions: plan.files.filter((f) => f.function).map((f) => f.path),
        warnings: plan.warnings
    };
}
