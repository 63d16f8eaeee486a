/**
 * The tools that run functions or ship them: dryrun, test and deploy. Documents are the commands'
 * --json documents (same builders), with long lists cut to a bounded sample so a sync of a
 * million records or a chatty function still answers in one readable message.
 */
import * as z from 'zod';
import { ExitCode, FerryError, usageError } from '../errors.js';
import type { ToolSpec } from './tool.js';

/** Logs and requests kept in a dry run's answer; the rest are counted. */
const MAX_EVENTS = 50;
/** Differences kept per failed fixture. */
const MAX_FAILURES = 10;

/** The first and last items of a long list (a run's start and its end are what explain it), and how many were left out. */
export function sample<T>(items: readonly T[], max: number): { kept: T[]; omitted: number } {
    if (items.length <= max) return { kept: [...items], omitted: 0 };
    const head = Math.ceil(max / 2);
    return { kept: [...items.slice(0, head), ...items.slice(items.length - (max - head))], omitted: items.length - max };
}

const json = (value: unknown): string | undefined => (value === undefined ? undefined : JSON.stringify(value));

const dryrunTool: ToolSpec = {
    name: 'dryrun',
    title: 'Dry-run a function',
    description:
        "Runs one function against a real connection through the platform's proxy, as `ferry dryrun --json`: nothing is written to the platform (writes are reported in `writes`). Returns ok, output (actions), records per model with the first `sample` of each, logs, requests, validation issues, the final checkpoint and a run error with its code and hint. save records a fixture for the test tool. Needs the environment's secret key (NANGO_SECRET_KEY_DEV in .env or the environment); it is never returned.",
    input: {
        function: z.string().min(1).describe('function name, or <integration>/<name>'),
        connectionId: z.string().min(1).describe('the connection to run against'),
        environment: z.string().optional().describe('platform environment (default dev)'),
        integrationId: z.string().optional().describe('integration, when the name is in several'),
        input: z.unknown().optional().describe("an action's input (any JSON value)"),
        metadata: z.record(z.string(), z.unknown()).optional().describe("metadata for getMetadata instead of the connection's"),
        checkpoint: z.record(z.string(), z.unknown()).optional().describe('starting checkpoint'),
        lastSyncDate: z.string().optional().describe('ISO 8601'),
        variant: z.string().optional(),
        validate: z.boolean().optional().describe('make records, input or output that fail their schema fatal'),
        save: z.boolean().optional().describe('save a fixture to <integration>/tests/<name>.test.json'),
        timeout: z.string().optional().describe('e.g. 30s, 5m (default 15m)'),
        sample: z.number().int().min(0).max(100).optional().describe('records returned per model (default 10)')
    },
    run: async (args, ctx) => {
        const connectionId = (args['connectionId'] as string).trim();
        if (connectionId === '') throw usageError('the connection id is empty', 'Pass the id of a connection of this environment.');
        const [{ dryrun }, { toJsonDocument }, { runFunction, createSandbox }] = await Promise.all([import('../dryrun/live.js'), import('../dryrun/render.js'), import('../runtime/run.js')]);
        let events = 0;
        const outcome = await dryrun(
            {
                cwd: ctx.cwd,
                env: ctx.env,
                functionName: args['function'] as string,
                connectionId,
                ...optionalStrings(args, ['environment', 'integrationId', 'lastSyncDate', 'variant', 'timeout']),
                ...(args['input'] !== undefined ? { input: json(args['input'])! } : {}),
                ...(args['metadata'] !== undefined ? { metadata: json(args['metadata'])! } : {}),
                ...(args['checkpoint'] !== undefined ? { checkpoint: json(args['checkpoint'])! } : {}),
                validate: args['validate'] === true,
                save: args['save'] === true,
                firstN: (args['sample'] as number | undefined) ?? 10,
                signal: ctx.signal,
                onEvent: (event) => {
                    if (event.type === 'request' && event.request) ctx.progress(`${event.request.method} ${event.request.endpoint} ${event.request.status}`, ++events);
                    else if (event.type === 'log' && event.log) ctx.progress(`[${event.log.level}] ${event.log.message.slice(0, 200)}`, ++events);
                }
            },
            { runFunction, createSandbox: () => createSandbox() }
        );
        const document = toJsonDocument(outcome);
        const logs = sample(outcome.result.logs, MAX_EVENTS);
        const requests = sample(outcome.result.requests, MAX_EVENTS);
        return {
            ...document,
            logs: logs.kept,
            logsOmitted: logs.omitted + outcome.result.logsDropped,
            requests: requests.kept,
            requestsOmitted: requests.omitted,
            exitCode: outcome.result.ok && !outcome.notSaved ? ExitCode.Ok : ExitCode.Dryrun
        };
    }
};

function optionalStrings(args: Record<string, unknown>, keys: readonly string[]): Record<string, string> {
    return Object.fromEntries(keys.filter((key) => typeof args[key] === 'string').map((key) => [key, args[key] as string]));
}

