/**
 * `ferry dryrun <function> <connectionId>`: runs one function against a real connection and
 * prints what happened. Thin: flags go to the domain module (src/dryrun/live.ts), the outcome to
 * the printers (src/dryrun/render.ts).
 */
import type { CliContext } from '../context.js';
import { ExitCode, FerryError, usageError } from '../errors.js';
import { dryrun, type DryrunOptions } from '../dryrun/live.js';
import { holdInterrupts } from '../dryrun/prestart.js';
import { formatEvent, renderHuman, toJsonDocument } from '../dryrun/render.js';
import { runFunction, takeSandbox } from '../runtime/run.js';

/** The flags, as src/commands/dryrun.cli.ts maps them. */
type DryrunCommandOptions = Omit<DryrunOptions, 'cwd' | 'env' | 'onEvent' | 'firstN'>;

export async function run(options: DryrunCommandOptions, ctx: CliContext): Promise<ExitCode> {
    // An empty id (an unset shell variable) would otherwise ask the platform for `/connections/`.
    if (options.connectionId.trim() === '') {
        throw usageError('the connection id is empty', `Pass the id of a connection of this environment, e.g. ferry dryrun ${options.functionName || '<function>'} conn-42.`);
    }
    // --json keeps stdout for the one document; the same facts are in it, so stderr stays quiet too.
    const onEvent = ctx.json
        ? undefined
        : (event: Parameters<typeof formatEvent>[0]): void => {
              const line = formatEvent(event, ctx.colors);
              if (line) (line.level === 'warn' ? ctx.log.warn : ctx.log.info)(line.text);
          };
    // Usually installed by src/cli.ts as soon as it saw the command; installed here otherwise.
    const interrupt = holdInterrupts();
    const monitor = options.diagnostics ? (await import('../diagnostics/monitor.js')).startMonitor() : undefined;
    let outcome;
    try {
        outcome = await dryrun(
            {
                ...options,
                cwd: ctx.cwd,
                env: ctx.env,
                signal: interrupt.signal,
                ...(onEvent ? { onEvent } : {}),
                debug: (message) => ctx.log.debug('dryrun', message)
            },
            { runFunction, createSandbox: takeSandbox }
        );
    } catch (error) {
        // The code frames of a function that does not build say more than the one-line summary.
        const frames = error instanceof FerryError ? error.details?.['frames'] : undefined;
        if (!ctx.json && Array.isArray(frames)) for (const frame of frames) ctx.log.info(String(frame));
        throw error;
    } finally {
        interrupt.release();
    }
    const diagnostics = monitor?.stop();
    if (ctx.json) {
        ctx.printJson({ ...toJsonDocument(outcome), ...(diagnostics ? { diagnostics } : {}) });
    } else {
        const { stdout, stderr } = renderHuman(outcome, ctx.colors);
        for (const line of stdout) ctx.out(line);
        for (const line of stderr) ctx.log[line.level](line.text);
        if (diagnostics) for (const line of (await import('../diagnostics/monitor.js')).formatDiagnostics(diagnostics)) ctx.log.info(line);
    }
    // --save was asked for a fixture: a run that left none failed at what it was asked to do.
    return outcome.result.ok && !outcome.notSaved ? ExitCode.Ok : ExitCode.Dryrun;
}
