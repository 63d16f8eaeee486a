/**
 * How a command's face on the command line is declared: its arguments, flags and help as data
 * beside the command (src/commands/<name>.cli.ts), and how they map to the options its `run`
 * takes. The flags' keys and value types are read from their spellings the way commander reads
 * them, and the mapping must return exactly what `run` accepts: a misspelt or renamed property is
 * a type error. Types and data only: src/cli.ts loads every definition for `--help`, so nothing
 * here may load a command's module.
 */
import type { ValueKind } from '../completion/spec.js';
import type { CliContext } from '../context.js';
import type { ExitCode } from '../errors.js';

/** A positional argument: `<name>` is required, `[name]` optional. */
interface Arg {
    readonly name: string;
    readonly description: string;
    /** Given to the command when the argument is left out (shown in the help). */
    readonly default?: string;
    /** What the shell completes it with (`ferry completion`); nothing of the project by default. */
    readonly complete?: ValueKind;
}

/** A flag, spelt as commander takes it: `-e, --environment <env>`, `--no-cache`, `--save, --save-responses`. */
export interface Flag {
    readonly flags: string;
    readonly description: string;
    readonly default?: string;
    readonly choices?: readonly string[];
    /** Repeatable: every value given, in order. */
    readonly repeatable?: true;
    /** What the shell completes its value with (`ferry completion`); nothing of the project by default. */
    readonly complete?: ValueKind;
}

/** The flags every command takes (src/cli.ts and Nango's global flags in src/cli-nango.ts). */
interface GlobalFlagValues {
    json?: boolean;
    debug?: boolean;
    color: boolean;
    interactive: boolean;
    autoConfirm?: boolean;
    dependencyUpdate: boolean;
    telemetry: boolean;
}

// Commander's key for a flag: its last long spelling, `no-` dropped, kebab-case to camelCase.
type Spelling<F extends string> = F extends `${infer Head} <${string}` ? Head : F extends `${infer Head} [${string}` ? Head : F;
type LastLong<S extends string> = S extends `${string}, ${infer Rest}` ? LastLong<Rest> : S;
type Camel<S extends string> = S extends `${infer A}-${infer B}` ? `${A}${Camel<Capitalize<B>>}` : S;
type FlagKey<F extends string> = LastLong<Spelling<F>> extends `--no-${infer Name}` ? Camel<Name> : LastLong<Spelling<F>> extends `--${infer Name}` ? Camel<Name> : never;

type FlagValue<F extends Flag> = F extends { repeatable: true }
    ? string[] | undefined
    : F['flags'] extends `${string}<${string}`
      ? F extends { default: string }
          ? string
          : string | undefined
      : F['flags'] extends `${string}--no-${string}`
        ? boolean
        : boolean | undefined;

/** What commander hands over for these flags, keyed and typed as it keys them. */
type FlagValues<Flags extends readonly Flag[]> = { [F in Flags[number] as FlagKey<F['flags']>]: FlagValue<F> };

/** Required arguments are present; optional ones are strings when they have a default. */
type ArgValues<Args extends readonly Arg[]> = { -readonly [I in keyof Args]: Args[I] extends { default: string } ? string : Args[I]['name'] extends `<${string}>` ? string : string | undefined };

/** What every command module exports. */
type CommandRunner<O> = (options: O, ctx: CliContext) => Promise<ExitCode | void>;
type OptionsOf<M> = M extends { run: (options: infer O, ctx: CliContext) => Promise<unknown> } ? O : never;

/**
 * The modules the command table runs, by the name the entry point knows them by (`create` and
 * `generate:tests` run `generate`; the integrations and connections subcommands their parent's).
 */
export type CommandName =
    | 'init'
    | 'generate'
    | 'clone'
    | 'compile'
    | 'dev'
    | 'dryrun'
    | 'test'
    | 'deploy'
    | 'serve'
    | 'mcp'
    | 'integrations'
    | 'connections'
    | 'connect'
    | 'runs'
    | 'version'
    | 'pull'
    | 'completion'
    | 'generate:docs'
    | 'migrate-to-zero-yaml';

