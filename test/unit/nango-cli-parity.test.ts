/**
 * Every command and flag of the `nango` CLI (test/fixtures/nango-cli.json, taken from nango's own
 * help: see test/fixtures/derive-nango-cli.mjs) is accepted by Ferry's parser, takes a value
 * where nango's does, and maps to the options with nango's meaning.
 */
import { readFileSync } from 'node:fs';
import { Command, type Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, type CommandName } from '../../src/cli.js';

interface NangoOption {
    flags: string[];
    value: 'none' | 'required' | 'optional';
    choices?: string[];
}
interface NangoCommand {
    name: string;
    args: string[];
    options: NangoOption[];
}
const nango = JSON.parse(readFileSync(new URL('../fixtures/nango-cli.json', import.meta.url), 'utf8')) as { nangoVersion: string; commands: NangoCommand[]; globalOptions: NangoOption[] };

/** Parses one command line; returns the command that ran and its options, or the parse error. */
async function parse(argv: string[]): Promise<{ name?: CommandName; options?: Record<string, unknown>; error?: string }> {
    let ran: { name: CommandName; options: Record<string, unknown> } | undefined;
    let error = '';
    const program = buildProgram(
        new Command(),
        {},
        () => undefined,
        (text) => {
            error += text;
        },
        (name, options) => {
            ran = { name, options: options as Record<string, unknown> };
        }
    );
    try {
        await program.parseAsync(argv, { from: 'user' });
    } catch (e) {
        return { error: error || (e as Error).message };
    }
    return ran ?? { error: 'nothing ran' };
}

const ferry = buildProgram(new Command(), {}, () => undefined, () => undefined, () => undefined);
const findCommand = (name: string): Command | undefined => ferry.commands.find((c) => c.name() === name || c.aliases().includes(name));
const findOption = (command: Command, flag: string): Option | undefined => command.options.find((o) => o.long === flag || o.short === flag);

describe(`every nango ${nango.nangoVersion} command and flag is Ferry's too`, () => {
    it('the fixture lists the commands nango has', () => {
        expect(nango.commands.map((c) => c.name)).toEqual(expect.arrayContaining(['init', 'create', 'compile', 'dryrun', 'dev', 'deploy', 'generate:docs', 'generate:tests', 'clone', 'pull', 'version', 'migrate-to-zero-yaml']));
    });

    for (const command of nango.commands) {
        describe(command.name, () => {
            it('is a command', () => {
                expect(findCommand(command.name), `ferry has no command ${command.name}`).toBeDefined();
            });
            for (const option of command.options) {
                it(`accepts ${option.flags.join(', ')}${option.value === 'none' ? '' : ' <value>'}`, async () => {
                    const ours = findCommand(command.name)!;
                    for (const flag of option.flags) {
                        const found = findOption(ours, flag);
                        expect(found, `${command.name} has no ${flag}`).toBeDefined();
                        const takesValue = Boolean(found!.required || found!.optional);
                        expect(takesValue, `${command.name} ${flag}: nango's takes ${option.value === 'none' ? 'no value' : 'a value'}`).toBe(option.value !== 'none');
                        if (option.choices) expect(found!.argChoices).toEqual(option.choices);
                        // And a command line with it parses (positionals filled with placeholders).
                        const positionals = command.args.filter((a) => a.startsWith('<')).map((_, i) => `arg${i}`);
                        const lead = command.name === 'dryrun' || command.name === 'pull' ? ['one', 'two'] : positionals;
                        const value = option.value === 'none' ? [] : [option.choices?.[0] ?? 'x'];
                        const parsed = await parse([command.name, ...lead, flag, ...value]);
                        expect(parsed.error, `ferry ${command.name} ${flag}`).toBeUndefined();
                    }
                });
            }
        });
    }

    it('nango -v prints the version, as ferry -V does', async () => {
        expect(nango.globalOptions.flatMap((o) => o.flags)).toEqual(['-v', '--version']);
        const { main } = await import('../../src/cli.js');
        const writes: string[] = [];
        const original = process.stdout.write.bind(process.stdout);
        process.stdout.write = ((chunk: string) => writes.push(String(chunk)) > 0) as typeof process.stdout.write;
        try {
            expect(await main(['-v'])).toBe(0);
        } finally {
            process.stdout.write = original;
        }
        expect(writes.join('')).toMatch(/^\d+\.\d+\.\d+/);
    });
});

