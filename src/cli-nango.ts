/**
 * What the entry point does for `nango` CLI users beside Ferry's own behaviour: Nango's global
 * flags on every command, NANGO_INTEGRATIONS_LOCATION, and one answer for a broken package.json.
 * Nango's commands themselves are defined beside Ferry's (src/commands/*.cli.ts);
 * test/unit/nango-cli-parity.test.ts holds the parser to the list taken from nango's help
 * (test/fixtures/nango-cli.json): none may go missing.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
// Types only: src/cli.ts loads this module before commander, whose load --version skips.
import type { Command } from 'commander';
import type { CommandName } from './commands/define.js';
import { FerryError } from './errors.js';

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
