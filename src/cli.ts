/**
 * The entry point. Declares every command and its flags, then loads the command's module only
 * when it runs: `ferry --help` and `ferry --version` import nothing heavy.
 */
import type { Command } from 'commander';
// The context (colours, prompts) loads with the first command that runs, not for --help.
import type { CliContext } from './context.js';
import { errorLine, ExitCode, FerryError, fileSystemError, ReportedError } from './errors.js';

import { VERSION } from './version.js';
import { addNangoCommands, addNangoGlobalFlags, brokenPackageJson, nangoLocation, quietOnClosedStdout, sourcemapOption, testFilters } from './cli-nango.js';

export interface GlobalOptions {
    json?: boolean;
    debug?: boolean;
    color?: boolean;
    interactive?: boolean;
}

/** What every command module exports. */
export type CommandRunner<O> = (options: O, ctx: CliContext) => Promise<ExitCode | void>;
type Loader = () => Promise<{ run: CommandRunner<any> }>;

const commands = {
    init: () => import('./commands/init.js'),
    generate: () => import('./commands/generate.js'),
    clone: () => import('./commands/clone.js'),
    compile: () => import('./commands/compile.js'),
    dev: () => import('./commands/dev.js'),
    dryrun: () => import('./commands/dryrun.js'),
    test: () => import('./commands/test.js'),
    deploy: () => import('./commands/deploy.js'),
    serve: () => import('./commands/serve.js'),
    mcp: () => import('./commands/mcp.js'),
    integrations: () => import('./commands/integrations.js'),
    connections: () => import('./commands/connections.js'),
    connect: () => import('./commands/connect.js'),
    runs: () => import('./commands/runs.js'),
    version: () => import('./commands/version.js'),
    pull: () => import('./commands/pull.js'),
    completion: () => import('./commands/completion.js'),
    'generate:docs': () => import('./commands/docs.js'),
    'migrate-to-zero-yaml': () => import('./commands/migrate.js')
} satisfies Record<string, Loader>;

