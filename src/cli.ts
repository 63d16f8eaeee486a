/**
 * The entry point. Declares every command of the table to commander (each command's arguments,
 * flags and help are defined beside it, in src/commands/<name>.cli.ts), then loads the command's
 * module only when it runs: `ferry --help` and `ferry --version` import nothing heavy.
 */
import type { Command } from 'commander';
// The context (colours, prompts) loads with the first command that runs, not for --help.
import type { CliContext } from './context.js';
import { errorLine, ExitCode, FerryError, fileSystemError, ReportedError } from './errors.js';

import { VERSION } from './version.js';
import { addNangoGlobalFlags, brokenPackageJson, nangoLocation, quietOnClosedStdout } from './cli-nango.js';
import type { BoundCommand, CommandDef, CommandName, Flag } from './commands/define.js';
import { cloneCommand } from './commands/clone.cli.js';
import { compileCommand } from './commands/compile.cli.js';
import { completionCommand } from './commands/completion.cli.js';
import { connectCommand } from './commands/connect.cli.js';
import { connectionsCommand } from './commands/connections.cli.js';
import { deployCommand } from './commands/deploy.cli.js';
import { devCommand } from './commands/dev.cli.js';
import { docsCommand } from './commands/docs.cli.js';
import { dryrunCommand } from './commands/dryrun.cli.js';
import { createCommand, generateCommand, generateTestsCommand } from './commands/generate.cli.js';
import { initCommand } from './commands/init.cli.js';
import { integrationsCommand } from './commands/integrations.cli.js';
import { mcpCommand } from './commands/mcp.cli.js';
import { migrateCommand } from './commands/migrate.cli.js';
import { pullCommand } from './commands/pull.cli.js';
import { runsCommand } from './commands/runs.cli.js';
import { serveCommand } from './commands/serve.cli.js';
import { testCommand } from './commands/test.cli.js';
import { versionCommand } from './commands/version.cli.js';

export type { CommandName } from './commands/define.js';

interface GlobalOptions {
    json?: boolean;
    debug?: boolean;
    color?: boolean;
    interactive?: boolean;
}

/**
 * Every command, in the order `--help` lists them: Ferry's own, then the ones only Nango users
 * type. Each definition holds its flags and help; its module loads only when it runs.
 */
export const COMMANDS: readonly CommandDef[] = [
    initCommand,
    generateCommand,
    cloneCommand,
    compileCommand,
    devCommand,
    dryrunCommand,
    testCommand,
    deployCommand,
    mcpCommand,
    serveCommand,
    integrationsCommand,
    connectionsCommand,
    runsCommand,
    connectCommand,
    versionCommand,
    createCommand,
    generateTestsCommand,
    docsCommand,
    pullCommand,
    completionCommand,
    migrateCommand
];

/** The names of the modules the commands run (usage errors point at their help). */
const MODULES = new Set<string>(COMMANDS.flatMap((def) => [def, ...(def.subcommands ?? [])]).flatMap((def) => (def.module ? [def.module] : [])));

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
    // `-v` is Nango's spelling of the version flag.
    if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V' || argv[0] === '-v')) {
        process.stdout.write(`${VERSION}\n`);
        return ExitCode.Ok;
    }
    // `ferry ... | head` closes stdout early: the output was wanted only so far, which is no failure.
    quietOnClosedStdout();
    // The shell asks on every Tab: answered from a static table, without commander or the project's modules.
    if (argv[0] === '__complete') return (await import('./completion/complete.js')).answer(argv.slice(1), process.cwd(), env, COMMANDS);
    // A dry run's wait is mostly start-up (its worker thread, esbuild): begin it before anything
    // else loads (a few small modules), so it runs beside commander and the command's modules.
    // Not for `dryrun --help`: help loads nothing but commander.
    const beforeDashes = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
    if (argv.find((arg) => !arg.startsWith('-')) === 'dryrun' && !beforeDashes.some((arg) => arg === '-h' || arg === '--help')) {
        await import('./dryrun/prestart.js').then(
            ({ prestartDryrun, holdInterrupts }) => {
                // A Ctrl-C from here on is the command's to report (130, INTERRUPTED in --json).
                holdInterrupts();
                void prestartDryrun(process.cwd()).catch(() => undefined);
            },
            () => undefined
        );
        // The command's module graph loads beside commander's (its files are read while the other compiles).
        void dryrunCommand.load?.().catch(() => undefined);
    }
    const { Command, CommanderError } = await import('commander');
    let exitCode: number = ExitCode.Ok;
    let parseError = '';
    const program = buildProgram(
        new Command(),
        env,
        (code) => {
            exitCode = code;
        },
        (text) => {
            parseError += text;
        }
    );
    try {
        await program.parseAsync(argv, { from: 'user' });
    } catch (error) {
        if (error instanceof CommanderError) {
            // Help and version requests are successes; parse errors are reported here, as one line.
            if (error.exitCode === 0) return ExitCode.Ok;
            // `ferry` alone prints the help on stderr: that is the whole answer.
            if (error.code === 'commander.help') return ExitCode.Failure;
            reportUsageError(parseError || error.message, argv);
            return ExitCode.Failure;
        }
        throw error;
    }
    return exitCode;
}

/**
 * Commander's parse errors come as `error: ...` plus a `(Did you mean ...?)` line; users get the
 * same one line as every other error, with where to look next, and `--json` callers a document
 * on one line (`dev --json` readers parse line by line).
 */
