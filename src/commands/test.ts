/** `ferry test`: replays the recorded fixtures offline and prints each result and the summary. */
import type { CliContext } from '../context.js';
import { ExitCode, usageError } from '../errors.js';
import { parseNow } from '../testing/recorded-time.js';
import { formatCase, summaryLine, type TestReport } from '../testing/report.js';
import { testReportJson } from '../testing/report-json.js';

interface TestCommandOptions {
    functionName?: string;
    integration?: string;
    /** `--now <ISO>`: the functions' clock instead of each fixture's recording time. */
    now?: string;
    /** `--vitest`: run the project's own vitest files instead of replaying fixtures. */
    vitest?: boolean;
}

export async function run(options: TestCommandOptions, ctx: CliContext): Promise<ExitCode> {
    if (options.vitest) return (await import('./test-vitest.js')).runVitestCommand(options, ctx);
    const now = options.now === undefined ? undefined : parseNow(options.now);
    if (options.now !== undefined && !now) throw usageError(`--now '${options.now}' is not a date`, 'Give an ISO date or date-time, e.g. --now 2025-06-01T12:00:00Z.');
    const [{ runTests }, { runFunction, createSandboxPool }] = await Promise.all([import('../testing/run-tests.js'), import('../runtime/run.js')]);
    const spinner = await ctx.spinner('replaying fixtures');
    let done = 0;
    let report: TestReport;
    try {
        report = await runTests(
            {
                cwd: ctx.cwd,
                ...(options.functionName ? { functionName: options.functionName } : {}),
                ...(options.integration ? { integration: options.integration } : {}),
                ...(now ? { now } : {}),
                onResult: () => spinner.update(`replaying fixtures (${++done} done)`),
                onPhase: (phase, ms) => ctx.log.debug('test', `${phase}: ${ms} ms`),
                onWarning: (message) => ctx.log.warn(message)
            },
            { runFunction, createPool: (size) => createSandboxPool(size) }
        );
    } finally {
        spinner.stop();
    }

    if (ctx.json) {
        ctx.printJson(testReportJson(report));
    } else {
        const paint = { green: ctx.colors.green, red: ctx.colors.red, dim: ctx.colors.dim };
        for (const test of report.tests) ctx.out(formatCase(test, paint));
        ctx.out('');
        ctx.out(summaryLine(report));
    }
    return report.failed > 0 ? ExitCode.Failure : ExitCode.Ok;
}
