/**
 * `ferry pull <integration> <name>`: a deployed function's source from an environment (-e), or
 * with -c the template catalog's (through clone: its source, --repo, --ref, --from and imports).
 */
import type { CliContext } from '../context.js';
import { ExitCode, FerryError, usageError } from '../errors.js';
import { findProjectRoot } from '../project/project.js';
import { checkPullName, pullDeployed, type PullType } from '../pull/deployed.js';

export interface PullCommandOptions {
    integration: string;
    name: string;
    environment: string;
    catalog: boolean;
    type?: PullType | undefined;
    force: boolean;
    repo?: string | undefined;
    ref?: string | undefined;
    from?: string | undefined;
}

const FOLDERS: Record<PullType, string> = { sync: 'syncs', action: 'actions', 'on-event': 'on-events' };

export async function run(options: PullCommandOptions, ctx: CliContext): Promise<ExitCode> {
    if (options.catalog) return pullFromCatalog(options, ctx);
    if (options.repo ?? options.ref ?? options.from) throw usageError('--repo, --ref and --from only apply with -c (the catalog)');
    const root = findProjectRoot(ctx.cwd);
    const { adminClient } = await import('../platform/admin.js');
    const client = await adminClient(root, ctx.env, options.environment);
    try {
        const result = await pullDeployed(client, { root, integration: options.integration, name: options.name, type: options.type, force: options.force });
        if (ctx.json) ctx.printJson({ environment: options.environment, ...result });
        else {
            ctx.out(result.status === 'written' ? `${ctx.colors.green('✓')} Pulled ${result.file} from ${options.environment}` : `  ${result.file} is already the deployed source`);
            if (result.registered) ctx.out('  registered in index.ts');
        }
        return ExitCode.Ok;
    } finally {
        await client.close();
    }
}

/** The catalog is the templates repository clone reads: one function, its type given or probed. */
async function pullFromCatalog(options: PullCommandOptions, ctx: CliContext): Promise<ExitCode> {
    checkPullName('integration', options.integration);
    checkPullName('function', options.name);
    const clone = await import('./clone.js');
    const types = options.type ? [options.type] : (Object.keys(FOLDERS) as PullType[]);
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
