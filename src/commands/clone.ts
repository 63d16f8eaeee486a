/**
 * `ferry clone <integration>[/<type>[/<name>]]`: turns flags into a template source and a plan,
 * asks before overwriting (interactively), applies it and prints what happened.
 */
import type { CliContext } from '../context.js';
import { ExitCode, usageError } from '../errors.js';
import { findProjectRoot } from '../project/project.js';
import { ferryInvocation } from '../scaffold/invocation.js';
import { applyClone, conflictError, conflictsOf, planClone, type CloneResult, type ClonePlan } from '../clone/clone.js';
import { openLocalSource } from '../clone/local-source.js';
import type { TemplateSource } from '../clone/source.js';
import { cloneResultJson } from '../clone/result-json.js';
import { DEFAULT_TEMPLATES_REPO, parseRepo, parseTemplateSpec } from '../clone/spec.js';
import { join } from 'node:path';

interface CloneCommandOptions {
    template: string;
    repo?: string | undefined;
    ref?: string | undefined;
    from?: string | undefined;
    force: boolean;
}

export async function run(options: CloneCommandOptions, ctx: CliContext): Promise<ExitCode> {
    // Everything that can be checked offline is checked before the first request.
    const spec = parseTemplateSpec(options.template);
    if (options.from !== undefined && (options.repo !== undefined || options.ref !== undefined)) {
        throw usageError('--from cannot be combined with --repo or --ref', 'Use --from <folder> for a local checkout, or --repo/--ref for GitHub.');
    }
    if (options.ref !== undefined && options.ref.trim() === '') throw usageError('--ref is empty', 'Give a branch, tag or commit, or leave --ref out.');
    const root = findProjectRoot(ctx.cwd);
    const source = await openSource(options, ctx);

    let plan: ClonePlan;
    // ora redraws forever on a terminal that reports no width (some CI and container terminals).
    const spinner = await ctx.spinner(`Fetching ${options.template} from ${source.label}`);
    try {
        plan = await planClone({ source, spec, root, indexFile: join(root, 'index.ts') });
        spinner.stop();
    } catch (error) {
        spinner.stop();
        throw error;
    } finally {
        await source.close();
    }

    const conflicts = conflictsOf(plan);
    let overwrite = options.force;
    if (conflicts.length > 0 && !overwrite) {
        for (const file of conflicts) ctx.log.info(`  ${ctx.colors.yellow('~')} ${file.path} ${ctx.colors.dim('exists with different content')}`);
        if (!ctx.interactive || ctx.json) throw conflictError(plan);
        overwrite = await ctx.confirm(`Overwrite ${conflicts.length === 1 ? 'this file' : `these ${conflicts.length} files`}?`);
        if (!overwrite) throw conflictError(plan);
    }

    const result = await applyClone(plan, { overwrite });
    for (const warning of result.warnings) ctx.log.warn(warning.message);
    if (ctx.json) {
        ctx.printJson(cloneResultJson(result));
    } else {
        print(result, plan, ctx);
    }
    return ExitCode.Ok;
}

async function openSource(options: CloneCommandOptions, ctx: CliContext): Promise<TemplateSource> {
    if (options.from !== undefined) return openLocalSource(options.from, ctx.cwd);
    // undici only loads when GitHub is asked: --from stays offline and light.
    const { openGitHubSource } = await import('../clone/github-source.js');
    return openGitHubSource({
        repo: parseRepo(options.repo ?? DEFAULT_TEMPLATES_REPO),
        ref: options.ref?.trim(),
        env: ctx.env,
        debug: (message) => ctx.log.debug('clone', message)
    });
}

function print(result: CloneResult, plan: ClonePlan, ctx: CliContext): void {
    const { colors } = ctx;
    const overwritten = new Set(result.conflicts);
    const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
    ctx.out(`Cloned ${result.template} from ${plan.source.label}`);
    for (const path of result.written) {
        ctx.out(overwritten.has(path) ? `  ${colors.yellow('~')} ${path} ${colors.dim('(overwritten)')}` : `  ${colors.green('+')} ${path}`);
    }
    for (const path of result.skipped) ctx.out(`  ${colors.dim(`= ${path} (unchanged)`)}`);
    if (result.registered.length > 0) {
        ctx.out(`Registered ${count(result.registered.length, 'function')} in index.ts: ${result.registered.join(', ')}`);
    } else {
        ctx.out(`index.ts already imports ${result.functions.length === 1 ? 'this function' : `all ${result.functions.length} functions`}`);
    }
    const written = result.written.length;
    ctx.out(
        written === 0
            ? 'Nothing to write: the project already has these files.'
            : `${count(written, 'file')} written${result.skipped.length > 0 ? `, ${result.skipped.length} unchanged` : ''}. Next: ${colors.bold(`${ferryInvocation(plan.root)} compile`)}`
    );
}
