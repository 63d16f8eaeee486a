/**
 * `ferry __complete <words...>`: what the shell scripts call on Tab. The words are those after
 * `ferry`, the last one being the word under the cursor (possibly empty). Prints one candidate
 * per line. Reads only index.ts and .env of the project (never compiles, never asks the
 * network), so it answers in the time Node takes to start.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { completionTable, GENERATE_KINDS, SHELLS, SOURCEMAP_VALUES, type CommandSpec, type CompletableCommand, type ValueKind } from './spec.js';

const TOP_FLAGS = ['--help', '-h', '--version', '-V', '-v'];

export function answer(words: string[], cwd: string, env: NodeJS.ProcessEnv, commands: readonly CompletableCommand[]): number {
    const candidates = complete(words, cwd, env, completionTable(commands));
    if (candidates.length > 0) process.stdout.write(`${candidates.join('\n')}\n`);
    return 0;
}

export function complete(words: string[], cwd: string, env: NodeJS.ProcessEnv, table: Record<string, CommandSpec>): string[] {
    const current = words.at(-1) ?? '';
    const before = words.slice(0, -1);
    const match = (list: Iterable<string>): string[] => [...new Set(list)].filter((c) => c.startsWith(current)).sort();
    const commandAt = before.findIndex((word) => !word.startsWith('-'));
    if (commandAt === -1) return match(current.startsWith('-') ? TOP_FLAGS : Object.keys(table));
    let spec: CommandSpec | undefined = table[before[commandAt]!];
    if (!spec) return [];
    let rest = before.slice(commandAt + 1);
    if (spec.subcommands) {
        const subAt = rest.findIndex((word) => !word.startsWith('-'));
        if (subAt === -1) return match(current.startsWith('-') ? Object.keys(spec.flags) : Object.keys(spec.subcommands));
        spec = spec.subcommands[rest[subAt]!];
        if (!spec) return [];
        rest = rest.slice(subAt + 1);
    }
    const previous = rest.at(-1);
    const valueKind = previous !== undefined && previous.startsWith('-') && !previous.includes('=') ? spec.flags[previous] : undefined;
    if (valueKind) return previous === '--sourcemap' ? match(SOURCEMAP_VALUES) : match(values(valueKind, cwd, env));
    if (current.startsWith('-')) return match(Object.keys(spec.flags));
    // Positionals typed so far: words that are neither flags nor a flag's value.
    let position = 0;
    for (let i = 0; i < rest.length; i++) {
        const word = rest[i]!;
        if (word.startsWith('-')) {
            if (!word.includes('=') && spec.flags[word]) i++;
            continue;
        }
        position++;
    }
    const kind = spec.args[position];
    return kind ? match(values(kind, cwd, env)) : [];
}

function values(kind: ValueKind, cwd: string, env: NodeJS.ProcessEnv): string[] {
    switch (kind) {
        case 'shell':
            return SHELLS;
        case 'kind':
            return GENERATE_KINDS;
        case 'function':
            return projectFunctions(cwd).map((f) => f.name);
        case 'integration':
            return projectFunctions(cwd).map((f) => f.integration);
        case 'environment':
            return environments(cwd, env);
        default:
            // Files are the shell's own completion (the scripts fall back to it on no answer).
            return [];
    }
}

function projectRoot(cwd: string): string | undefined {
    for (let dir = resolve(cwd); ; dir = dirname(dir)) {
        if (existsSync(join(dir, 'index.ts')) && existsSync(join(dir, '.nango')) && statSync(join(dir, '.nango')).isDirectory()) return dir;
        if (dirname(dir) === dir) return undefined;
    }
}

const IMPORT = /^\s*import\s+['"]\.\/([^'"/]+)\/(?:syncs|actions|on-events)\/([^'"/]+?)(?:\.js|\.ts)?['"]/gm;

/** The functions index.ts registers, read with one regex: a Tab must not wait for the lexer or the compiler. */
function projectFunctions(cwd: string): { integration: string; name: string }[] {
    const root = projectRoot(cwd);
    if (!root) return [];
    let source: string;
    try {
        source = readFileSync(join(root, 'index.ts'), 'utf8');
    } catch {
        return [];
    }
    return [...source.matchAll(IMPORT)].map((m) => ({ integration: m[1]!, name: m[2]! }));
}

/** dev and prod, local (ferry serve), and every NANGO_SECRET_KEY_<ENV> of the environment and the project's .env. */
function environments(cwd: string, env: NodeJS.ProcessEnv): string[] {
    const names = new Set(['dev', 'prod', 'local']);
    const add = (variable: string): void => {
        const found = /^NANGO_SECRET_KEY_([A-Z0-9_]+)$/.exec(variable);
        if (found) names.add(found[1]!.toLowerCase());
    };
    for (const variable of Object.keys(env)) add(variable);
    const root = projectRoot(cwd);
    if (root) {
        try {
            for (const line of readFileSync(join(root, '.env'), 'utf8').split('\n')) add(line.split('=')[0]!.replace(/^export\s+/, '').trim());
        } catch {
            // No .env: the defaults and the environment's variables are the answer.
        }
    }
    return [...names];
}