describe("nango's spellings mean what they mean in nango", () => {
    it('dryrun --validation and --save-responses are --validate and --save; --diagnostics, --sourcemap and --auto-confirm are taken', async () => {
        const { options } = await parse(['dryrun', 'issues', 'conn-1', '--validation', '--save-responses', '--diagnostics', '--sourcemap', 'false', '--auto-confirm']);
        expect(options).toMatchObject({ functionName: 'issues', connectionId: 'conn-1', validate: true, save: true, diagnostics: true, sourcemap: false });
        expect((await parse(['dryrun', 'issues', 'conn-1', '--validate', '--save'])).options).toMatchObject({ validate: true, save: true, sourcemap: true });
    });

    it('the help shows the alias beside Ferry\'s name', () => {
        const help = findCommand('dryrun')!.helpInformation();
        expect(help).toContain('--validate, --validation');
        expect(help).toContain('--save, --save-responses');
    });

    it('deploy -v stamps a version; --sourcemap false is passed on', async () => {
        expect((await parse(['deploy', 'prod', '-v', '1.2.3', '--sourcemap', 'false'])).options).toMatchObject({ positionalEnvironment: 'prod', version: '1.2.3', sourcemap: false });
    });

    it('compile --sourcemap inline is the default', async () => {
        expect((await parse(['compile'])).options).toMatchObject({ sourcemap: true });
        expect((await parse(['compile', '--sourcemap', 'false'])).options).toMatchObject({ sourcemap: false });
        expect((await parse(['compile', '--sourcemap', 'external'])).error).toMatch(/sourcemap/);
    });

    it('clone -f is --force', async () => {
        expect((await parse(['clone', 'github', '-f'])).options).toMatchObject({ template: 'github', force: true });
    });

    it('init --copy and --no-dependency-update install nothing', async () => {
        expect((await parse(['init', 'x', '--copy'])).options).toMatchObject({ dir: 'x', install: false });
        expect((await parse(['init', 'x', '--no-dependency-update'])).options).toMatchObject({ install: false });
        expect((await parse(['init', 'x'])).options).toMatchObject({ install: true });
    });

    it('create --sync|--action|--on-event is generate <kind>', async () => {
        expect(await parse(['create', 'github', 'issues', '--sync'])).toMatchObject({ name: 'generate', options: { kind: 'sync', integration: 'github', name: 'issues', via: 'create' } });
        expect((await parse(['create', 'github', 'add', '--action'])).options).toMatchObject({ kind: 'action' });
        expect((await parse(['create', 'github', 'check', '--on-event'])).options).toMatchObject({ kind: 'on-event' });
    });

    it('generate:tests -i/-s/-a filter the fixtures', async () => {
        expect(await parse(['generate:tests', '-i', 'github', '-s', 'issues', '-a', 'add'])).toMatchObject({ name: 'generate', options: { kind: 'tests', onlyIntegration: 'github', onlySync: 'issues', onlyAction: 'add' } });
    });

    it('pull -e/-c/-s/-a/--on-event/-f', async () => {
        expect((await parse(['pull', 'github', 'issues', '-e', 'prod', '-s', '-f'])).options).toMatchObject({ integration: 'github', name: 'issues', environment: 'prod', types: ['sync'], force: true, catalog: false });
        expect((await parse(['pull', 'github', 'issues', '-c', '-a'])).options).toMatchObject({ catalog: true, types: ['action'], environment: undefined });
        expect((await parse(['pull', 'github', 'issues', '--on-event'])).options).toMatchObject({ types: ['on-event'] });
    });

    it('generate:docs -p and --integration-templates', async () => {
        expect(await parse(['generate:docs', '-p', 'docs', '--integration-templates'])).toMatchObject({ name: 'generate:docs', options: { path: 'docs', templatesLayout: true } });
    });
});
