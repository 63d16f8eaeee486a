/**
 * The commands and flags a `nango` CLI user types, declared beside Ferry's own (src/cli.ts).
 * test/unit/nango-cli-parity.test.ts holds this parser to the list taken from nango's help
 * (test/fixtures/nango-cli.json): none may go missing. Only commander is loaded here.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
// Types only: src/cli.ts loads this module before commander, whose load --version skips.
import type { Command, Option } from 'commander';
import type { CommandName } from './cli.js';
import { FerryError } from './errors.js';

type ActionFactory = (name: CommandName, toOptions: (args: string[], opts: Record<string, any>) => unknown) => (...params: unknown[]) => Promise<void>;

/** Nango's `--sourcemap <mode>` on compile, dryrun and deploy. */
export function sourcemapOption(program: Command): Option {
    return program.createOption('--sourcemap <mode>', 'source maps in the bundles: inline, or false for none').choices(['inline', 'false']).default('inline');
}

/** generate:tests' -i/-s/-a filters (also on `generate tests`). */
export function testFilters(o: Record<string, any>): { onlyIntegration?: string; onlySync?: string; onlyAction?: string } {
    return {
        ...(typeof o['integration'] === 'string' ? { onlyIntegration: o['integration'] } : {}),
        ...(typeof o['sync'] === 'string' ? { onlySync: o['sync'] } : {}),
        ...(typeof o['action'] === 'string' ? { onlyAction: o['action'] } : {})
    };
}

/**
 * NANGO_INTEGRATIONS_LOCATION: the project folder, relative to where the command runs. init
 * creates a folder where it is told, so the variable does not move it.
 */
export function nangoLocation(name: CommandName, env: NodeJS.ProcessEnv): { cwd?: string } {
    const location = env['NANGO_INTEGRATIONS_LOCATION']?.trim();
    if (!location || name === 'init') return {};
    return { cwd: resolve(process.cwd(), location) };
}

/**
 * A reader that stops early (`ferry ... | head`) closes the pipe: the rest of the output is not
 * wanted, which is no failure. Without this, the next write raises EPIPE and Node dies with a
 * stack trace and exit code 1.
 */
let quiet = false;
export function quietOnClosedStdout(): void {
    if (quiet) return;
    quiet = true;
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EPIPE') process.exit(0);
        throw error;
    });
}

export function addNangoCommands(command: (name: string) => Command, action: ActionFactory): void {
    command('version')
        .description("print Ferry's version, and the platform's when a secret key is set")
        .option('-e, --environment <env>', 'platform environment whose key and host to ask (default: dev)')
        .action(action('version', (_args, o) => ({ environment: o.environment })));

    command('create')
        .description('add a sync, action or on-event function (Nango\'s name for `ferry generate <kind>`)')
        .argument('[integration]', 'integration id, e.g. github')
        .argument('[name]', 'kebab-case function name')
        .option('--sync', 'a sync')
        .option('--action', 'an action')
        .option('--on-event', 'an on-event function')
        .option('--event <event>', 'on-event only: post-connection-creation (default) | pre-connection-deletion | validate-connection')
        .action(action('generate', ([integration, name], o) => ({ kind: createKind(o), integration, name, event: o.event, via: 'create' })));

    command('generate:tests')
        .description('vitest files for the recorded fixtures (same as `ferry generate tests`)')
        .option('-i, --integration <id>', 'only the fixtures of this integration')
        .option('-s, --sync <name>', 'only the fixtures of this sync')
        .option('-a, --action <name>', 'only the fixtures of this action')
        .action(action('generate', (_args, o) => ({ kind: 'tests', ...testFilters(o) })));

    command('generate:docs')
        .description('a Markdown page per integration from the manifest (.nango/nango.json): functions, inputs, outputs, models, scopes')
        .option('-p, --path <path>', 'folder for the pages, relative to the project (default: each integration\'s folder)')
        .option('--integration-templates', 'name the pages README.md as the integration templates repository does')
        .action(action('generate:docs', (_args, o) => ({ path: o.path, templatesLayout: Boolean(o.integrationTemplates) })));

    command('pull')
        .description("write a deployed function's TypeScript source into the project (from an environment, or the template catalog with -c)")
        .argument('<integration>', 'integration id')
        .argument('<name>', 'function name')
        .option('-e, --env <environment>', 'environment the function is deployed in (default: dev)')
        .option('-c, --catalog', 'from the template catalog instead of an environment')
        .option('-s, --sync', 'the sync of that name, when several functions share it')
        .option('-a, --action', 'the action of that name, when several functions share it')
        .option('--on-event', 'the on-event function of that name, when several share it')
        .option('-f, --force', 'overwrite a file that exists with different content')
        .option('--repo <owner/name>', 'with -c: templates repository on GitHub (as clone --repo)')
        .option('--ref <ref>', 'with -c: branch, tag or commit of the templates repository')
        .option('--from <folder>', 'with -c: a local checkout of the templates instead of GitHub')
        .action(
            action('pull', ([integration, name], o) => ({
                integration,
                name,
                environment: o.env,
                catalog: Boolean(o.catalog),
                types: [o.sync && 'sync', o.action && 'action', o.onEvent && 'on-event'].filter(Boolean),
                force: Boolean(o.force),
                autoConfirm: Boolean(o.autoConfirm),
                repo: o.repo,
                ref: o.ref,
                from: o.from
            }))
        );

    command('completion')
        .description('print a shell completion script: commands, flags, and the project\'s functions, integrations and environments')
        .argument('<shell>', 'bash | zsh | fish')
        .addHelpText('after', ['', 'Install:', '  bash  echo \'source <(ferry completion bash)\' >> ~/.bashrc', '  zsh   echo \'source <(ferry completion zsh)\' >> ~/.zshrc', '  fish  ferry completion fish > ~/.config/fish/completions/ferry.fish'].join('\n'))
        .action(action('completion', ([shell]) => ({ shell })));

    command('migrate-to-zero-yaml')
        .description('(Nango) convert a nango.yaml project to TypeScript definitions: Ferry reads only TypeScript projects, this says what to do')
        .action(action('migrate-to-zero-yaml', () => ({})));
}

