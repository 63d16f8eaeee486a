/** AGENTS.md: small enough to be read whole, marked as Ferry's, refreshed only when Ferry wrote it. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAgents } from '../../src/scaffold/generate.js';
import { AGENTS_MARKER, agentsFile, isFerryAgentsFile } from '../../src/templates/agents.js';
import { projectFiles } from '../../src/templates/project.js';
import { makeTempDir } from '../support/cli.js';

let tmp: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: tmp, cleanup } = await makeTempDir('ferry-agents-')));
afterAll(() => cleanup());

describe('the AGENTS.md text', () => {
    it.each(['ferry', 'nango'])('is under 8 KB, so an agent reads it whole (SDK %s)', (sdk) => {
        expect(Buffer.byteLength(agentsFile({ sdk }), 'utf8')).toBeLessThan(8 * 1024);
    });

    it('starts with the marker and imports from the project’s SDK module', () => {
        const text = agentsFile({ sdk: 'nango' });
        expect(text.split('\n')[0]).toBe(AGENTS_MARKER);
        expect(isFerryAgentsFile(text)).toBe(true);
        expect(text).toContain("import { createAction } from 'nango';");
        expect(text).not.toContain("from 'ferry'");
    });

    it('covers the layout, each function type, registration, the loop, exit codes and what never to do', () => {
        const text = agentsFile({ sdk: 'ferry' });
        for (const needle of ['index.ts', 'createSync', 'createAction', 'createOnEvent', 'batchSave', 'ferry generate action', 'ferry compile --json', 'ferry dryrun', 'ferry test --json', '10 compile errors', '12 the dry run failed', 'Commit `.env`', 'ferry deploy --dry-run']) {
            expect(text).toContain(needle);
        }
    });

    it('is a file of every new project', () => {
        const files = projectFiles({ name: 'p', ferrySpec: '^0.1.0', zodRange: '^4.0.0' });
        expect(files.find((f) => f.path === 'AGENTS.md')?.content).toBe(agentsFile({ sdk: 'ferry' }));
    });

    it('tells Ferry’s file from a user’s', () => {
        expect(isFerryAgentsFile(`\uFEFF${AGENTS_MARKER}\r\n# x`)).toBe(true);
        expect(isFerryAgentsFile('# Our agent rules\n')).toBe(false);
        expect(isFerryAgentsFile(`# Ours\n${AGENTS_MARKER}\n`)).toBe(false);
    });
});

describe('generateAgents', () => {
    const project = async (name: string, pkg: Record<string, unknown> = {}): Promise<string> => {
        const root = join(tmp, name);
        await mkdir(join(root, '.nango'), { recursive: true });
        await writeFile(join(root, 'index.ts'), '');
        await writeFile(join(root, 'package.json'), JSON.stringify(pkg));
        return root;
    };

    it('writes AGENTS.md, then finds it up to date, for the SDK the project depends on', async () => {
        const root = await project('nango-project', { devDependencies: { nango: '0.71.10' } });
        expect(await generateAgents({ cwd: root })).toEqual({ root, file: 'AGENTS.md', status: 'written' });
        expect(await readFile(join(root, 'AGENTS.md'), 'utf8')).toBe(agentsFile({ sdk: 'nango' }));
        expect((await generateAgents({ cwd: join(root, '.nango') })).status).toBe('unchanged');
    });

    it('refreshes an older text Ferry wrote', async () => {
        const root = await project('stale');
        await writeFile(join(root, 'AGENTS.md'), `${AGENTS_MARKER}\n# an older version\n`);
        expect((await generateAgents({ cwd: root })).status).toBe('refreshed');
        expect(await readFile(join(root, 'AGENTS.md'), 'utf8')).toBe(agentsFile({ sdk: 'ferry' }));
    });

    it('leaves a user’s own AGENTS.md as it is and says so', async () => {
        const root = await project('own');
        await writeFile(join(root, 'AGENTS.md'), '# Our rules\n');
        expect((await generateAgents({ cwd: root })).status).toBe('kept');
        expect(await readFile(join(root, 'AGENTS.md'), 'utf8')).toBe('# Our rules\n');
    });

    it('refuses outside a project', async () => {
        await expect(generateAgents({ cwd: tmp })).rejects.toMatchObject({ code: 'NOT_A_PROJECT' });
    });
});