export type CommandName = keyof typeof commands;

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
    // `-v` is Nango's spelling of the version flag.
    if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V' || argv[0] === '-v')) {
        process.stdout.write(`${VERSION}\n`);
        return ExitCode.Ok;
    }
    // `ferry ... | head` closes stdout early: the output was wanted only so far, which is no failure.
    quietOnClosedStdout();
    // The shell asks on every Tab: answered from a static table, without commander or the project's modules.
    if (argv[0] === '__complete') return (await import('./completion/complete.js')).answer(argv.slice(1), process.cwd(), env);
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
        void commands.dryrun().catch(() => undefined);
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
    const name = ownArgs.find((arg) => Object.hasOwn(commands, arg));
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
    const command = (name: string): Command => withGlobalFlags(program.command(name));

    const action =
        <O>(name: keyof typeof commands, toOptions: (args: string[], opts: Record<string, any>) => O) =>
        async (...params: unknown[]): Promise<void> => {
            const command = params.at(-1) as Command;
            const opts = command.optsWithGlobals() as Record<string, any> & GlobalOptions;
            // optsWithGlobals lets the program's defaults (color: true) override a `--no-color` given
            // after the command name; a negated flag counts wherever it was given.
            const negated = (key: 'color' | 'interactive'): boolean => command.opts()[key] === false || opts[key] === false;
            const args = command.args.slice(0, command.registeredArguments.length);
            if (dispatch) return dispatch(name, toOptions(args, opts));
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
            setExit(broken ? reportError(broken, ctx) : await runCommand(name, () => toOptions(args, opts), ctx));
        };

    command('init')
        .description('scaffold a new functions project')
        .argument('[dir]', 'target folder', 'nango-integrations')
        .option('--force', 'write into a folder that has files (yours are kept)')
        .option('--no-install', 'do not install dependencies (npm, pnpm or yarn, detected)')
        .option('--copy', "only write the files, install nothing (Nango's spelling of --no-install)")
        .addHelpText(
            'after',
            [
                '',
                'Examples:',
                '  ferry init                     ./nango-integrations with a GitHub example, dependencies installed',
                '  ferry init my-functions --no-install',
                '  ferry init . --force           add a project to the current folder, keeping its files',
                '',
                'Exit codes: 0 created (also when the install failed: see the warning), 1 the target has files (without --force) or bad flags.'
            ].join('\n')
        )
        .action(action('init', ([dir], o) => ({ dir: dir ?? 'nango-integrations', force: Boolean(o.force), install: o.install !== false && !o.copy && o.dependencyUpdate !== false })));

    command('generate')
        .description('add a sync, action or on-event function (or vitest files for fixtures, or AGENTS.md)')
        .argument('<kind>', 'sync | action | on-event | tests | agents')
        .argument('[integration]', 'integration id, e.g. github (required except for tests and agents)')
        .argument('[name]', 'kebab-case function name (required except for tests and agents)')
        .option('--event <event>', 'on-event only: post-connection-creation (default) | pre-connection-deletion | validate-connection')
        .option('-i, --integration <id>', 'tests only: only the fixtures of this integration')
        .option('-s, --sync <name>', 'tests only: only the fixtures of this sync')
        .option('-a, --action <name>', 'tests only: only the fixtures of this action')
        .addHelpText(
            'after',
            [
                '',
                'Examples:',
                '  ferry generate sync github pull-requests      github/syncs/pull-requests.ts, imported in index.ts',
                '  ferry generate action github create-comment',
                '  ferry generate on-event github check-access --event validate-connection',
                '  ferry generate tests                          vitest files for the recorded fixtures',
                '  ferry generate agents                         AGENTS.md for coding agents (refreshed only if Ferry wrote it)',
                '',
                'Exit codes: 0 written, 1 bad arguments, an existing function or not a project (nothing written).'
            ].join('\n')
        )
        .action(action('generate', ([kind, integration, name], o) => ({ kind, integration, name, event: o.event, ...testFilters(o) })));

    command('clone')
        .description('pull template functions into the project')
        .argument('<template>', 'integration[/type[/name]], e.g. github/actions/list-repos')
        .option('--repo <owner/name>', 'templates repository on GitHub, or its URL (default: NangoHQ/integration-templates)')
        .option('--ref <ref>', 'branch, tag or commit of the templates repository (default: its default branch)')
        .option('--from <folder>', 'clone from a local checkout instead of GitHub (offline)')
        .option('-f, --force', 'overwrite files that already exist with different content')
        .addHelpText(
            'after',
            [
                '',
                'Examples:',
                '  ferry clone github                         every function of an integration',
                '  ferry clone github/actions                 one type: syncs, actions or on-events',
                '  ferry clone github/actions/list-repos      one function (its relative imports come along)',
                '',
                'Environment:',
                '  GITHUB_TOKEN, GH_TOKEN sent to GitHub: a higher rate limit, private repositories (never printed)',
                '  HTTPS_PROXY, HTTP_PROXY, NO_PROXY honoured for GitHub requests',
                '  FERRY_GITHUB_API_URL   GitHub REST API base URL (default https://api.github.com)',
                '  FERRY_GITHUB_RAW_URL   raw file host (default https://raw.githubusercontent.com)',
                '',
                'Exit codes: 0 cloned, 1 anything else (conflicts, unknown template, rate limit, network; nothing written).'
            ].join('\n')
        )
        .action(action('clone', ([template], o) => ({ template, repo: o.repo, ref: o.ref, from: o.from, force: Boolean(o.force) })));

    command('compile')
        .description('type-check and bundle every function, write the manifest')
        .option('--no-typecheck', 'skip the type-check')
        .option('--no-cache', 'rebuild everything')
        .addOption(sourcemapOption(program))
        .addHelpText(
            'after',
            [
                '',
                'Examples:',
                '  ferry compile                  type-check, bundle to build/, manifest in .nango/nango.json',
                '  ferry compile --json           one JSON document on stdout (CI, agents)',
                '',
                'Exit codes: 0 compiled, 10 compile errors (nothing written), 1 not a project or bad flags.'
            ].join('\n')
        )
        .action(action('compile', (_args, o) => ({ typecheck: o.typecheck !== false, cache: o.cache !== false, sourcemap: o.sourcemap !== 'false' })));

    command('dev')
        .description('watch the project and rebuild what changed')
        .option('--no-typecheck', 'skip the background type-check')
        .addHelpText(
            'after',
            [
                '',
                'Examples:',
                '  ferry dev                      rebuild on save; Ctrl-C to stop',
                '  ferry dev --json               one JSON event per line on stdout',
                '',
                'Exit codes: 0 stopped by Ctrl-C or a signal, 1 not a project or bad flags.'
            ].join('\n')
        )
        .action(action('dev', (_args, o) => ({ typecheck: o.typecheck !== false })));

    command('dryrun')
        .description('run one function locally against a real connection')
        .argument('<function>', 'function name (sync, action or on-event), or <integration>/<name>')
        .argument('<connectionId>', 'connection to run against')
        .option('-e, --environment <env>', 'platform environment', 'dev')
        .option('--integration-id <id>', 'integration (provider config key), when the function name is ambiguous')
        .option('-i, --input <json>', 'action input: JSON or @file.json')
        .option('-m, --metadata <json>', "metadata for getMetadata instead of the connection's: JSON or @file.json")
        .option('-c, --checkpoint <json>', 'starting checkpoint: JSON or @file.json')
        .option('-l, --lastSyncDate <date>', 'last sync date (ISO 8601)')
        .option('--variant <name>', 'sync variant')
        .option('--validate, --validation', 'make a record, input or output that fails its schema fatal (--validation: Nango\'s alias)')
        .option('--save, --save-responses', 'save a test fixture to <integration>/tests/<name>.test.json (--save-responses: Nango\'s alias)')
        .option('--diagnostics', 'print timing and memory of the run (as Nango does)')
        .option('--webhook <payload.json|->', "run the sync's onWebhook(nango, payload) with this payload (a JSON file, or - for stdin)")
        .addOption(sourcemapOption(program))
        .option('--out <file.jsonl>', 'stream every record as JSON lines to a file')
        .option('--timeout <duration>', 'stop the function after this long, e.g. 30s, 5m, or seconds as a bare number (exit 12); default 15m, 0 for none')
        .addHelpText(
            'after',
            [
                '',
                'Examples:',
                '  ferry dryrun issues conn-42',
                '  ferry dryrun create-issue conn-42 --input \'{"title":"Hi"}\'',
                '  ferry dryrun github/issues conn-42 -e prod --save   record a fixture for ferry test',
                '',
                'Environment: NANGO_SECRET_KEY_<ENV> (or NANGO_SECRET_KEY), NANGO_HOSTPORT; read from the',
                'environment, then the project\'s .env. The key is never printed.',
                'Exit codes: 0 ok, 1 bad flags or missing key, 10 does not build, 12 the run failed, 130 interrupted.'
            ].join('\n')
        )
        .action(
            action('dryrun', ([functionName, connectionId], o) => ({
                functionName,
                connectionId,
                environment: o.environment,
                integrationId: o.integrationId,
                input: o.input,
                metadata: o.metadata,
                checkpoint: o.checkpoint,
                lastSyncDate: o.lastSyncDate,
                variant: o.variant,
                // Commander keys a two-long-name flag by its second spelling.
                validate: Boolean(o.validation),
                save: Boolean(o.saveResponses),
                diagnostics: Boolean(o.diagnostics),
                webhook: o.webhook,
                sourcemap: o.sourcemap !== 'false',
                out: o.out,
                timeout: o.timeout
            }))
        );

    command('test')
        .description('replay recorded fixtures offline')
        .argument('[function]', 'only this function')
        .option('--integration <id>', 'only this integration')
        .option('--now <iso>', "the functions' clock, instead of each fixture's recording time")
        .option('--vitest', "run the project's own *.test.ts files with vitest (nango/test resolved to Ferry when nango is not installed)")
        .addHelpText(
            'after',
            [
                '',
                'Examples:',
                '  ferry test                     replay every <integration>/tests/*.test.json offline',
                '  ferry test issues --json',
                '  ferry test --now 2025-06-01T00:00:00Z',
                '  ferry test --vitest            the vitest suite, with Ferry\'s nango/test mocks',
                '',
                'Exit codes: 0 all passed, 1 a fixture failed (a function that does not build fails its fixtures) or none found; with --vitest, vitest\'s own.'
            ].join('\n')
        )
        .action(action('test', ([functionName], o) => ({ functionName, integration: o.integration, now: o.now, vitest: Boolean(o.vitest) })));

    command('deploy')
        .description('preview and upload the functions to the platform')
        .argument('[environment]', 'platform environment (same as -e)')
        .option('-e, --environment <env>', 'platform environment (default: dev)')
        .option('-s, --sync <name>', 'deploy only this sync')
        .option('-a, --action <name>', 'deploy only this action')
        .option('-i, --integration <id>', 'deploy only this integration')
        .option('-v, --version <version>', 'version to stamp on the deployed functions (default: each function\'s own)')
        .option('--allow-destructive', 'allow deleting syncs that have connections, or models')
        .option('--auto-confirm', 'do not ask for confirmation (also NANGO_DEPLOY_AUTO_CONFIRM=true)')
        .option('--dry-run', 'preview the plan only, deploy nothing')
        .addOption(sourcemapOption(program))
        .addHelpText(
            'after',
            [
                '',
                'Examples:',
                '  ferry deploy prod --dry-run    show the plan only',
                '  ferry deploy -s issues         one sync',
                '  ferry deploy prod --auto-confirm --allow-destructive --json   unattended, in CI',
                '',
                'Environment: NANGO_SECRET_KEY_<ENV> (or NANGO_SECRET_KEY), NANGO_HOSTPORT, NANGO_DEPLOY_AUTO_CONFIRM.',
                'Exit codes: 0 deployed or previewed, 1 bad flags, 10 compile error, 11 deploy failed or refused.'
            ].join('\n')
        )
        .action(
            action('deploy', ([environment], o) => ({
                environment: o.environment,
                positionalEnvironment: environment,
                sync: o.sync,
                action: o.action,
                integration: o.integration,
                version: o.version,
                allowDestructive: Boolean(o.allowDestructive),
                autoConfirm: Boolean(o.autoConfirm) || env['NANGO_DEPLOY_AUTO_CONFIRM']?.trim().toLowerCase() === 'true',
                dryRun: Boolean(o.dryRun),
                sourcemap: o.sourcemap !== 'false'
            }))
        );

    command('mcp')
        .description('serve the project to coding agents over stdio (Model Context Protocol)')
        .option('--allow-deploy', 'let the deploy tool deploy (without it, deploy only previews the plan)')
        .addHelpText(
            'after',
            [
                '',
                'Examples:',
                '  ferry mcp                      in the project folder; an MCP client starts it (stdin/stdout are the protocol)',
                '  claude mcp add ferry -- npx ferry mcp      (npx finds the project\'s installed Ferry; without one: node <ferry>/bin/ferry.js mcp)',
                '',
                'Tools: list_functions, describe_function, generate, clone, compile, dryrun, test, deploy.',
                'Resources: ferry://project/AGENTS.md, ferry://sdk-reference.',
                'Exit codes: 0 when the client closes the connection, 1 bad flags.'
            ].join('\n')
        )
        .action(action('mcp', (_args, o) => ({ allowDeploy: Boolean(o.allowDeploy) })));

    addServeCommands(command, action);
    addNangoCommands(command, action);
    addNangoGlobalFlags(program);

    return program;
}

