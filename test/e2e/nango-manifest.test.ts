/**
 * `.nango/nango.json` as Nango writes it: test/fixtures/projects/nango-manifest/nango-written.json
 * is what the real `nango compile` (0.71.10) wrote for that project (its README says how); Ferry
 * must write the same file for the same project.
 */
import { cp, mkdir, readFile, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, makeTempDir, runFerry } from '../support/cli.js';

const FIXTURE = join(REPO_ROOT, 'test/fixtures/projects/nango-manifest');

interface Integration {
    providerConfigKey: string;
    syncs: { name: string; type: string }[];
    actions: { name: string; type: string }[];
    onEventScripts: Record<string, string[]>;
}

describe('ferry compile writes the manifest nango compile writes', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    let written: string;
    let expected: string;
    let json: { ok: boolean; errors: unknown[]; warnings: { file: string; code: string; severity: string; message: string }[] };

    beforeAll(async () => {
        ({ dir, cleanup } = await makeTempDir('ferry-nango-manifest-'));
        await cp(FIXTURE, dir, { recursive: true, filter: (source) => !source.endsWith('nango-written.json') });
        // The project as Nango compiled it: its own zod 4.3.6 and the nango package installed.
        await mkdir(join(dir, 'node_modules'));
        await symlink(join(REPO_ROOT, 'node_modules/zod-4.3.6'), join(dir, 'node_modules/zod'), 'dir');
        await symlink(join(REPO_ROOT, 'node_modules/nango-reference'), join(dir, 'node_modules/nango'), 'dir');
        const result = await runFerry(['compile', '--json'], { cwd: dir, timeoutMs: 120_000 });
        expect(result.stderr).not.toContain('error');
        expect(result.code).toBe(0);
        json = JSON.parse(result.stdout) as typeof json;
        written = await readFile(join(dir, '.nango/nango.json'), 'utf8');
        expected = await readFile(join(FIXTURE, 'nango-written.json'), 'utf8');
    }, 150_000);

    afterAll(async () => {
        await cleanup?.();
    });

    it('has the same integrations, functions and on-event scripts, in the same order', () => {
        const shape = (text: string) =>
            (JSON.parse(text) as Integration[]).map((i) => ({
                key: i.providerConfigKey,
                fields: Object.keys(i),
                syncs: i.syncs.map((s) => s.name),
                actions: i.actions.map((a) => a.name),
                onEventScripts: i.onEventScripts
            }));
        expect(shape(written)).toEqual(shape(expected));
    });

    it('writes every function entry as Nango does, field for field and in order', () => {
        const entries = (text: string) =>
            (JSON.parse(text) as Integration[]).flatMap((i) => [...i.syncs, ...i.actions].map((entry) => [`${i.providerConfigKey}/${entry.type}/${entry.name}`, entry] as const));
        const ours = new Map(entries(written));
        for (const [key, entry] of entries(expected)) {
            expect(ours.get(key), key).toEqual(entry);
            expect(Object.keys(ours.get(key) ?? {}), key).toEqual(Object.keys(entry));
            expect(JSON.stringify(ours.get(key)), key).toBe(JSON.stringify(entry));
        }
        expect(ours.size).toBe(entries(expected).length);
    });

    it("warns, without failing, where Nango warns (trackDeletes) and where Ferry checks beyond Nango (a sync and an action sharing a name)", () => {
        expect(json.ok).toBe(true);
        expect(json.errors).toEqual([]);
        expect(json.warnings.map((w) => `${w.file} ${w.code} ${w.severity}`)).toEqual([
            'github/syncs/pull-requests.ts TRACK_DELETES_DEPRECATED warning',
            'my-crm/actions/contacts.ts SHARED_NAME warning'
        ]);
    });

    it('is the same file, byte for byte', () => {
        expect(written).toBe(expected);
    });

    it("follows the project's zod: another version rebuilds every function with that zod's JSON Schemas", async () => {
        const zod = join(dir, 'node_modules/zod');
        try {
            await rm(zod);
            // Ferry's own zod, a newer 4.x, writes a nullable field as a type list where 4.3.6 writes anyOf.
            await symlink(join(REPO_ROOT, 'node_modules/zod'), zod, 'dir');
            const newer = await runFerry(['compile', '--json', '--no-typecheck'], { cwd: dir, timeoutMs: 120_000 });
            expect(newer.code).toBe(0);
            expect((JSON.parse(newer.stdout) as { functions: { cached: boolean }[] }).functions.every((f) => !f.cached)).toBe(true);
            const manifest = await readFile(join(dir, '.nango/nango.json'), 'utf8');
            expect(manifest).not.toBe(expected);
            expect(manifest).toContain('"type": [');
        } finally {
            await rm(zod);
            await symlink(join(REPO_ROOT, 'node_modules/zod-4.3.6'), zod, 'dir');
        }
        const back = await runFerry(['compile', '--no-typecheck'], { cwd: dir, timeoutMs: 120_000 });
        expect(back.code).toBe(0);
        expect(await readFile(join(dir, '.nango/nango.json'), 'utf8')).toBe(expected);
    });

    it('keeps the file as it is on a warm compile', async () => {
        const again = await runFerry(['compile'], { cwd: dir, timeoutMs: 120_000 });
        expect(again.code).toBe(0);
        expect(await readFile(join(dir, '.nango/nango.json'), 'utf8')).toBe(expected);
        await rm(join(dir, '.nango/nango.json'));
        const cold = await runFerry(['compile', '--no-cache'], { cwd: dir, timeoutMs: 120_000 });
        expect(cold.code).toBe(0);
        expect(await readFile(join(dir, '.nango/nango.json'), 'utf8')).toBe(expected);
    });
});
