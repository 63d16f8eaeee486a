/**
 * From what the user named to the function files to clone. A single function is fetched
 * directly (no API call on the happy path); folders are listed. When something is missing, the
 * nearest level that does exist is listed to suggest what the user may have meant.
 */
import { posix } from 'node:path';
import { FerryError } from '../errors.js';
import type { FunctionFolder } from '../project/types.js';
import { closest } from '../util/suggest.js';
import type { SourceEntry, TemplateSource } from './source.js';
import { FUNCTION_FOLDERS, formatSpec, type TemplateSpec } from './spec.js';

/** A function file of the templates repository, with the contents already fetched. */
interface SelectedFunction {
    integration: string;
    folder: FunctionFolder;
    name: string;
    /** Repository path, e.g. `integrations/github/actions/list-repos.ts`. */
    path: string;
    content: Buffer;
}

/** `.ts` files that are functions: not declarations, not tests. */
function isFunctionFileName(name: string): boolean {
    return name.length > 3 && name.endsWith('.ts') && !name.endsWith('.d.ts') && !/\.(test|spec)\.ts$/.test(name);
}

const functionNames = (entries: SourceEntry[]): string[] =>
    entries.filter((e) => e.kind === 'file' && isFunctionFileName(e.name)).map((e) => e.name.replace(/\.ts$/, ''));

const dirNames = (entries: SourceEntry[]): string[] => entries.filter((e) => e.kind === 'dir' && !e.name.startsWith('.')).map((e) => e.name);

export async function selectFunctions(source: TemplateSource, spec: TemplateSpec): Promise<SelectedFunction[]> {
    const base = posix.join(source.templatesDir, spec.integration);
    if (spec.kind === 'function') {
        const path = posix.join(base, spec.folder, `${spec.name}.ts`);
        const content = await source.read(path);
        if (content === undefined) throw await explainMissing(source, spec);
        return [{ integration: spec.integration, folder: spec.folder, name: spec.name, path, content }];
    }

    const folders: FunctionFolder[] = spec.kind === 'folder' ? [spec.folder] : [];
    if (spec.kind === 'integration') {
        const entries = await source.list(base);
        if (entries === undefined) throw await explainMissing(source, spec);
        const present = new Set(dirNames(entries));
        folders.push(...FUNCTION_FOLDERS.filter((f) => present.has(f)));
        if (folders.length === 0) throw noFunctions(source, spec);
    }

    const listings = await Promise.all(
        folders.map(async (folder) => {
            const entries = await source.list(posix.join(base, folder));
            if (entries === undefined && spec.kind === 'folder') throw await explainMissing(source, spec);
            return { folder, names: functionNames(entries ?? []).sort() };
        })
    );
    const wanted = listings.flatMap(({ folder, names }) =>
        names.map((name) => ({ integration: spec.integration, folder, name, path: posix.join(base, folder, `${name}.ts`) }))
    );
    if (wanted.length === 0) throw noFunctions(source, spec);
    return Promise.all(
        wanted.map(async (w) => {
            const content = await source.read(w.path);
            if (content === undefined) {
                throw new FerryError({
                    code: 'CLONE_SOURCE_CHANGED',
                    message: `${w.path} is listed in ${source.label} but could not be downloaded`,
                    hint: 'The repository may have changed while cloning; run the command again, or pin a commit with --ref.'
                });
            }
            return { ...w, content };
        })
    );
}

