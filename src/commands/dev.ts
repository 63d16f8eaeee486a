/** `ferry dev`: runs a dev session until Ctrl-C or SIGTERM, printing its events. */
import type { CliContext } from '../context.js';
import { ExitCode, FerryError, ReportedError } from '../errors.js';
import type { DevEvent } from '../dev/events.js';
import { formatEvent } from '../dev/print.js';
import { startDevSession, type DevSession } from '../dev/session.js';

interface DevOptions {
    typecheck: boolean;
}

export async function run(options: DevOptions, ctx: CliContext): Promise<ExitCode> {
    let root = ctx.cwd;
    // --json: one event per line on stdout, so an editor can read the stream as it comes.
    const print = ctx.json
        ? (event: DevEvent): void => ctx.out(JSON.stringify(event))
        : (event: DevEvent): void => {
              if (event.event === 'ready') root = event.root;
              for (const line of formatEvent(event, { colors: ctx.colors, root, verbose: ctx.debug })) ctx.log.info(line);
          };

    // Signals are caught from the start: Ctrl-C during the first build still ends cleanly.
    let session: DevSession | undefined;
    let stopReason: string | undefined;
    const stop = (reason: string): void => {
        stopReason ??= reason;
        if (session) void session.stop(reason);
    };
    const onSignal = (signal: NodeJS.Signals): void => stop(signal === 'SIGINT' ? 'interrupted (Ctrl-C)' : `received ${signal}`);
    // The reader of --json went away (an editor closed): stop cleanly instead of dying on EPIPE.
    // This listener stays: an EPIPE can still arrive for the last lines written.
    process.stdout.on('error', () => stop('stdout was closed'));
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const signal of signals) process.on(signal, onSignal);
    try {
        session = await startDevSession(
            {
                cwd: ctx.cwd,
                typecheck: options.typecheck,
                ...(ctx.debug ? { debug: (message: string) => ctx.log.debug('dev', message) } : {})
            },
            print
        ).catch((error: unknown) => {
            // --json readers parse line by line: an error before watching starts is one line too.
            if (!ctx.json || !(error instanceof FerryError)) throw error;
            ctx.log.error(`${error.message}.${error.hint ? ` ${error.hint}` : ''}`);
            ctx.out(JSON.stringify({ error: error.toJSON() }));
            throw new ReportedError(error.exitCode);
        });
        if (stopReason) void session.stop(stopReason);
        await session.done;
    } finally {
        for (const signal of signals) process.off(signal, onSignal);
    }
    return ExitCode.Ok;
}
