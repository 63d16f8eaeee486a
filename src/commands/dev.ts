/** `ferry dev`: runs a dev session until Ctrl-C or SIGTERM, printing its events. */
import type { CliContext } from '../context.js';
import { ExitCode } from '../errors.js';
import type { DevEvent } from '../dev/events.js';
import { formatEvent } from '../dev/print.js';
import { startDevSession } from '../dev/session.js';

export interface DevOptions {
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

    const session = await startDevSession(
        {
            cwd: ctx.cwd,
            typecheck: options.typecheck,
            color: ctx.color && !ctx.json,
            ...(ctx.debug ? { debug: (message: string) => ctx.log.debug('dev', message) } : {})
        },
        print
    );
    const onSignal = (signal: NodeJS.Signals): void => {
        void session.stop(signal === 'SIGINT' ? 'interrupted (Ctrl-C)' : `received ${signal}`);
    };
    // The reader of --json went away (an editor closed): stop cleanly instead of dying on EPIPE.
    const onStdoutError = (): void => {
        void session.stop('stdout was closed');
    };
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const signal of signals) process.on(signal, onSignal);
    process.stdout.on('error', onStdoutError);
    try {
        await session.done;
    } finally {
        // The stdout listener stays: an EPIPE can still arrive for the last lines written.
        for (const signal of signals) process.off(signal, onSignal);
    }
    return ExitCode.Ok;
}
