/**
 * The docs stay true to the parser and to themselves: every command of `ferry --help` has its page
 * under docs/commands/ naming each of its flags and subcommands, the flags every command shares are
 * on docs/environment.md, the README stays a short entry point listing every command, and every
 * relative link of the README, docs/ and bench/README.md reaches a file (and a heading, when it
 * names one).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const program = buildProgram(new Command(), {}, () => undefined, () => undefined, () => undefined);
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** The page of a command: `generate:tests` is docs/commands/generate-tests.md. */
const pageOf = (name: string): string => `docs/commands/${name.replace(/:/g, '-')}.md`;
const documented = program.commands.filter((command) => command.name() !== 'help');

function longFlags(command: Command): string[] {
    return command.options.map((option) => option.long).filter((flag): flag is string => Boolean(flag));
}

/** Flags every command carries (`--json`, `--debug`, Nango's global flags...): documented once. */
const shared = longFlags(documented[0]!).filter((flag) => documented.every((command) => longFlags(command).includes(flag)));

function markdownFiles(dir: string): string[] {
    return readdirSync(join(ROOT, dir)).flatMap((name) => {
        const path = `${dir}/${name}`;
        if (statSync(join(ROOT, path)).isDirectory()) return markdownFiles(path);
        return name.endsWith('.md') ? [path] : [];
    });
}

/** Text outside fenced code blocks, where a link is a link. */
const prose = (text: string): string => text.replace(/^```[\s\S]*?^```/gm, '');

/** GitHub's anchors of a Markdown file's headings. */
function anchors(text: string): Set<string> {
    const seen = new Map<string, number>();
    const result = new Set<string>();
    for (const [, heading] of prose(text).matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
        const slug = heading!.toLowerCase().replace(/[^\p{L}\p{N}\- _]/gu, '').replace(/ /g, '-');
        const count = seen.get(slug) ?? 0;
        seen.set(slug, count + 1);
        result.add(count === 0 ? slug : `${slug}-${count}`);
    }
    return result;
}

describe('docs of the commands', () => {
    it.each(documented.map((command) => [command.name(), command] as const))('%s has its page, naming every flag and subcommand', (name, command) => {
        const page = pageOf(name);
        expect(existsSync(join(ROOT, page)), `${page} is missing`).toBe(true);
        const text = read(page);
        expect(text).toContain(`ferry ${name}`);
        const missing: string[] = [];
        const check = (cmd: Command): void => {
            for (const flag of longFlags(cmd)) if (!shared.includes(flag) && !text.includes(flag)) missing.push(flag);
            for (const sub of cmd.commands) {
                if (!text.includes(sub.name())) missing.push(`subcommand ${sub.name()}`);
                check(sub);
            }
        };
        check(command);
        expect(missing, `${page} does not mention`).toEqual([]);
    });

    it('the flags every command shares are on docs/environment.md', () => {
        expect(shared).toContain('--json');
        const text = read('docs/environment.md');
        expect(shared.filter((flag) => !text.includes(flag))).toEqual([]);
    });

    it('the README is a short entry point: the set-up commands, every command, the exit codes', () => {
        const readme = read('README.md');
        expect(Buffer.byteLength(readme)).toBeLessThan(6 * 1024);
        expect(readme).toContain('npm install\nnpm test\n');
        for (const command of program.commands) expect(readme, `README lacks ${command.name()}`).toContain(`\`${command.name()}`);
        for (const code of [0, 1, 10, 11, 12, 130]) expect(readme).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
    });
});

describe('links', () => {
    const files = ['README.md', 'bench/README.md', ...markdownFiles('docs')];

    it.each(files)('every relative link of %s resolves', (file) => {
        const text = read(file);
        const broken: string[] = [];
        for (const [, target] of prose(text).matchAll(/\]\(([^)\s]+)\)/g)) {
            if (/^[a-z][a-z+.-]*:/i.test(target!)) continue; // http:, https:, mailto:
            const [path, anchor] = target!.split('#') as [string, string | undefined];
            const absolute = path === '' ? join(ROOT, file) : resolve(dirname(join(ROOT, file)), decodeURI(path));
            if (!absolute.startsWith(ROOT) || !existsSync(absolute)) {
                broken.push(`${target} (no ${relative(ROOT, absolute)})`);
                continue;
            }
            if (anchor !== undefined && absolute.endsWith('.md') && !anchors(readFileSync(absolute, 'utf8')).has(anchor)) broken.push(`${target} (no heading #${anchor})`);
        }
        expect(broken).toEqual([]);
    });
});
