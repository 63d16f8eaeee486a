/**
 * `ferry pull <integration> <name>`: a deployed function's source from an environment (-e), or
 * with -c the template catalog's (through clone: its source, --repo, --ref, --from and imports).
 */
import type { CliContext } from '../context.js';
import { ExitCode, FerryError, usageError } from '../errors.js';
import { findProjectRoot } from '../project/project.js';
import { checkPullName, pullDeployed, type PullType } from '../pull/deployed.js';

interface PullCommandOptions {
    integration: string;
    name: string;
    /** -e; default dev. */
    environment?: string | undefined;
    catalog: boolean;
    /** From -s, -a, --on-event: at most one. */
    types: PullType[];
    force: boolean;
    /** --auto-confirm: overwrite a differing file without asking, as -f does. */
    autoConfirm?: boolean;
    repo?: string | undefined;
    ref?: string | undefined;
    from?: string | undefined;
}

const FOLDERS: Record<PullType, string> = { sync: 'syncs', action: 'actions', 'on-event': 'on-events' };

export async function run(options: PullCommandOptions, ctx: CliContext): Promise<ExitCode> {
    if (options.catalog && options.environment !== undefined) throw usageError('-c and -e cannot be combined', 'Pull from the catalog (-c) or from an environment (-e <env>), e.g. ferry pull github list-repos -e dev.');
    if (options.types.length > 1) throw usageError('give at most one of --sync, --action and --on-event');
    const type = options.types[0];
    if (options.catalog) return pullFromCatalog({ ...options, force: options.force || Boolean(options.autoConfirm) }, type, ctx);
    if (options.repo ?? options.ref ?? options.from) throw usageError('--repo, --ref and --from only apply with -c (the catalog)');
    const environment = options.environment ?? 'dev';
    const root = findProjectRoot(ctx.cwd);
    const { adminClient } = await import('../platform/admin.js');
    const client = await adminClient(root, ctx.env, environment);
    try {
        const pull = (force: boolean) => pullDeployed(client, { root, integration: options.integration, name: options.name, type, force });
        let result;
        try {
            result = await pull(options.force || Boolean(options.autoConfirm));
        } catch (error) {
            // As clone does: a person at a terminal is asked before their file is replaced.
            if (!(error instanceof FerryError && error.code === 'PULL_CONFLICT' && ctx.interactive && !ctx.json)) throw error;
            if (!(await ctx.confirm(`${error.message}. Overwrite it?`))) throw error;
            result = await pull(true);
        }
        if (ctx.json) ctx.printJson({ environment, ...result });
        else {
            ctx.out(result.status === 'written' ? `${ctx.colors.green('✓')} Pulled ${result.file} from ${environment}` : `  ${result.file} is already the deployed source`);
            if (result.registered) ctx.out('  registered in index.ts');
        }
        return ExitCode.Ok;
    } finally {
        await client.close();
    }
}

/** The catalog is the templates repository clone reads: one function, its type given or probed. */
async function pullFromCatalog(options: PullCommandOptions, type: PullType | undefined, ctx: CliContext): Promise<ExitCode> {
    checkPullName('integration', options.integration);
    checkPullName('function', options.name);
    const clone = await import('./clone.js');
    const types = type ? [type] : (Object.keys(FOLDERS) as PullType[]);
    const missing: string[] = [];
    for (const type of types) {
        const template = `${options.integration}/${FOLDERS[type]}/${options.name}`;
        try {
            return await clone.run({ template, repo: options.repo, ref: options.ref, from: options.from, force: options.force }, ctx);
        } catch (error) {
            // Probing: a type the catalog does not have is the next type's turn.
            if (error instanceof FerryError && error.code === 'CLONE_TEMPLATE_NOT_FOUND' && types.length > 1) {
                missing.push(template);
                continue;
            }
            throw error;
        }
    }
    throw new FerryError({ code: 'PULL_NOT_FOUND', message: `The catalog has no function ${options.name} for ${options.integration} (looked for ${missing.join(', ')})`, hint: 'Check the names, e.g. ferry clone github to see what an integration has.' });
}