const testTool: ToolSpec = {
    name: 'test',
    title: 'Replay fixtures',
    description:
        'Replays the recorded fixtures (<integration>/tests/*.test.json) offline, as `ferry test --json`: per fixture ok, duration and failures (the first differences between what the function did and what was recorded: output, records, requests), with passed and failed counts.',
    input: {
        function: z.string().optional().describe('only this function'),
        integration: z.string().optional().describe('only this integration'),
        now: z.string().optional().describe("the functions' clock (ISO), instead of each fixture's recording time")
    },
    run: async (args, ctx) => {
        const [{ runTests }, { runFunction }, { parseNow }, { testReportJson }, pool] = await Promise.all([
            import('../testing/run-tests.js'),
            import('../runtime/run.js'),
            import('../testing/recorded-time.js'),
            import('../testing/report-json.js'),
            ctx.sandboxPool()
        ]);
        const nowText = args['now'] as string | undefined;
        const now = nowText === undefined ? undefined : parseNow(nowText);
        if (nowText !== undefined && !now) throw usageError(`now '${nowText}' is not a date`, 'Give an ISO date or date-time, e.g. 2025-06-01T12:00:00Z.');
        const warnings: string[] = [];
        let done = 0;
        const report = await runTests(
            {
                cwd: ctx.cwd,
                ...optionalStrings(args, ['integration']),
                ...(typeof args['function'] === 'string' ? { functionName: args['function'] } : {}),
                ...(now ? { now } : {}),
                onResult: (result) => ctx.progress(`${result.integration}/${result.function} ${result.ok ? 'passed' : 'failed'}`, ++done),
                onWarning: (message) => warnings.push(message)
            },
            { runFunction, createPool: () => pool }
        );
        const document = testReportJson(report);
        const tests = (document['tests'] as { failures: unknown[] }[]).map((test) => {
            const failures = test.failures.slice(0, MAX_FAILURES);
            return { ...test, failures, ...(test.failures.length > MAX_FAILURES ? { failuresOmitted: test.failures.length - MAX_FAILURES } : {}) };
        });
        return { ...document, tests, warnings, exitCode: report.failed > 0 ? ExitCode.Failure : ExitCode.Ok };
    }
};

const deployTool: ToolSpec = {
    name: 'deploy',
    title: 'Deploy (plan only unless allowed)',
    description:
        "Compiles, then previews the deploy to a platform environment and returns the plan (what would be created, updated, deleted), as `ferry deploy --dry-run --json`. Deploying for real needs dryRun: false AND the server started with `ferry mcp --allow-deploy`; a destructive plan also needs allowDestructive. Ask the user before deploying.",
    input: {
        environment: z.string().optional().describe('platform environment (default dev)'),
        sync: z.string().optional().describe('only this sync'),
        action: z.string().optional().describe('only this action'),
        integration: z.string().optional().describe('only this integration'),
        version: z.string().optional().describe('version stamped on the deployed functions'),
        dryRun: z.boolean().optional().describe('false to deploy (needs --allow-deploy); default true: plan only'),
        allowDestructive: z.boolean().optional().describe('allow deleting syncs that have connections, or models')
    },
    run: async (args, ctx) => {
        const dryRun = args['dryRun'] !== false;
        if (!dryRun && !ctx.allowDeploy) {
            throw new FerryError({
                code: 'DEPLOY_NOT_ALLOWED',
                message: 'this MCP server only previews deploys',
                hint: 'Call deploy without dryRun: false for the plan; to deploy, the user restarts the server as `ferry mcp --allow-deploy`.',
                exitCode: ExitCode.Deploy
            });
        }
        const [{ deploy, notStarted }, { nodeDeployDeps }, { checkVersion, resolveEnvironment }, { compileProject }, { deployResultJson }, { findProjectRoot }] = await Promise.all([
            import('../deploy/deploy.js'),
            import('../deploy/node-deps.js'),
            import('../deploy/selection.js'),
            import('../compiler/compile.js'),
            import('../deploy/result-json.js'),
            import('../project/project.js')
        ]);
        const given = args['environment'] as string | undefined;
        let result;
        try {
            result = await deploy(
                {
                    cwd: ctx.cwd,
                    environment: resolveEnvironment(undefined, given),
                    flags: { sync: args['sync'] as string | undefined, action: args['action'] as string | undefined, integration: args['integration'] as string | undefined },
                    version: checkVersion(args['version'] as string | undefined),
                    allowDestructive: args['allowDestructive'] === true,
                    // Nobody can answer a prompt here: a deploy the server may make is confirmed by the call itself.
                    autoConfirm: true,
                    dryRun,
                    interactive: false,
                    debug: false
                },
                nodeDeployDeps({ compileProject, processEnv: ctx.env, confirm: async () => false, onEvent: (event) => ctx.progress(event.kind) })
            );
        } catch (error) {
            if (!(error instanceof FerryError)) throw error;
            result = notStarted(given ?? 'dev', dryRun, error);
        }
        const root = result.compileErrors.length > 0 ? findProjectRoot(ctx.cwd) : ctx.cwd;
        return { ...deployResultJson(result, root), exitCode: result.error?.exitCode ?? ExitCode.Ok };
    }
};

export const RUN_TOOLS: readonly ToolSpec[] = [dryrunTool, testTool, deployTool];
