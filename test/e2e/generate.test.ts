/** `ferry generate`: new functions from templates, index.ts registration, and refusals that write nothing. */
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FERRY_BIN, makeTempDir, runFerry } from '../support/cli.js';
import { hashTree } from '../support/tree.js';
import { linkSdk, typeCheck } from '../fixtures/types/sdk-project.js';

let tmp: string;
let root: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
    ({ dir: tmp, cleanup } = await makeTempDir('ferry-generate-'));
    const init = await runFerry(['init', 'project', '--no-install'], { cwd: tmp });
    expect(init.code, init.stderr).toBe(0);
    root = join(tmp, 'project');
    await linkSdk(root);
});
afterAll(() => cleanup());

const index = (): Promise<string> => readFile(join(root, 'index.ts'), 'utf8');

describe('ferry generate', () => {
    it('creates a sync and appends its import to index.ts, other lines untouched', async () => {
        const before = await index();
        const result = await runFerry(['generate', 'sync', 'github', 'pull-requests'], { cwd: root });
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toContain('Created github/syncs/pull-requests.ts');
        const after = await index();
        expect(after).toBe(`${before}import './github/syncs/pull-requests.js';\n`);
        const source = await readFile(join(root, 'github/syncs/pull-requests.ts'), 'utf8');
        expect(source).toContain("from 'ferry'");
        expect(source).toContain("frequency: 'every hour'");
        expect(source).toContain('PullRequest = z.object({\n    id: z.string()');
        expect(source).toContain("nango.batchSave(records, 'PullRequest')");
        // node_modules/ferry is linked but nothing put a ferry command in node_modules/.bin: npx
        // would download another package, so the steps say `ferry`.
        expect(result.stdout).toContain(
            ['Next steps:', '  1. edit github/syncs/pull-requests.ts', '  2. ferry compile', '  3. ferry dryrun pull-requests <connection-id>', ''].join('\n')
        );
    });

    it('suggests `npx ferry` when Ferry is installed in the project or a folder above it', async () => {
        const mono = join(tmp, 'mono');
        const functions = join(mono, 'packages/functions');
        await mkdir(join(functions, '.nango'), { recursive: true });
        await writeFile(join(functions, 'index.ts'), '');
        await mkdir(join(mono, 'node_modules/.bin'), { recursive: true });
        await symlink(FERRY_BIN, join(mono, 'node_modules/.bin/ferry'));
        const result = await runFerry(['generate', 'action', 'github', 'close-issue'], { cwd: functions });
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toContain(`  2. npx ferry compile\n  3. npx ferry dryrun close-issue <connection-id> --input '{"id":"1"}'\n`);
        await rm(mono, { recursive: true });
    });

    it('creates an action from a subfolder of the project and reports JSON', async () => {
        const result = await runFerry(['generate', 'action', 'linear', 'create-ticket', '--json'], { cwd: join(root, 'github') });
        expect(result.code, result.stderr).toBe(0);
        expect(JSON.parse(result.stdout)).toEqual({
            root,
            kind: 'action',
            integration: 'linear',
            name: 'create-ticket',
            file: 'linear/actions/create-ticket.ts',
            indexUpdated: true
        });
        const source = await readFile(join(root, 'linear/actions/create-ticket.ts'), 'utf8');
        expect(source).toContain('input: CreateTicketInput');
        expect(source).toContain('output: CreateTicketOutput');
    });

    it('creates an on-event handler for the chosen event', async () => {
        const result = await runFerry(['generate', 'on-event', 'github', 'check-access', '--event', 'validate-connection'], { cwd: root });
        expect(result.code, result.stderr).toBe(0);
        expect(await readFile(join(root, 'github/on-events/check-access.ts'), 'utf8')).toContain("event: 'validate-connection'");
    });

    it('leaves index.ts alone when it already imports the new file', async () => {
        await writeFile(join(root, 'index.ts'), `${await index()}import './github/syncs/commits.js'; // planned\n`);
        const before = await index();
        const result = await runFerry(['generate', 'sync', 'github', 'commits', '--json'], { cwd: root });
        expect(result.code, result.stderr).toBe(0);
        expect(JSON.parse(result.stdout).indexUpdated).toBe(false);
        expect(await index()).toBe(before);
    });

    it('produces files that type-check with the rest of the project', () => {
        const check = typeCheck(root);
        expect(check.output).toBe('');
        expect(check.code).toBe(0);
    });

    it('produces functions that pass ferry compile (description, frequency, models with id, zod)', async () => {
        const result = await runFerry(['compile', '--json', '--no-typecheck'], { cwd: root });
        expect(result.code, result.stderr).toBe(0);
        const json = JSON.parse(result.stdout);
        expect(json.ok).toBe(true);
        const files = json.functions.map((f: { file: string }) => f.file);
        expect(files).toEqual(
            expect.arrayContaining(['github/syncs/pull-requests.ts', 'linear/actions/create-ticket.ts', 'github/on-events/check-access.ts', 'github/syncs/commits.ts'])
        );
    });

    it("imports from 'nango' in a Nango project", async () => {
        const nango = join(tmp, 'nango-project');
        await mkdir(join(nango, '.nango'), { recursive: true });
        await writeFile(join(nango, 'index.ts'), '');
        await writeFile(join(nango, 'package.json'), JSON.stringify({ devDependencies: { nango: '0.71.0', zod: '4.1.0' } }));
        const result = await runFerry(['generate', 'sync', 'hubspot', 'contacts'], { cwd: nango });
        expect(result.code, result.stderr).toBe(0);
        expect(await readFile(join(nango, 'hubspot/syncs/contacts.ts'), 'utf8')).toContain("import { createSync } from 'nango';");
        expect(await readFile(join(nango, 'index.ts'), 'utf8')).toBe("import './hubspot/syncs/contacts.js';\n");
        await rm(nango, { recursive: true });
    });

    it('adds the import with CRLF to an index.ts written with CRLF', async () => {
        const windows = join(tmp, 'crlf-project');
        await mkdir(join(windows, '.nango'), { recursive: true });
        const before = "// functions\r\nimport './github/syncs/issues.js';\r\n";
        await writeFile(join(windows, 'index.ts'), before);
        const result = await runFerry(['generate', 'action', 'github', 'close-issue'], { cwd: windows });
        expect(result.code, result.stderr).toBe(0);
        expect(await readFile(join(windows, 'index.ts'), 'utf8')).toBe(`${before}import './github/actions/close-issue.js';\r\n`);
        await rm(windows, { recursive: true });
    });
});

