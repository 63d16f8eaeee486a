/** Turns -s / -a / -i into the part of the project a deploy covers, or a one-line error. */
import type { Manifest } from '../compiler/types.js';
import type { FunctionType } from '../project/types.js';
import { usageError, type FerryError } from '../errors.js';
import { didYouMean } from '../util/suggest.js';
import type { Selection } from './types.js';

export interface SelectionFlags {
    sync?: string | undefined;
    action?: string | undefined;
    integration?: string | undefined;
}

/** The flag combinations refused whatever the project holds: checked before anything is compiled. */
export function checkSelectionFlags(flags: SelectionFlags): void {
    if (flags.sync !== undefined && flags.action !== undefined) {
        throw usageError('-s/--sync and -a/--action cannot be used together', 'Deploy one function at a time, or leave both out to deploy everything.');
    }
}

/** A function as the flags name it: what the manifest says after compiling, or index.ts before. */
export interface SelectableFunction {
    integration: string;
    type: FunctionType;
    name: string;
}

/** The selection the flags make of a compiled project. Throws a usage error for a name it does not have. */
export function resolveSelection(manifest: Manifest, flags: SelectionFlags): Selection {
    const functions = manifest.flatMap((entry) => [
        ...entry.syncs.map((fn) => ({ integration: entry.providerConfigKey, type: 'sync' as const, name: fn.name })),
        ...entry.actions.map((fn) => ({ integration: entry.providerConfigKey, type: 'action' as const, name: fn.name }))
    ]);
    return select(
        manifest.map((entry) => entry.providerConfigKey),
        functions,
        flags,
        true
    )!;
}

/**
 * The same check against the functions index.ts registers, before anything is compiled: a flag
 * mistake (an action given to -s, a typo) is a usage error even in a project that does not compile.
 * `complete` is false when index.ts has imports that register nothing (a missing file, a line that
 * does not parse): a name that is not found may then be one of those, so only the mistakes the
 * entries prove (wrong kind, two matches) are reported, and compile speaks for the rest.
 */
export function checkSelectionAgainstEntries(entries: readonly SelectableFunction[], flags: SelectionFlags, complete: boolean): void {
    select([...new Set(entries.map((fn) => fn.integration))], entries, flags, complete);
}

/** Undefined only when `complete` is false and a name is not found. */
function select(integrations: readonly string[], functions: readonly SelectableFunction[], flags: SelectionFlags, complete: boolean): Selection | undefined {
    checkSelectionFlags(flags);
    if (flags.integration !== undefined && !integrations.includes(flags.integration)) {
        if (!complete) return undefined;
        throw unknown('integration', flags.integration, [...integrations], `This project's integrations: ${integrations.join(', ') || 'none'}.`);
    }
    const scope = flags.integration === undefined ? functions : functions.filter((fn) => fn.integration === flags.integration);

    const wanted = flags.sync !== undefined ? { type: 'sync' as const, name: flags.sync } : flags.action !== undefined ? { type: 'action' as const, name: flags.action } : undefined;
    if (!wanted) {
        return flags.integration === undefined ? { mode: 'all' } : { mode: 'integration', integration: flags.integration };
    }

    const namesOf = (type: 'sync' | 'action'): SelectableFunction[] => scope.filter((fn) => fn.type === type);
    const matches = namesOf(wanted.type).filter((fn) => fn.name === wanted.name);
    const flag = wanted.type === 'sync' ? '-s' : '-a';

    if (matches.length === 0) {
        const other = wanted.type === 'sync' ? 'action' : 'sync';
        if (namesOf(other).some((fn) => fn.name === wanted.name)) {
            throw usageError(`'${wanted.name}' is ${other === 'action' ? 'an action' : 'a sync'}, not ${wanted.type === 'action' ? 'an action' : 'a sync'}`, `Use ${other === 'action' ? '-a' : '-s'} ${wanted.name}.`);
        }
        if (!complete) return undefined;
        const where = flags.integration === undefined ? 'in this project' : `in integration '${flags.integration}'`;
        throw unknown(wanted.type, wanted.name, namesOf(wanted.type).map((fn) => fn.name), `Check the name ${where}, or run \`ferry compile\` to list the functions.`, where);
    }
    if (matches.length > 1) {
        throw usageError(
            `There is a ${wanted.type} named '${wanted.name}' in ${matches.map((m) => m.integration).join(' and ')}`,
            `Add -i <integration> to say which one, e.g. ${flag} ${wanted.name} -i ${matches[0]!.integration}.`
        );
    }
    return { mode: 'single', integration: matches[0]!.integration, function: wanted };
}

function unknown(what: string, name: string, candidates: string[], fallbackHint: string, where = 'in this project'): FerryError {
    const suggestion = didYouMean(name, candidates);
    return usageError(`No ${what} named '${name}' ${where}`, suggestion || fallbackHint);
}

const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** `ferry deploy prod` and `ferry deploy -e prod` mean the same; both at once must agree. */
export function resolveEnvironment(positional: string | undefined, flag: string | undefined): string {
    if (positional !== undefined && flag !== undefined && positional !== flag) {
        throw usageError(`Two environments given: '${positional}' and -e '${flag}'`, `Name the environment once, e.g. \`ferry deploy ${flag}\`.`);
    }
    const environment = flag ?? positional ?? 'dev';
    if (!ENVIRONMENT_NAME.test(environment)) {
        throw usageError(`'${environment}' is not an environment name`, 'Use the name shown in the platform, e.g. dev or prod (letters, digits, - and _).');
    }
    return environment;
}

/** --version is stamped as-is on every function; it must at least be one visible token. */
export function checkVersion(version: string | undefined): string | undefined {
    if (version === undefined) return undefined;
    if (!/^\S{1,64}$/.test(version)) {
        throw usageError(`--version '${version}' is not a version`, 'Give one word without spaces, e.g. --version 1.2.0.');
    }
    return version;
}