function reportUsageError(text: string, argv: string[]): void {
    const lines = text
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
    const message = (lines[0] ?? 'bad arguments').replace(/^error:\s*/, '').replace(/\.$/, '');
    const ownArgs = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
    const name = ownArgs.find((arg) => MODULES.has(arg));
    const suggestion = lines.slice(1).map((line) => line.replace(/^\((.*)\)$/, '$1'));
    const hint = [...suggestion, `Run \`ferry ${name ? `${name} ` : ''}--help\` to see the usage.`].join(' ');
    process.stderr.write(`error ${message}. ${hint}\n`);
    if (ownArgs.includes('--json')) process.stdout.write(`${JSON.stringify({ error: { code: 'USAGE', message, hint } })}\n`);
}

/** `dispatch` stands in for running the command (tests read the options a command line maps to). */
export function buildProgram(program: Command, env: NodeJS.ProcessEnv, setExit: (code: number) => void, onParseError: (text: string) => void, dispatch?: (name: CommandName, options: unknown) => void): Command {
    program
        .name('ferry')
        .description('Build, run, test and deploy integration functions (compatible with Nango functions projects).')
        .version(VERSION, '-V, --version', 'print the version')
        .showSuggestionAfterError(true)
        // Options after a command name belong to that command (deploy has its own --version);
        // the global flags are declared on every command so they work in either position.
        .enablePositionalOptions()
        .exitOverride()
        .configureOutput({ outputError: (text) => onParseError(text) });
    withGlobalFlags(program);
    const run = { env, setExit, ...(dispatch ? { dispatch } : {}) };
    for (const def of COMMANDS) declare(program, def, run);
    addNangoGlobalFlags(program);
    return program;
}

interface Runner {
    env: NodeJS.ProcessEnv;
    setExit: (code: number) => void;
    dispatch?: (name: CommandName, options: unknown) => void;
}

/** One definition as commander's command: flags shared with its siblings first, then the global ones, then its own. */
function declare(parent: Command, def: CommandDef, runner: Runner): void {
    const command = parent.command(def.name).description(def.description);
    for (const flag of def.sharedFlags ?? []) addFlag(command, flag);
    withGlobalFlags(command);
    for (const arg of def.args) command.argument(arg.name, arg.description, arg.default);
    for (const flag of def.flags) addFlag(command, flag);
    if (def.help) command.addHelpText('after', def.help.join('\n'));
    for (const sub of def.subcommands ?? []) declare(command, sub, runner);
    if (def.bind) command.action(action(def, runner));
}

function addFlag(command: Command, flag: Flag): void {
    if (flag.choices) command.addOption(command.createOption(flag.flags, flag.description).choices(flag.choices).default(flag.default));
    else if (flag.repeatable) command.option(flag.flags, flag.description, (value: string, previous: string[] = []) => [...previous, value]);
    else command.option(flag.flags, flag.description, flag.default);
}

function withGlobalFlags(command: Command): Command {
    return command
        .option('--json', 'print machine-readable JSON on stdout')
        .option('--debug', 'print debug logs on stderr')
        .option('--no-color', 'disable colours (also NO_COLOR)')
        .option('--no-interactive', 'never prompt (implied by CI=true or a non-TTY stdin)');
}

function action(def: CommandDef, { env, setExit, dispatch }: Runner) {
    const name = def.module!;
    return async (...params: unknown[]): Promise<void> => {
        const command = params.at(-1) as Command;
        const opts = command.optsWithGlobals() as Record<string, unknown> & GlobalOptions;
        // optsWithGlobals lets the program's defaults (color: true) override a `--no-color` given
        // after the command name; a negated flag counts wherever it was given.
        const negated = (key: 'color' | 'interactive'): boolean => command.opts()[key] === false || opts[key] === false;
        // Commander has filled in the defaults of the arguments left out.
        const args = (command.processedArgs as (string | undefined)[]).slice(0, command.registeredArguments.length);
        const bind = () => def.bind!(args, opts, env);
        if (dispatch) return dispatch(name, bind().options);
        const { createContext } = await import('./context.js');
        const ctx = createContext({
            env,
            json: Boolean(opts.json),
            ...nangoLocation(name, env),
            // Only the flag overrides FERRY_DEBUG: without it the context reads the environment.
            // NANGO_CLI_DEBUG=true is Nango's FERRY_DEBUG.
            ...(opts.debug || env['NANGO_CLI_DEBUG'] === 'true' ? { debug: true } : {}),
            ...(negated('color') || Boolean(env['NO_COLOR']) ? { color: false } : {}),
            ...(negated('interactive') ? { interactive: false } : {})
        });
        const broken = brokenPackageJson(name, ctx.cwd);
        setExit(broken ? reportError(broken, ctx) : await runCommand(bind, ctx));
    };
}

/** Runs one command under the single exit policy: every error becomes a printed line and a code. */
async function runCommand(bind: () => BoundCommand, ctx: CliContext): Promise<number> {
    try {
        const code = await bind().run(ctx);
        return code ?? ExitCode.Ok;
    } catch (error) {
        return reportError(error, ctx);
    }
}

export function reportError(error: unknown, ctx: CliContext): number {
    if (error instanceof ReportedError) return error.exitCode;
    if (error instanceof FerryError) {
        ctx.log.error(errorLine(error, ctx.colors.dim));
        if (ctx.debug && error.cause) ctx.log.debug('cause', String((error.cause as Error)?.stack ?? error.cause));
        if (ctx.json) ctx.printJson({ error: error.toJSON() });
        return error.exitCode;
    }
    const fsProblem = fileSystemError(error);
    if (fsProblem) return reportError(fsProblem, ctx);
    const err = error instanceof Error ? error : new Error(String(error));
    ctx.log.error(`internal error: ${err.message}. This is a bug in Ferry: rerun with --debug and report the stack trace.`);
    ctx.log.debug('stack', err.stack ?? '');
    if (ctx.json) ctx.printJson({ error: { code: 'INTERNAL', message: err.message } });
    return ExitCode.Failure;
}
