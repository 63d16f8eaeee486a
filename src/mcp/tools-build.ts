/**
 * The tools that read and change the project's files: list_functions, describe_function,
 * generate, clone and compile. Each returns the document its command prints with --json (built by
 * the same function), plus `exitCode`: what the command would have exited with.
 */
import { join } from 'node:path';
import * as z from 'zod';
import { ExitCode, FerryError, usageError } from '../errors.js';
import { describeFunction, listFunctions } from './functions.js';
import { withHints } from './hints.js';
import type { ToolSpec } from './tool.js';

const listFunctionsTool: ToolSpec = {
    name: 'list_functions',
    title: 'List functions',
    description:
        "Every function index.ts registers: name, type (sync, action, onEvent), integration, file, description, and JSON schemas (action input/output, sync metadata and models). Compiles without the type-check to learn them (cached); when the project does not compile, returns the last manifest's facts with current: false and the errors.",
    input: {},
    readOnly: true,
    run: async (_args, ctx) => ({ ...(await listFunctions(ctx.cwd, ctx.progress)), exitCode: ExitCode.Ok })
};

const describeFunctionTool: ToolSpec = {
    name: 'describe_function',
    title: 'Describe a function',
    description: 'One function in full: what list_functions says of it, its manifest entry, its source, its recorded fixtures and the commands that compile, dry-run and test it.',
    input: {
        name: z.string().min(1).describe('function name, or <integration>/<name>'),
        integration: z.string().optional().describe('integration id, when the name is in several integrations')
    },
    readOnly: true,
    run: async (args, ctx) => ({ ...(await describeFunction(ctx.cwd, args['name'] as string, args['integration'] as string | undefined, ctx.progress)), exitCode: ExitCode.Ok })
};

const generateTool: ToolSpec = {
    name: 'generate',
    title: 'Generate a function',
    description:
        "Writes a new sync, action or on-event function from a template and imports it in index.ts (as `ferry generate`); 'tests' writes vitest files for the recorded fixtures, 'agents' writes or refreshes AGENTS.md. Nothing is written when the name is taken.",
    input: {
        kind: z.enum(['sync', 'action', 'on-event', 'tests', 'agents']),
        integration: z.string().optional().describe('integration id (provider config key), e.g. github; required for sync, action, on-event'),
        name: z.string().optional().describe('kebab-case function name, e.g. create-issue; required for sync, action, on-event'),
        event: z.enum(['post-connection-creation', 'pre-connection-deletion', 'validate-connection']).optional().describe('on-event only')
    },
    run: async (args, ctx) => {
        const kind = args['kind'] as string;
        const integration = args['integration'] as string | undefined;
        const name = args['name'] as string | undefined;
        const { generateAgents, generateFunction } = await import('../scaffold/generate.js');
        if (kind === 'agents') return { ...(await generateAgents({ cwd: ctx.cwd })), exitCode: ExitCode.Ok };
        if (kind === 'tests') {
            const { generateTests } = await import('../testing/generate-tests.js');
            return { ...(await generateTests({ cwd: ctx.cwd })), exitCode: ExitCode.Ok };
        }
        if (!integration || !name) throw usageError(`generate ${kind} needs an integration and a name`, `Pass e.g. { "kind": "${kind}", "integration": "github", "name": "${kind === 'sync' ? 'list-issues' : 'create-issue'}" }.`);
        if (args['event'] !== undefined && kind !== 'on-event') throw usageError('event only applies to kind on-event');
        const result = await generateFunction({ cwd: ctx.cwd, kind: kind as 'sync' | 'action' | 'on-event', integration, name, ...(args['event'] ? { event: args['event'] as string } : {}) });
        return { ...result, exitCode: ExitCode.Ok, next: [`edit ${result.file}`, 'compile', `dryrun ${result.integration}/${result.name}`] };
    }
};