describe('ferry generate refusals change nothing', () => {
    const refusals: [string, string[], RegExp][] = [
        ['a name that is not kebab-case', ['generate', 'sync', 'github', 'PullRequests'], /name 'PullRequests' is not valid.*Try 'pull-requests'/],
        ['a name with an underscore', ['generate', 'action', 'github', 'create_issue'], /name 'create_issue' is not valid/],
        ['a name starting with a digit', ['generate', 'action', 'github', '2fa'], /name '2fa' is not valid/],
        ['an integration that is not kebab-case', ['generate', 'sync', 'Git Hub', 'issues-all'], /integration 'Git Hub' is not valid/],
        ['a reserved integration folder', ['generate', 'sync', 'build', 'issues-all'], /'build' cannot be an integration id/],
        ['an existing function of the same type', ['generate', 'sync', 'github', 'issues'], /github already has a function named 'issues' \(github\/syncs\/issues.ts\)/],
        ['an existing function of another type', ['generate', 'action', 'github', 'pull-requests'], /already has a function named 'pull-requests' \(github\/syncs\/pull-requests.ts\)/],
        ['an unknown kind', ['generate', 'webhook', 'github', 'push'], /'webhook' is not something generate makes/],
        ['a mistyped kind, with a suggestion', ['generate', 'acton', 'github', 'push'], /'acton' is not something generate makes\. Did you mean 'action'\?/],
        ['a missing name', ['generate', 'sync', 'github'], /needs an integration and a name/],
        ['an unknown event', ['generate', 'on-event', 'github', 'hello', '--event', 'connection-created'], /'connection-created' is not an event/]
    ];

    it.each(refusals)('refuses %s', async (_label, args, message) => {
        const before = await hashTree(root);
        const result = await runFerry(args, { cwd: root });
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(message);
        expect(result.stderr.trim().split('\n')).toHaveLength(1);
        expect(result.stdout).toBe('');
        expect(await hashTree(root)).toEqual(before);
    });

    it('reports a write failure in one line and leaves the project unchanged', async () => {
        await writeFile(join(root, 'notes'), 'a file where an integration folder would go\n');
        const before = await hashTree(root);
        const result = await runFerry(['generate', 'sync', 'notes', 'todo', '--json'], { cwd: root });
        expect(result.code).toBe(1);
        expect(JSON.parse(result.stdout).error.code).toBe('WRITE_FAILED');
        expect(result.stderr).toMatch(/^error could not write notes\/syncs\/todo.ts \(\w+\); nothing was written/);
        expect(await hashTree(root)).toEqual(before);
        await rm(join(root, 'notes'));
    });

    it('refuses a folder that is not a project', async () => {
        const outside = join(tmp, 'not-a-project');
        await mkdir(outside);
        await writeFile(join(outside, 'index.ts'), '');
        const before = await hashTree(tmp);
        const result = await runFerry(['generate', 'sync', 'github', 'issues', '--json'], { cwd: outside });
        expect(result.code).toBe(1);
        expect(JSON.parse(result.stdout).error.code).toBe('NOT_A_PROJECT');
        expect(result.stderr).toContain('ferry init');
        expect(await hashTree(tmp)).toEqual(before);
    });
});

describe('ferry generate tests', () => {
    it('hands over to the test generator and prints its result as JSON', async () => {
        // init wrote fixtures for the example sync and action.
        const result = await runFerry(['generate', 'tests', '--json'], { cwd: root });
        expect(result.code, result.stderr).toBe(0);
        const json = JSON.parse(result.stdout);
        expect(json).toMatchObject({ root, scriptAdded: true });
        expect([...json.written].sort()).toEqual(['github/tests/create-issue.replay.test.mjs', 'github/tests/issues.replay.test.mjs']);
        for (const file of json.written) expect(await readFile(join(root, file), 'utf8')).not.toBe('');
    });
});
