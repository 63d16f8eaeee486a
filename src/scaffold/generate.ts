/** `ferry generate sync|action|on-event`: one new function file, registered in index.ts. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode, FerryError, usageError } from '../errors.js';
import { withImports } from '../project/index-file.js';
import { findProjectRoot } from '../project/project.js';
import { FOLDER_OF, TYPE_OF, reservedIntegrationError, type FunctionFolder } from '../project/types.js';
import { AGENTS_FILE, agentsFile, isFerryAgentsFile } from '../templates/agents.js';
import { functionTemplate, type GeneratedKind } from '../templates/function.js';
import { writeFileAtomic, writeFilesAtomic } from '../util/fs.js';
import { FUNCTION_NAME, KEBAB_NAME, toKebabCase } from './names.js';

export const GENERATED_KINDS: readonly GeneratedKind[] = ['sync', 'action', 'on-event'];
export const ON_EVENTS = ['post-connection-creation', 'pre-connection-deletion', 'validate-connection'] as const;

export interface GenerateOptions {
    cwd: string;
    kind: GeneratedKind;
    integration: string;
    name: string;
    event?: string;
}

export interface GenerateResult {
    root: string;
    kind: GeneratedKind;
    integration: string;
    name: string;
    /** The new file, relative to root. */
    file: string;
    /** Whether index.ts gained the import (false when it already had it). */
    indexUpdated: boolean;
}

const FOLDER_OF_KIND: Record<GeneratedKind, FunctionFolder> = { sync: FOLDER_OF.sync, action: FOLDER_OF.action, 'on-event': FOLDER_OF.onEvent };

export async function generateFunction(options: GenerateOptions): Promise<GenerateResult> {
    const { kind, integration, name } = options;
    checkName('integration', integration, KEBAB_NAME, 'lower-case letters and digits in dash-separated words, e.g. github or google-calendar');
    const reserved = reservedIntegrationError(integration);
    if (reserved) throw usageError(reserved.message, reserved.hint);
    checkName('name', name, FUNCTION_NAME, 'lower-case letters and digits in dash-separated words, starting with a letter, e.g. list-issues');
    const event = options.event ?? ON_EVENTS[0];
    if (!(ON_EVENTS as readonly string[]).includes(event)) {
        throw usageError(`'${event}' is not an event`, `Use one of ${ON_EVENTS.join(', ')}.`);
    }

    const root = findProjectRoot(options.cwd);
    const relPath = `${integration}/${FOLDER_OF_KIND[kind]}/${name}.ts`;
    const clash = (Object.keys(TYPE_OF) as FunctionFolder[]).map((folder) => `${integration}/${folder}/${name}.ts`).find((path) => existsSync(join(root, path)));
    if (clash) {
        throw new FerryError({
            code: 'FUNCTION_EXISTS',
            message: `${integration} already has a function named '${name}' (${clash}); nothing was written`,
            hint: 'Function names are unique per integration: pick another name, or edit the existing file.',
            details: { file: clash }
        });
    }

    const indexFile = join(root, 'index.ts');
    const index = await readFile(indexFile, 'utf8');
    const nextIndex = withImports(index, [relPath]);
    const content = functionTemplate({ kind, integration, name, event, sdk: await sdkModule(root) });
    try {
        await writeFilesAtomic([{ path: join(root, relPath), content }, ...(nextIndex === index ? [] : [{ path: indexFile, content: nextIndex }])]);
    } catch (error) {
        throw new FerryError({
            code: 'WRITE_FAILED',
            message: `could not write ${relPath} (${errnoCode(error) ?? (error as Error).message}); nothing was written`,
            hint: `Check that ${root} is writable, then run the command again.`,
            cause: error
        });
    }
    return { root, kind, integration, name, file: relPath, indexUpdated: nextIndex !== index };
}

export interface GenerateAgentsResult {
    root: string;
    /** Relative to root. */
    file: string;
    /** written: there was none; refreshed: Ferry's older text replaced; unchanged: already current; kept: the user's own, left alone. */
    status: 'written' | 'refreshed' | 'unchanged' | 'kept';
}

/** `ferry generate agents`: AGENTS.md for coding agents, refreshed only when Ferry wrote it. */
export async function generateAgents(options: { cwd: string }): Promise<GenerateAgentsResult> {
    const root = findProjectRoot(options.cwd);
    const path = join(root, AGENTS_FILE);
    const content = agentsFile({ sdk: await sdkModule(root) });
    let current: string | undefined;
    try {
        current = await readFile(path, 'utf8');
    } catch (error) {
        if (errnoCode(error) !== 'ENOENT') throw error;
    }
    const result = (status: GenerateAgentsResult['status']): GenerateAgentsResult => ({ root, file: AGENTS_FILE, status });
    if (current === content) return result('unchanged');
    if (current !== undefined && !isFerryAgentsFile(current)) return result('kept');
    await writeFileAtomic(path, content);
    return result(current === undefined ? 'written' : 'refreshed');
}

function checkName(what: 'integration' | 'name', value: string, pattern: RegExp, rule: string): void {
    if (pattern.test(value)) return;
    const suggestion = toKebabCase(value);
    throw usageError(
        `the ${what} '${value}' is not valid: use ${rule}; nothing was written`,
        pattern.test(suggestion) && suggestion !== value ? `Try '${suggestion}'.` : undefined
    );
}

/** Nango projects import the SDK from 'nango'; new files follow the project's habit. */
export async function sdkModule(root: string): Promise<string> {
    let pkg: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> } | undefined;
    try {
        pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as typeof pkg;
    } catch {
        // No package.json, or one compile will complain about: default to Ferry's own name.
    }
    const deps = { ...pkg?.dependencies, ...pkg?.devDependencies };
    return 'nango' in deps && !('ferry' in deps) ? 'nango' : 'ferry';
}