/** `ferry serve` and the integrations/connections commands that manage any platform through its API. */
function addServeCommands(command: (name: string) => Command, action: (name: keyof typeof commands, toOptions: (args: string[], opts: Record<string, any>) => unknown) => (...params: unknown[]) => Promise<void>): void {
    command('serve')
        .description('run a local, Nango-compatible platform (foreground; Ctrl-C to stop)')
        .option('--host <host>', 'address to listen on', '127.0.0.1')
        .option('--port <port>', 'port to listen on (0: a free one)', '3003')
        .option('--data <dir>', 'data folder (default: .ferry/serve in the project, else per user)')
        .option('--database <postgres-url>', 'use this PostgreSQL database instead of the embedded one')
        .option('--secret-key <key>', 'secret key of the dev environment (default: generated once, kept in the data folder)')
        .option('--webhook-url <url>', 'send Nango webhooks to this URL (twice: primary and secondary)', (value: string, previous: string[] = []) => [...previous, value])
        .option('--webhook-signing-key <key>', 'key that signs the webhooks (default: generated once, kept in the database)')
        .option('--concurrency <n>', 'function runs at once (syncs, actions, on-event scripts)', '4')
        .option('--run-timeout <seconds>', 'a run still going after this long is stopped and fails', '300')
        .option('--run-memory <mb>', 'heap limit of each run, in MB', '512')
        .addHelpText('after', ['', 'Other commands of the project reach it with -e local (e.g. ferry dryrun issues conn-1 -e local).', 'Environment: FERRY_SERVE_ENCRYPTION_KEY (32 bytes, base64) encrypts credentials instead of the data folder\'s key file.', 'Exit codes: 0 stopped by Ctrl-C or SIGTERM, 1 could not start.'].join('\n'))
        .action(action('serve', (_args, o) => ({ host: o.host, port: o.port, data: o.data, database: o.database, secretKey: o.secretKey, webhookUrl: o.webhookUrl, webhookSigningKey: o.webhookSigningKey, concurrency: o.concurrency, runTimeout: o.runTimeout, runMemory: o.runMemory })));

    const environment = (c: Command): Command => c.option('-e, --environment <env>', 'platform environment (local: this project\'s ferry serve)', 'dev');
    const integrations = command('integrations').description("manage the platform's integrations (works against ferry serve and hosted Nango)");
    const sub = (parent: Command, name: string): Command => withGlobalFlags(environment(parent.command(name)));
    const integrationAction = (name: string) => action('integrations', ([key], o) => ({ action: name, key, environment: o.environment, provider: o.provider, baseUrl: o.baseUrl, displayName: o.displayName, clientId: o.clientId, clientSecret: o.clientSecret, scopes: o.scopes, authorizationUrl: o.authorizationUrl, tokenUrl: o.tokenUrl, webhookSecret: o.webhookSecret }));
    sub(integrations, 'create')
        .description('create an integration')
        .argument('<key>', 'unique key (provider config key), e.g. github')
        .option('--provider <provider>', 'provider from the catalog, e.g. github')
        .option('--base-url <url>', "the provider API's base URL (a self-hosted provider, tests)")
        .option('--display-name <name>', 'display name')
        .option('--client-id <id>', 'OAuth client id (needed to refresh OAuth tokens)')
        .option('--client-secret <secret>', 'OAuth client secret')
        .option('--scopes <scopes>', 'OAuth scopes, comma-separated')
        .option('--authorization-url <url>', "replaces the provider's OAuth authorization URL (a self-hosted provider, tests)")
        .option('--token-url <url>', "replaces the provider's OAuth token URL")
        .option('--webhook-secret <secret>', "checks the signature of the provider's webhooks (ferry serve)")
        .action(integrationAction('create'));
    sub(integrations, 'list').description('list the integrations').action(integrationAction('list'));
    sub(integrations, 'get').description('show one integration').argument('<key>', 'unique key').action(integrationAction('get'));
    sub(integrations, 'delete').description('delete an integration and its connections').argument('<key>', 'unique key').action(integrationAction('delete'));

    const connections = command('connections').description("manage the platform's connections (credentials go in, never come out)");
    const connectionAction = (name: string) =>
        action('connections', ([integration, connectionId], o) => ({ action: name, integration: name === 'list' ? o.integration : integration, connectionId, environment: o.environment, token: o.token, apiKey: o.apiKey, basic: o.basic, credentials: o.credentials, metadata: o.metadata, config: o.config }));
    sub(connections, 'create')
        .description('import a connection with its credentials')
        .argument('<integration>', 'integration (provider config key)')
        .argument('<connection-id>', 'connection id')
        .option('--token <token>', 'OAuth2 access token')
        .option('--api-key <key>', 'API key')
        .option('--basic <user:pass>', 'user name and password')
        .option('--credentials <json>', 'credentials object in Nango\'s import shape: JSON or @file.json')
        .option('--metadata <json>', 'metadata: JSON or @file.json')
        .option('--config <json>', 'connection config: JSON or @file.json')
        .action(connectionAction('create'));
    sub(connections, 'list').description('list the connections').option('--integration <key>', 'only this integration').action(connectionAction('list'));
    sub(connections, 'get').description('show one connection (without credentials)').argument('<integration>', 'integration').argument('<connection-id>', 'connection id').action(connectionAction('get'));
    sub(connections, 'delete').description('delete a connection').argument('<integration>', 'integration').argument('<connection-id>', 'connection id').action(connectionAction('delete'));

    environment(command('runs'))
        .description('list recent runs of deployed functions on ferry serve (show <id>: one run\'s logs and error)')
        .argument('[show]', 'show: one run in full')
        .argument('[id]', 'run id (with show)')
        .option('--follow', 'keep printing runs as they start and finish (Ctrl-C to stop)')
        .option('--limit <n>', 'how many recent runs', '20')
        .option('--integration <key>', 'only this integration')
        .option('--connection <id>', 'only this connection')
        .action(action('runs', ([sub, id], o) => ({ action: sub, id, environment: o.environment, follow: o.follow === true, limit: o.limit, integration: o.integration, connection: o.connection })));

    environment(command('connect'))
        .description('connect an account with OAuth: opens the provider\'s authorization page, the local server stores the connection')
        .argument('<integration>', 'integration (provider config key) with an OAuth client id and secret')
        .argument('[connection-id]', 'connection id (default: a new UUID)')
        .option('--no-browser', 'print the authorization URL without opening a browser (also FERRY_NO_BROWSER=1)')
        .option('--timeout <seconds>', 'how long to wait for the authorization', '300')
        .option('--config <json>', 'connection config the provider\'s URLs need, e.g. {"subdomain":"acme"}')
        .option('--webhook-url-override <url>', "send this connection's webhooks here instead of the environment's URLs")
        .action(action('connect', ([integration, connectionId], o) => ({ integration, connectionId, environment: o.environment, browser: o.browser !== false, timeout: o.timeout, config: o.config, webhookUrlOverride: o.webhookUrlOverride })));
}

function withGlobalFlags(command: Command): Command {
    return command
        .option('--json', 'print machine-readable JSON on stdout')
        .option('--debug', 'print debug logs on stderr')
        .option('--no-color', 'disable colours (also NO_COLOR)')
        .option('--no-interactive', 'never prompt (implied by CI=true or a non-TTY stdin)');
}

/** Runs one command under the single exit policy: every error becomes a printed line and a code. */
export async function runCommand(name: keyof typeof commands, options: () => unknown, ctx: CliContext): Promise<number> {
    try {
        // Each command types its own options; the mapping in buildProgram is what keeps them in step.
        const module: { run: CommandRunner<any> } = await commands[name]();
        const code = await module.run(options(), ctx);
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