/** The error for a template that does not exist, with the closest names at the level that does. */
async function explainMissing(source: TemplateSource, spec: TemplateSpec): Promise<Error> {
    const root = source.templatesDir;
    const integrations = await source.list(root);
    if (integrations === undefined) return source.explainMissingRoot();
    const integrationNames = dirNames(integrations);
    if (!integrationNames.includes(spec.integration)) {
        const near = closest(spec.integration, integrationNames);
        return notFound(source, spec, `no integration '${spec.integration}'`, near.map((integration) => formatSpec({ ...spec, integration })));
    }
    if (spec.kind === 'integration') return noFunctions(source, spec);

    const integrationDir = posix.join(root, spec.integration);
    const folderEntries = (await source.list(integrationDir)) ?? [];
    const folders = dirNames(folderEntries).filter(isFunctionFolder);
    if (!folders.includes(spec.folder)) {
        return notFound(
            source,
            spec,
            `no ${spec.folder} for '${spec.integration}'`,
            folders.map((folder) => formatSpec({ ...spec, folder })),
            folders.length === 0 ? `'${spec.integration}' has no syncs, actions or on-events.` : undefined
        );
    }
    if (spec.kind === 'folder') return noFunctions(source, spec);

    const names = functionNames((await source.list(posix.join(integrationDir, spec.folder))) ?? []);
    const near = closest(spec.name, names);
    // The same name under another type folder is a likely mix-up (`github/syncs/list-repos`).
    const elsewhere: string[] = [];
    for (const other of folders.filter((f) => f !== spec.folder)) {
        const otherNames = functionNames((await source.list(posix.join(integrationDir, other))) ?? []);
        if (otherNames.includes(spec.name)) elsewhere.push(`${spec.integration}/${other}/${spec.name}`);
    }
    return notFound(
        source,
        spec,
        `no ${singular(spec.folder)} '${spec.name}' in ${spec.integration}/${spec.folder}`,
        [...elsewhere, ...near.map((n) => `${spec.integration}/${spec.folder}/${n}`)].slice(0, 3),
        names.length > 0 && near.length === 0 && elsewhere.length === 0 ? listHint(source, spec, names) : undefined
    );
}

/** What the folder does hold, with a command that keeps the source flags the user gave. */
function listHint(source: TemplateSource, spec: TemplateSpec & { kind: 'function' }, names: string[]): string {
    const folder = `${spec.integration}/${spec.folder}`;
    if (names.length === 1) {
        return `The only ${singular(spec.folder)} there is ${names[0]}: run \`${cloneCommand(source, `${folder}/${names[0]}`)}\`.`;
    }
    return `Run \`${cloneCommand(source, folder)}\` to clone all ${names.length}, or pick one of: ${preview(names)}.`;
}

function cloneCommand(source: TemplateSource, template: string): string {
    return ['ferry clone', template, ...source.flags.map(shellWord)].join(' ');
}

/** A folder given to --from may hold spaces or quotes: single-quoted, it pastes back as typed. */
function shellWord(word: string): string {
    return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

function isFunctionFolder(name: string): name is FunctionFolder {
    return (FUNCTION_FOLDERS as readonly string[]).includes(name);
}

function singular(folder: FunctionFolder): string {
    return folder === 'syncs' ? 'sync' : folder === 'actions' ? 'action' : 'on-event function';
}

function preview(names: string[]): string {
    const sorted = [...names].sort();
    return sorted.length <= 8 ? sorted.join(', ') : `${sorted.slice(0, 8).join(', ')} and ${sorted.length - 8} more`;
}

function notFound(
    source: TemplateSource,
    spec: TemplateSpec,
    what: string,
    suggestions: string[],
    fallbackHint?: string
): FerryError {
    const quoted = suggestions.map((s) => `'${s}'`);
    const hint =
        quoted.length > 0
            ? `Did you mean ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`}?`
            : (fallbackHint ?? 'Check the name against the templates repository.');
    return new FerryError({
        code: 'CLONE_TEMPLATE_NOT_FOUND',
        message: `Template '${formatSpec(spec)}' not found in ${source.label}: ${what}`,
        hint,
        details: { template: formatSpec(spec), suggestions, ...source.origin }
    });
}

function noFunctions(source: TemplateSource, spec: TemplateSpec): FerryError {
    return new FerryError({
        code: 'CLONE_NO_FUNCTIONS',
        message: `Template '${formatSpec(spec)}' in ${source.label} has no function files (.ts) to clone`,
        hint: 'Check the name against the templates repository.',
        details: { template: formatSpec(spec), ...source.origin }
    });
}
