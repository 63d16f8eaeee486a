/**
 * The completion table (derived by src/completion/spec.ts from the commands' definitions) covers
 * every command, subcommand and flag of the real parser, with the same value-taking; and the
 * engine's answers in a small project.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram, COMMANDS as DEFINITIONS } from '../../src/cli.js';
import { complete } from '../../src/completion/complete.js';
import { completionTable, type CommandSpec } from '../../src/completion/spec.js';
import { makeTempDir } from '../support/cli.js';

const program = buildProgram(new Command(), {}, () => undefined, () => undefined, () => undefined);
const COMMANDS = completionTable(DEFINITIONS);

function checkCommand(command: Command, spec: CommandSpec | undefined, path: string): void {
    expect(spec, `completion has no ${path}`).toBeDefined();
    for (const option of command.options) {
        for (const flag of [option.short, option.long].filter((f): f is string => Boolean(f))) {
            expect(flag in spec!.flags, `completion of ${path} lacks ${flag}`).toBe(true);
            const takesValue = Boolean(option.required || option.optional);
            expect(spec!.flags[flag] !== null, `completion of ${path} ${flag}: ${takesValue ? 'takes' : 'takes no'} value`).toBe(takesValue);
        }
    }
    for (const sub of command.commands) checkCommand(sub, spec!.subcommands?.[sub.name()], `${path} ${sub.name()}`);
}

describe('ferry completion', () => {
    it("the table holds every command and flag of the parser, taking a value where the parser's does", () => {
        for (const command of program.commands) checkCommand(command, COMMANDS[command.name()], command.name());
    });

    describe('answers from a project', () => {
        let dir: string;
        let cleanup: () => Promise<void>;
        beforeAll(async () => {
            ({ dir, cleanup } = await makeTempDir('ferry-completion-'));
            await mkdir(join(dir, '.nango'));
            await mkdir(join(dir, 'github'));
            await writeFile(join(dir, 'index.ts'), "import './github/syncs/issues.js';\nimport './slack/actions/post-message.js';\n// import './x/syncs/commented.js';\n");
            await writeFile(join(dir, '.env'), 'NANGO_SECRET_KEY_STAGING=x\nexport NANGO_SECRET_KEY_QA=y\n');
        });
        afterAll(() => cleanup?.());

        it('commands, subcommands, flags, functions, integrations, environments, flag values', () => {
            const ask = (...words: string[]) => complete(words, join(dir, 'github'), { NANGO_SECRET_KEY_CI: 'z' }, COMMANDS);
            expect(ask('gen')).toEqual(['generate', 'generate:docs', 'generate:tests']);
            expect(ask('dryrun', '')).toEqual(['issues', 'post-message']);
            expect(ask('dryrun', 'issues', 'conn', '')).toEqual([]);
            expect(ask('dryrun', 'issues', 'conn', '--environment', '')).toEqual(['ci', 'dev', 'local', 'prod', 'qa', 'staging']);
            expect(ask('dryrun', '--sourcemap', '')).toEqual(['false', 'inline']);
            expect(ask('pull', '')).toEqual(['github', 'slack']);
            expect(ask('pull', 'github', 'i')).toEqual(['issues']);
            expect(ask('connections', 'get', '')).toEqual(['github', 'slack']);
            expect(ask('deploy', '-')).toContain('--allow-destructive');
            expect(ask('nope', '')).toEqual([]);
            expect(complete(['dryrun', ''], '/', {}, COMMANDS)).toEqual([]);
        });
    });
});