function createKind(o: Record<string, any>): string | undefined {
    const kinds = [o['sync'] && 'sync', o['action'] && 'action', o['onEvent'] && 'on-event'].filter(Boolean) as string[];
    return kinds.length === 1 ? kinds[0] : kinds.length > 1 ? kinds.join('+') : undefined;
}

/**
 * Flags nango declares on every command. --auto-confirm answers yes where Ferry would ask (deploy
 * declares its own). Ferry neither updates dependencies behind the user's back nor sends
 * telemetry, so the other two change nothing but are accepted.
 */
export function addNangoGlobalFlags(program: Command): void {
    const visit = (command: Command): void => {
        const has = (flag: string): boolean => command.options.some((option) => option.long === flag || option.short === flag);
        if (!has('--auto-confirm')) command.option('--auto-confirm', 'answer yes to every question (Nango\'s global flag)');
        if (!has('--no-dependency-update')) command.option('--no-dependency-update', 'install nothing (init); Ferry never updates dependencies by itself (Nango\'s flag)');
        if (!has('--no-telemetry')) command.option('--no-telemetry', 'accepted for Nango: Ferry sends no telemetry');
        for (const sub of command.commands) visit(sub);
    };
    for (const sub of program.commands) visit(sub);
}

/**
 * Commands that do not work inside a project, so its package.json is none of their business; and
 * compile and dev, which report it as a compile error of package.json:1:1 with the same code and
 * words (compile's --json document and exit code 10 stay what scripts expect of a compile).
 */
const NOT_CHECKED = new Set<CommandName>(['init', 'version', 'completion', 'migrate-to-zero-yaml', 'serve', 'integrations', 'connections', 'compile', 'dev']);

/**
 * A project whose package.json does not parse gets this one answer from every command, before the
 * command starts (compile, esbuild, vitest and the rest would each put it their own way, or not at all).
 */
export function brokenPackageJson(name: CommandName, cwd: string): FerryError | undefined {
    if (NOT_CHECKED.has(name)) return undefined;
    let root: string | undefined;
    for (let dir = resolve(cwd); ; dir = dirname(dir)) {
        if (existsSync(join(dir, 'index.ts')) && existsSync(join(dir, '.nango')) && statSync(join(dir, '.nango')).isDirectory()) {
            root = dir;
            break;
        }
        if (dirname(dir) === dir) return undefined;
    }
    const file = join(root, 'package.json');
    let text: string;
    try {
        text = readFileSync(file, 'utf8');
    } catch {
        return undefined;
    }
    let problem: string | undefined;
    try {
        const value: unknown = JSON.parse(text);
        if (typeof value !== 'object' || value === null || Array.isArray(value)) problem = 'does not hold a JSON object';
    } catch (error) {
        problem = `is not valid JSON (${(error as Error).message.split('\n')[0]})`;
    }
    if (!problem) return undefined;
    return new FerryError({ code: 'PACKAGE_JSON_INVALID', message: `package.json ${problem}`, hint: 'Fix it (it must hold a JSON object, e.g. { "type": "module" }), then run the command again; nothing was changed.', details: { file } });
}
