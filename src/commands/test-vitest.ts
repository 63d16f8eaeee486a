/** `ferry test --vitest`: the project's vitest files; vitest prints, or --json prints a summary. Exits as vitest exits. */
import { Writable } from 'node:stream';
import type { CliContext } from '../context.js';
import type { ExitCode } from '../errors.js';

/** The filters of `ferry test` that --vitest honours. */
interface VitestCommandOptions {
    functionName?: string | undefined;
    integration?: string | undefined;
}

export async function runVitestCommand(options: VitestCommandOptions, ctx: CliContext): Promise<ExitCode> {
    const { runVitest } = await import('../testing/vitest-run.js');
    // With --json vitest's own lines are progress: shown with --debug only, stdout keeps the JSON.
    const progress = new Writable({
        write(chunk: Buffer, _encoding, done) {
            for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) ctx.log.debug('vitest', line);
            done();
        }
    });
    const result = await runVitest({
        cwd: ctx.cwd,
        ...(options.functionName !== undefined ? { functionName: options.functionName } : {}),
        ...(options.integration !== undefined ? { integration: options.integration } : {}),
        summary: ctx.json,
        progress,
        env: ctx.env
    });
    if (result.mocks === 'nango') ctx.log.debug('test', 'the project has the nango package: its own nango/test mocks are used');
    if (ctx.json && result.summary) {
        ctx.printJson({ runner: 'vitest', mocks: result.mocks, vitest: result.vitest, exitCode: result.exitCode, ...result.summary });
    }
    // vitest's own exit code (1 when a test failed or none was found), whatever it is.
    return result.exitCode as ExitCode;
}