const cloneTool: ToolSpec = {
    name: 'clone',
    title: 'Clone template functions',
    description:
        'Pulls template functions (with their relative imports) into the project and registers them in index.ts, as `ferry clone`. From GitHub (repo, ref; GITHUB_TOKEN is used when set) or a local checkout (from). Files that exist with other content are a conflict: nothing is written unless force is true.',
    input: {
        template: z.string().min(1).describe('integration[/type[/name]], e.g. github/actions/list-repos'),
        from: z.string().optional().describe('a local checkout of the templates repository (offline)'),
        repo: z.string().optional().describe('templates repository owner/name on GitHub'),
        ref: z.string().optional().describe('branch, tag or commit'),
        force: z.boolean().optional().describe('overwrite files that exist with different content')
    },
    run: async (args, ctx) => {
        const [{ applyClone, conflictError, conflictsOf, planClone }, { openLocalSource }, spec, { findProjectRoot }, { cloneResultJson }] = await Promise.all([
            import('../clone/clone.js'),
            import('../clone/local-source.js'),
            import('../clone/spec.js'),
            import('../project/project.js'),
            import('../clone/result-json.js')
        ]);
        const template = spec.parseTemplateSpec(args['template'] as string);
        const from = args['from'] as string | undefined;
        if (from !== undefined && (args['repo'] !== undefined || args['ref'] !== undefined)) throw usageError('from cannot be combined with repo or ref', 'Use from for a local checkout, or repo/ref for GitHub.');
        const root = findProjectRoot(ctx.cwd);
        const source =
            from !== undefined
                ? await openLocalSource(from, ctx.cwd)
                : await (await import('../clone/github-source.js')).openGitHubSource({ repo: spec.parseRepo((args['repo'] as string | undefined) ?? spec.DEFAULT_TEMPLATES_REPO), ref: (args['ref'] as string | undefined)?.trim(), env: ctx.env, debug: () => {} });
        ctx.progress(`fetching ${args['template'] as string} from ${source.label}`);
        let plan;
        try {
            plan = await planClone({ source, spec: template, root, indexFile: join(root, 'index.ts') });
        } finally {
            await source.close();
        }
        if (conflictsOf(plan).length > 0 && args['force'] !== true) {
            const conflict = conflictError(plan);
            throw new FerryError({ code: conflict.code, message: conflict.message, hint: 'Nothing was written. Call clone again with force: true to overwrite them, or move them aside first.', ...(conflict.details ? { details: conflict.details } : {}) });
        }
        const result = await applyClone(plan, { overwrite: args['force'] === true });
        return { ...cloneResultJson(result), exitCode: ExitCode.Ok };
    }
};

const compileTool: ToolSpec = {
    name: 'compile',
    title: 'Compile',
    description:
        'Type-checks and bundles every function and writes build/ and .nango/nango.json, as `ferry compile --json`. ok false with errors (file, line, column, code, message, hint; paths relative to root) means nothing was written: fix each one where it points and compile again.',
    input: {
        typecheck: z.boolean().optional().describe('run the TypeScript type-check (default true)'),
        cache: z.boolean().optional().describe('reuse unchanged functions from the last compile (default true)')
    },
    run: async (args, ctx) => {
        const [{ compileProject }, { compileResultJson }, { waitingMessage }] = await Promise.all([import('../compiler/compile.js'), import('../compiler/result-json.js'), import('../util/lock.js')]);
        const result = await compileProject({
            cwd: ctx.cwd,
            typecheck: args['typecheck'] !== false,
            cache: args['cache'] !== false,
            onProgress: (event) => ctx.progress(event.message),
            onWait: (pid) => ctx.progress(waitingMessage(pid))
        });
        const document = compileResultJson(result);
        return { ...document, errors: withHints(document['errors']), warnings: withHints(document['warnings']), exitCode: result.ok ? ExitCode.Ok : ExitCode.Compile };
    }
};

export const BUILD_TOOLS: readonly ToolSpec[] = [listFunctionsTool, describeFunctionTool, generateTool, cloneTool, compileTool];
