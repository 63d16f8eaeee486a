/**
 * What the shell completes, as a plain table: the completion path must not load commander or any
 * command module (every Tab starts a process). test/unit/completion.test.ts holds this table to
 * the real parser, so a flag added to a command (src/commands/<name>.cli.ts) without it here fails
 * the test.
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

const cmd = (flags: Record<string, ValueKind | null>, args: ValueKind[] = [], subcommands?: Record<string, CommandSpec>): CommandSpec => ({
    flags: { ...GLOBAL, ...flags },
    args,
    ...(subcommands ? { subcommands } : {})
});

const env = { '-e': 'environment', '--environment': 'environment' } as const;
const sourcemap = { '--sourcemap': 'any' } as const;

export const SOURCEMAP_VALUES = ['inline', 'false'];
export const SHELLS = ['bash', 'zsh', 'fish'];
export const GENERATE_KINDS = ['sync', 'action', 'on-event', 'tests', 'agents'];

export const COMMANDS: Record<string, CommandSpec> = {
    init: cmd({ '--force': null, '--no-install': null, '--copy': null }, ['file']),
    generate: cmd({ '--event': 'any', '-i': 'integration', '--integration': 'integration', '-s': 'function', '--sync': 'function', '-a': 'function', '--action': 'function' }, ['kind', 'integration', 'any']),
    create: cmd({ '--sync': null, '--action': null, '--on-event': null, '--event': 'any' }, ['integration', 'any']),
    clone: cmd({ '--repo': 'any', '--ref': 'any', '--from': 'file', '-f': null, '--force': null }, ['any']),
    compile: cmd({ '--no-typecheck': null, '--no-cache': null, ...sourcemap }),
    dev: cmd({ '--no-typecheck': null }),
    dryrun: cmd(
        {
            ...env,
            '--integration-id': 'integration',
            '-i': 'any',
            '--input': 'any',
            '-m': 'any',
            '--metadata': 'any',
            '-c': 'any',
            '--checkpoint': 'any',
            '-l': 'any',
            '--lastSyncDate': 'any',
            '--variant': 'any',
            '--validate': null,
            '--validation': null,
            '--save': null,
            '--save-responses': null,
            '--diagnostics': null,
            '--webhook': 'file',
            '--out': 'file',
            '--timeout': 'any',
            ...sourcemap
        },
        ['function', 'connection']
    ),
    test: cmd({ '--integration': 'integration', '--now': 'any', '--vitest': null }, ['function']),
    deploy: cmd(
        { ...env, '-s': 'function', '--sync': 'function', '-a': 'function', '--action': 'function', '-i': 'integration', '--integration': 'integration', '-v': 'any', '--version': 'any', '--allow-destructive': null, '--dry-run': null, ...sourcemap },
        ['environment']
    ),
    mcp: cmd({ '--allow-deploy': null }),
    serve: cmd({ '--host': 'any', '--port': 'any', '--data': 'file', '--database': 'any', '--secret-key': 'any', '--webhook-url': 'any', '--webhook-signing-key': 'any', '--concurrency': 'any', '--run-timeout': 'any', '--run-memory': 'any' }),
    integrations: cmd({}, [], {
        create: cmd({ ...env, '--provider': 'any', '--base-url': 'any', '--display-name': 'any', '--client-id': 'any', '--client-secret': 'any', '--scopes': 'any', '--authorization-url': 'any', '--token-url': 'any', '--webhook-secret': 'any' }, ['integration']),
        list: cmd({ ...env }),
        get: cmd({ ...env }, ['integration']),
        delete: cmd({ ...env }, ['integration'])
    }),
    connections: cmd({}, [], {
        create: cmd({ ...env, '--token': 'any', '--api-key': 'any', '--basic': 'any', '--credentials': 'any', '--metadata': 'any', '--config': 'any' }, ['integration', 'connection']),
        list: cmd({ ...env, '--integration': 'integration' }),
        get: cmd({ ...env }, ['integration', 'connection']),
        delete: cmd({ ...env }, ['integration', 'connection'])
    }),
    runs: cmd({ ...env, '--follow': null, '--limit': 'any', '--integration': 'integration', '--connection': 'any' }),
    connect: cmd({ ...env, '--no-browser': null, '--timeout': 'any', '--config': 'any', '--webhook-url-override': 'any' }, ['integration', 'connection']),
    version: cmd({ ...env }),
    'generate:tests': cmd({ '-i': 'integration', '--integration': 'integration', '-s': 'function', '--sync': 'function', '-a': 'function', '--action': 'function' }),
    'generate:docs': cmd({ '-p': 'file', '--path': 'file', '--integration-templates': null }),
    pull: cmd({ '-e': 'environment', '--env': 'environment', '-c': null, '--catalog': null, '-s': null, '--sync': null, '-a': null, '--action': null, '--on-event': null, '-f': null, '--force': null, '--repo': 'any', '--ref': 'any', '--from': 'file' }, ['integration', 'function']),
    completion: cmd({}, ['shell']),
    'migrate-to-zero-yaml': cmd({}),
    help: { flags: {}, args: ['any'] }
};
