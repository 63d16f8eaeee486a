/** `ferry generate <kind> ...`: a new function from a template, vitest files for fixtures, or AGENTS.md. */
import type { CliContext } from '../context.js';
import { usageError } from '../errors.js';
import { GENERATED_KINDS, generateAgents, generateFunction, type GenerateResult } from '../scaffold/generate.js';
import { ferryInvocation } from '../scaffold/invocation.js';
import type { GeneratedKind } from '../templates/function.js';
import { didYouMean } from '../util/suggest.js';

interface GenerateCommandOptions {
    /** Undefined from `create` without --sync, --action or --on-event. */
    kind: string | undefined;
    integration?: string;
    name?: string;
    event?: string;
    /** Nango's `create` spelling: its flags name the kind. */
    via?: 'create';
    /** generate:tests' -i/-s/-a. */
    onlyIntegration?: string;
    onlySync?: string;
    onlyAction?: string;
}

const KINDS = [...GENERATED_KINDS, 'tests', 'agents'];

export async function run(options: GenerateCommandOptions, ctx: CliContext): Promise<void> {
    if (options.via === 'create' && !(GENERATED_KINDS as readonly string[]).includes(options.kind ?? '')) {
        throw usageError(
            options.kind ? 'create takes one of --sync, --action or --on-event, not several' : 'create needs --sync, --action or --on-event',
            `e.g. ferry create github list-issues --sync (or ferry generate sync github list-issues).`
        );
    }
    if (options.kind === undefined) throw usageError('generate needs a kind', `Use one of ${KINDS.join(', ')}.`);
    if (options.kind !== 'tests' && (options.onlyIntegration ?? options.onlySync ?? options.onlyAction) !== undefined) {
        throw usageError('-i, -s and -a only apply to generate tests', 'e.g. ferry generate:tests -i github -s issues.');
    }
    if (options.kind === 'tests') return runTests(options, ctx);
    if (options.kind === 'agents') return runAgents(options, ctx);
    if (!(GENERATED_KINDS as readonly string[]).includes(options.kind)) {
        const guess = didYouMean(options.kind ?? '', KINDS);
        throw usageError(`'${options.kind}' is not something generate makes`, `${guess ? `${guess} ` : ''}Use one of ${KINDS.join(', ')}, e.g. ferry generate sync github list-issues.`);
    }
    if (!options.integration || !options.name) {
        throw usageError(`generate ${options.kind} needs an integration and a name`, `Run e.g. ferry generate ${options.kind} github ${options.kind === 'sync' ? 'list-issues' : 'create-issue'}.`);
    }
    if (options.event !== undefined && options.kind !== 'on-event') {
        throw usageError('--event only applies to generate on-event');
    }
    const result = await generateFunction({
        cwd: ctx.cwd,
        kind: options.kind as GeneratedKind,
        integration: options.integration,
        name: options.name,
        ...(options.event === undefined ? {} : { event: options.event })
    });
    if (ctx.json) ctx.printJson(result);
    else printFunction(result, ctx);
}

function printFunction(result: GenerateResult, ctx: CliContext): void {
    ctx.out(`${ctx.colors.green('✓')} Created ${result.file}`);
    ctx.out(result.indexUpdated ? `  registered in index.ts` : `  index.ts already imports it`);
    ctx.out('');
    ctx.out('Next steps:');
    ctx.out(`  1. edit ${result.file}`);
    const ferry = ferryInvocation(result.root);
    ctx.out(`  2. ${ferry} compile`);
    const input = result.kind === 'action' ? ` --input '{"id":"1"}'` : '';
    ctx.out(`  3. ${ferry} dryrun ${result.name} <connection-id>${input}`);
}

async function runTests(options: GenerateCommandOptions, ctx: CliContext): Promise<void> {
    if (options.integration !== undefined) throw usageError('generate tests takes no integration or name', 'Run ferry generate tests in the project.');
    const { generateTests } = await import('../testing/generate-tests.js');
    const result = await generateTests({
        cwd: ctx.cwd,
        ...(options.onlyIntegration ? { integration: options.onlyIntegration } : {}),
        ...(options.onlySync ? { sync: options.onlySync } : {}),
        ...(options.onlyAction ? { action: options.onlyAction } : {})
    });
    if (ctx.json) {
        ctx.printJson(result);
        return;
    }
    for (const file of result.written) ctx.out(`${ctx.colors.green('✓')} Wrote ${file}`);
    for (const file of result.unchanged) ctx.out(`  ${file} is up to date`);
    for (const file of result.skipped) ctx.log.warn(`${file} exists and was not written by Ferry: left as it is`);
    if (result.scriptAdded) ctx.out('Added "test": "ferry test --vitest" to package.json');
    else if (result.existingTestScript !== undefined) ctx.out(`Kept your test script (${result.existingTestScript}): run the generated files with ferry test --vitest`);
    if (result.vitestAdded !== undefined) ctx.out(`Added vitest@${result.vitestAdded} to devDependencies: run npm install (or your package manager's install), then npm test`);
}

async function runAgents(options: GenerateCommandOptions, ctx: CliContext): Promise<void> {
    if (options.integration !== undefined) throw usageError('generate agents takes no integration or name', 'Run ferry generate agents in the project.');
    const result = await generateAgents({ cwd: ctx.cwd });
    if (ctx.json) return ctx.printJson(result);
    if (result.status === 'kept') ctx.log.warn(`${result.file} exists and was not written by Ferry: left as it is (delete it and run this again to get Ferry's)`);
    else if (result.status === 'unchanged') ctx.out(`  ${result.file} is up to date`);
    else ctx.out(`${ctx.colors.green('✓')} ${result.status === 'written' ? 'Wrote' : 'Refreshed'} ${result.file}`);
}
