/**
 * What the shell completes, as a plain table derived from the commands' definitions
 * (src/commands/<name>.cli.ts, where an argument or a flag's value says what completes it): the
 * completion path must not load commander or any command module (every Tab starts a process).
 * test/unit/completion.test.ts holds the table to the real parser.
 */

/** What a positional argument or a flag's value is, for completing it from the project. */
export type ValueKind = 'function' | 'integration' | 'environment' | 'connection' | 'shell' | 'kind' | 'file' | 'any';

export interface CommandSpec {
    /** Flags: long and short spellings mapped to the kind of value they take, or null for none. */
    flags: Record<string, ValueKind | null>;
    /** Positional arguments in order. */
    args: ValueKind[];
    subcommands?: Record<string, CommandSpec>;
}

const GLOBAL: Record<string, null> = {
    '--json': null,
    '--debug': null,
    '--no-color': null,
    '--no-interactive': null,
    '--auto-confirm': null,
    '--no-dependency-update': null,
    '--no-telemetry': null,
    '--help': null,
    '-h': null
};

/** A command as src/commands/define.ts defines it: the parts completion reads. */
export interface CompletableCommand {
    readonly name: string;
    readonly args: readonly { readonly complete?: ValueKind }[];
    readonly flags: readonly CompletableFlag[];
    readonly sharedFlags?: readonly CompletableFlag[];
    readonly subcommands?: readonly CompletableCommand[];
}

interface CompletableFlag {
    /** As commander takes them: `-e, --environment <env>`. */
    readonly flags: string;
    readonly complete?: ValueKind;
}

/** The table of the commands' own definitions, and commander's `help` command. */
export function completionTable(commands: readonly CompletableCommand[]): Record<string, CommandSpec> {
    return { ...Object.fromEntries(commands.map((command) => [command.name, commandSpec(command)])), help: { flags: {}, args: ['any'] } };
}

function commandSpec(command: CompletableCommand): CommandSpec {
    const flags: Record<string, ValueKind | null> = { ...GLOBAL };
    for (const flag of [...(command.sharedFlags ?? []), ...command.flags]) {
        // `-e, --environment <env>`: each spelling, and whether a value follows.
        const [spellings = '', placeholder] = flag.flags.split(/ (?=[<[])/);
        for (const spelling of spellings.split(', ')) flags[spelling] = placeholder ? (flag.complete ?? 'any') : null;
    }
    return {
        flags,
        args: command.args.map((arg) => arg.complete ?? 'any'),
        ...(command.subcommands ? { subcommands: Object.fromEntries(command.subcommands.map((sub) => [sub.name, commandSpec(sub)])) } : {})
    };
}

export const SOURCEMAP_VALUES = ['inline', 'false'];
export const SHELLS = ['bash', 'zsh', 'fish'];
export const GENERATE_KINDS = ['sync', 'action', 'on-event', 'tests', 'agents'];
