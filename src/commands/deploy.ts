/**
 * `ferry deploy [environment]`: turns the flags into a call to the deploy flow and prints what it
 * reports. The plan and the deployed functions are results (stdout); progress goes to stderr.
 */
import { formatDiagnostic } from '../compiler/diagnostic-text.js';
import type { CliContext } from '../context.js';
import { findProjectRoot } from '../project/project.js';
import { errorLine, ExitCode, FerryError, ReportedError } from '../errors.js';
import { deploy, notStarted, type DeployEvent, type DeployResult } from '../deploy/deploy.js';
import { nodeDeployDeps } from '../deploy/node-deps.js';
import { deployResultJson } from '../deploy/result-json.js';
import { askYesNo, interrupted, watchInterrupts, type DeployStage } from '../deploy/prompt.js';
import { destructiveReason, formatBytes, renderDeployed, renderPlan } from '../deploy/render.js';
import { checkVersion, resolveEnvironment } from '../deploy/selection.js';
import { formatDuration } from '../util/duration.js';
import { waitingMessage } from '../util/lock.js';

interface DeployCommandOptions {
    /** -e/--environment */
    environment?: string | undefined;
    /** The [environment] argument. */
    positionalEnvironment?: string | undefined;
    sync?: string | undefined;
    action?: string | undefined;
    integration?: string | undefined;
    version?: string | undefined;
    allowDestructive: boolean;
    autoConfirm: boolean;
    dryRun: boolean;
    /** Nango's --sourcemap false: the uploaded bundles carry no inline source map. Default true. */
    sourcemap?: boolean;
}

export async function run(options: DeployCommandOptions, ctx: CliContext): Promise<ExitCode> {
    let environment: string;
    let version: string | undefined;
    try {
        environment = resolveEnvironment(options.positionalEnvironment, options.environment);
        version = checkVersion(options.version);
    } catch (error) {
        // Even bad flags get the full --json document, so scripts parse one shape.
        if (!(error instanceof FerryError)) throw error;
        return printResult(notStarted(options.environment ?? options.positionalEnvironment ?? 'dev', options.dryRun, error), ctx);
    }
    // What an interrupt means depends on how far the deploy got: before the request nothing changed.
    const signals = watchInterrupts();
    const { compileProject } = await import('../compiler/compile.js');
    let stage: DeployStage = 'preparing';
    const confirm = async (question: string): Promise<boolean> => {
        stage = 'prompt';
        const answer = await askYesNo(question, { input: process.stdin, output: process.stderr });
        if (answer === 'interrupted') throw interrupted('prompt', environment);
        stage = 'preparing';
        return answer === 'yes';
    };
    const deps = nodeDeployDeps({
        compileProject,
        processEnv: ctx.env,
        confirm,
        onEvent: (event) => {
            if (event.kind === 'deploying') stage = 'sent';
            printEvent(event, environment, options.dryRun, ctx);
        },
        onCompileProgress: (event) => ctx.log.debug('compile', event.message),
        onCompileWait: (pid) => ctx.log.info(waitingMessage(pid))
    });
    if (options.sourcemap === false) {
        const { withoutSourceMap } = await import('../compiler/compile-bundle.js');
        const read = deps.readFile;
        deps.readFile = async (path) => (path.endsWith('.cjs') ? withoutSourceMap(await read(path)) : read(path));
    }
    const running = deploy(
        {
            cwd: ctx.cwd,
            environment,
            flags: { sync: options.sync, action: options.action, integration: options.integration },
            version,
            allowDestructive: options.allowDestructive,
            autoConfirm: options.autoConfirm,
            dryRun: options.dryRun,
            interactive: ctx.interactive,
            debug: ctx.debug
        },
        deps
    );
    // The process exits once the interrupt is reported: the deploy left behind must not be an unhandled rejection.
    running.catch(() => undefined);
    const result = await Promise.race([running, signals.interrupted.then(() => notStarted(environment, options.dryRun, interrupted(stage, environment)))]);
    signals.dispose();
    return printResult(result, ctx);
}

const started = performance.now();

function printEvent(event: DeployEvent, environment: string, dryRun: boolean, ctx: CliContext): void {
    const c = ctx.colors;
    ctx.log.debug('deploy', () => `${event.kind} at ${Math.round(performance.now() - started)} ms`);
    switch (event.kind) {
        case 'compiled':
            ctx.log.success(`Compiled ${event.functions} function${event.functions === 1 ? '' : 's'} (${formatDuration(event.durationMs)})`);
            return;
        case 'payload': {
            const scope =
                event.selection.mode === 'all'
                    ? 'every function'
                    : event.selection.mode === 'integration'
                      ? `integration ${event.selection.integration}`
                      : `${event.selection.function?.type} ${event.selection.integration}/${event.selection.function?.name}`;
            ctx.log.info(`Payload: ${formatBytes(event.bytes)} for ${event.functions} function${event.functions === 1 ? '' : 's'} (${scope}, deployMode ${event.selection.mode})`);
            return;
        }
        case 'plan':
            if (!ctx.json) for (const line of renderPlan(event.plan, event.assessment, environment, c)) ctx.out(line);
            // A real deploy says it in its prompt or its refusal; a dry run says what deploying would take.
            if (dryRun && event.assessment.destructive) {
                ctx.log.warn(`The plan ${destructiveReason(event.assessment)}: deploying it needs a yes at the prompt, or --auto-confirm and --allow-destructive.`);
            }
            return;
        case 'retry': {
            const what = event.notice.call === 'preview' ? 'The deploy preview' : 'The deploy';
            ctx.log.warn(`${what} failed (${event.notice.reason}); retrying in ${formatDuration(event.notice.delayMs)} (try ${event.notice.attempt + 1})`);
            return;
        }
        case 'deploying':
            ctx.log.info(`Deploying to '${environment}'...`);
            return;
    }
}

function printResult(result: DeployResult, ctx: CliContext): ExitCode {
    const error = result.error;
    // Compile errors only come from a project that was found: name files relative to its root, as compile does.
    const root = result.compileErrors.length > 0 ? findProjectRoot(ctx.cwd) : ctx.cwd;
    for (const diagnostic of result.compileErrors) ctx.log.error(formatDiagnostic(diagnostic, { root, colors: ctx.colors, tty: ctx.isTTY }));
    if (ctx.json) ctx.printJson(deployResultJson(result, root));
    if (error) {
        // The document above already carries the error; stderr still gets the one line.
        if (!ctx.json) throw error;
        ctx.log.error(errorLine(error, ctx.colors.dim));
        throw new ReportedError(error.exitCode);
    }
    const took = formatDuration(result.durationMs);
    if (result.outcome === 'previewed') {
        ctx.log.success(`Dry run: nothing was deployed to '${result.environment}' (${took})`);
        return ExitCode.Ok;
    }
    if (!ctx.json) for (const line of renderDeployed(result.deployed, ctx.colors)) ctx.out(line);
    const count = result.deployed.length;
    ctx.log.success(`Deployed ${count} function${count === 1 ? '' : 's'} to '${result.environment}' (${took})`);
    return ExitCode.Ok;
}