/** A command bound to the values of one command line: its options, and running it. */
export interface BoundCommand {
    /** The options `run` receives (tests read them instead of running the command). */
    readonly options: unknown;
    run(ctx: CliContext): Promise<ExitCode | void>;
}

/** One command (or subcommand) as the entry point declares it to commander. */
export interface CommandDef {
    readonly name: string;
    readonly description: string;
    readonly args: readonly Arg[];
    readonly flags: readonly Flag[];
    /** Lines shown after the generated help. */
    readonly help?: readonly string[];
    /** Flags shared with sibling subcommands, declared before the global ones. */
    readonly sharedFlags?: readonly Flag[];
    /** A command with subcommands runs nothing itself. */
    readonly subcommands?: readonly CommandDef[];
    readonly module?: CommandName;
    /** Starts loading the command's module (a dry run's is loaded beside commander). */
    load?(): Promise<unknown>;
    bind?(args: readonly (string | undefined)[], flags: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv): BoundCommand;
}

/**
 * Exactly the options `run` takes: a property it does not know is typed `never`, so a misspelt key
 * fails where it is written (a plain return type lets extra properties of an inferred object pass).
 */
type Exactly<R, O> = R & O & { [K in Exclude<keyof R, keyof O>]: never };

interface Definition<M, Args extends readonly Arg[], Shared extends readonly Flag[], Flags extends readonly Flag[], R> {
    name: string;
    description: string;
    args?: Args;
    /** Flags the command shares with its sibling subcommands, declared before the global ones. */
    sharedFlags?: Shared;
    flags?: Flags;
    help?: readonly string[];
    module: CommandName;
    /** `() => import('./<name>.js')`: the module loads only when the command runs. */
    load: () => Promise<M>;
    /** The command line's values, mapped to exactly what the module's `run` takes. */
    options: (args: ArgValues<Args>, flags: FlagValues<[...Shared, ...Flags]> & GlobalFlagValues, env: NodeJS.ProcessEnv) => Exactly<R, OptionsOf<M>>;
}

export function defineCommand<M extends { run: CommandRunner<never> }, const R, const Args extends readonly Arg[] = [], const Shared extends readonly Flag[] = [], const Flags extends readonly Flag[] = []>(
    definition: Definition<M, Args, Shared, Flags, R>
): CommandDef {
    const { options, load } = definition;
    return {
        name: definition.name,
        description: definition.description,
        args: definition.args ?? [],
        ...(definition.sharedFlags ? { sharedFlags: definition.sharedFlags } : {}),
        flags: definition.flags ?? [],
        ...(definition.help ? { help: definition.help } : {}),
        module: definition.module,
        load,
        bind: (args, flags, env) => {
            // Commander has checked the arguments against their declarations, and keyed the flags as FlagValues does.
            const values = options(args as ArgValues<Args>, flags as FlagValues<[...Shared, ...Flags]> & GlobalFlagValues, env);
            return { options: values, run: async (ctx) => ((await load()).run as CommandRunner<OptionsOf<M>>)(values, ctx) };
        }
    };
}

/** A command that only groups subcommands (`ferry integrations create`). */
export function defineGroup(definition: { name: string; description: string; subcommands: readonly CommandDef[] }): CommandDef {
    return { args: [], flags: [], ...definition };
}

/** The platform environment of a command that talks to a platform. */
export const environmentFlag = { flags: '-e, --environment <env>', description: 'platform environment (local: this project\'s ferry serve)', default: 'dev', complete: 'environment' } as const satisfies Flag;

/** Nango's `--sourcemap <mode>` on compile, dryrun and deploy. */
export const sourcemapFlag = { flags: '--sourcemap <mode>', description: 'source maps in the bundles: inline, or false for none', choices: ['inline', 'false'], default: 'inline' } as const satisfies Flag;
