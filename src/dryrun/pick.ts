/**
 * Which function a dry run means: by name, `<integration>/<name>`, or with --integration-id when
 * a name exists in several integrations. Every miss is a one-line usage error with a way out.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, FerryError } from '../errors.js';
import type { FunctionRef } from '../project/types.js';
import { closest, didYouMean } from '../util/suggest.js';

/** pickFunction, with a better hint when the file exists but index.ts does not import it. */
export function pickRegistered(root: string, entries: readonly FunctionRef[], name: string, integrationId?: string): FunctionRef {
    try {
        return pickFunction(entries, name, integrationId);
    } catch (error) {
        if (!(error instanceof FerryError) || error.code !== 'FUNCTION_NOT_FOUND') throw error;
        const wanted = name.includes('/') && !integrationId ? name.slice(name.indexOf('/') + 1) : name;
        const integration = integrationId ?? (name.includes('/') ? name.slice(0, name.indexOf('/')) : undefined);
        const file = unregisteredFile(root, wanted, integration);
        if (!file) throw error;
        throw new FerryError({
            code: 'FUNCTION_NOT_REGISTERED',
            message: `${file} exists but index.ts does not import it`,
            hint: `Add \`import './${file.replace(/\.ts$/, '.js')}';\` to index.ts.`,
            exitCode: ExitCode.Failure
        });
    }
}

function unregisteredFile(root: string, name: string, integration: string | undefined): string | undefined {
    let integrations: string[];
    try {
        integrations = integration ? [integration] : readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('.') && d.name !== 'node_modules').map((d) => d.name);
    } catch {
        return undefined;
    }
    for (const dir of integrations) {
        for (const folder of ['syncs', 'actions', 'on-events']) {
            const rel = `${dir}/${folder}/${name}.ts`;
            if (existsSync(join(root, rel))) return rel;
        }
    }
    return undefined;
}

/** By name, `integration/name`, or with --integration-id when a name exists in several integrations. */
export function pickFunction(entries: readonly FunctionRef[], name: string, integrationId?: string): FunctionRef {
    let wanted = name;
    let integration = integrationId;
    const slash = name.indexOf('/');
    if (slash > 0 && !integrationId) {
        integration = name.slice(0, slash);
        wanted = name.slice(slash + 1);
    }
    if (integration && !entries.some((e) => e.integration === integration)) throw integrationNotFound(entries, integration);
    const matches = entries.filter((e) => e.name === wanted && (!integration || e.integration === integration));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) {
        throw new FerryError({
            code: 'FUNCTION_AMBIGUOUS',
            message: `'${wanted}' exists in several integrations (${matches.map((m) => m.integration).join(', ')})`,
            hint: `Pass --integration-id ${matches[0]!.integration} (or one of the others).`,
            exitCode: ExitCode.Failure
        });
    }
    throw functionNotFound(entries, wanted, integration);
}

/** The one wording of "no such function" (dryrun, test, replays); `hint` replaces the list of names when there is no close one. */
export function functionNotFoundMessage(name: string, integration?: string): string {
    return `No function '${name}'${integration ? ` in integration '${integration}'` : ''} is registered in index.ts`;
}

export function functionNotFound(entries: readonly FunctionRef[], name: string, integration?: string, fallbackHint?: string): FerryError {
    const pool = entries.filter((e) => !integration || e.integration === integration).map((e) => e.name);
    const suggestions = closest(name, pool);
    return new FerryError({
        code: 'FUNCTION_NOT_FOUND',
        message: functionNotFoundMessage(name, integration),
        hint: didYouMean(name, pool) || fallbackHint || (pool.length > 0 ? `Functions: ${pool.slice(0, 10).join(', ')}${pool.length > 10 ? ', …' : ''}.` : 'Add one with `ferry generate`.'),
        exitCode: ExitCode.Failure,
        details: { function: name, ...(integration ? { integration } : {}), suggestions }
    });
}

/** An integration the project does not have (a local check: the platform's own INTEGRATION_NOT_FOUND exits 12). */
export function integrationNotFound(entries: readonly FunctionRef[], integration: string): FerryError {
    const integrations = [...new Set(entries.map((e) => e.integration))];
    return new FerryError({
        code: 'INTEGRATION_NOT_FOUND',
        message: `No integration '${integration}' in this project`,
        hint: didYouMean(integration, integrations) || `Integrations: ${integrations.join(', ') || 'none'}.`,
        exitCode: ExitCode.Failure,
        details: { integration, suggestions: closest(integration, integrations) }
    });
}
