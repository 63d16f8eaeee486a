import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyClone, planClone } from '../../src/clone/clone.js';
import { createLimiter } from '../../src/clone/limit.js';
import type { SourceEntry, TemplateSource } from '../../src/clone/source.js';
import { parseTemplateSpec } from '../../src/clone/spec.js';
import { FerryError } from '../../src/errors.js';
import { makeTempDir } from '../support/cli.js';
import { TEMPLATE_TREE, type FakeTree } from '../support/fake-github.js';

/** An in-memory source that counts requests in flight. */
function memorySource(tree: FakeTree, delayMs = 2, flags: string[] = []): TemplateSource & { reads: string[]; maxInFlight: number } {
    let inFlight = 0;
    const track = async <T>(value: () => T): Promise<T> => {
        inFlight++;
        source.maxInFlight = Math.max(source.maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        inFlight--;
        return value();
    };
    const source = {
        label: 'memory',
        templatesDir: 'integrations',
        origin: { folder: 'memory' },
        flags,
        reads: [] as string[],
        maxInFlight: 0,
        list: (dir: string) =>
            track(() => {
                const prefix = `${dir}/`;
                const children = new Map<string, SourceEntry['kind']>();
                for (const path of Object.keys(tree)) {
                    if (!path.startsWith(prefix)) continue;
                    const [head, ...rest] = path.slice(prefix.length).split('/');
                    children.set(head!, rest.length > 0 ? 'dir' : 'file');
                }
                return children.size === 0 ? undefined : [...children].map(([name, kind]) => ({ name, kind }));
            }),
        read: (path: string) =>
            track(() => {
                source.reads.push(path);
                return tree[path] === undefined ? undefined : Buffer.from(tree[path]!);
            }),
        explainMissingRoot: async () => new Error('no templates'),
        abort: () => {},
        close: async () => {}
    };
    return source;
}

async function listFiles(dir: string, base = dir): Promise<string[]> {
    const out: string[] = [];
    for (const entry of await readdir(dir, { withFileTypes: true })) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) out.push(...(await listFiles(full, base)));
        else out.push(posix.relative(base.split('\\').join('/'), full.split('\\').join('/')));
    }
    return out.sort();
}

describe('planClone / applyClone', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    let n = 0;
    beforeAll(async () => ({ dir, cleanup } = await makeTempDir('ferry-clone-unit-')));
    afterAll(() => cleanup());

    const project = async (): Promise<{ root: string; indexFile: string }> => {
        const root = join(dir, `p${n++}`);
        await mkdir(join(root, '.nango'), { recursive: true });
        await writeFile(join(root, 'index.ts'), '// functions\n');
        return { root, indexFile: join(root, 'index.ts') };
    };

    it('brings a function and, recursively, every file it imports (index re-exports and type-only imports too)', async () => {
        const { root, indexFile } = await project();
        const source = memorySource(TEMPLATE_TREE);
        const plan = await planClone({ source, spec: parseTemplateSpec('github/actions/list-repos'), root, indexFile });
        expect(plan.files.map((f) => f.path)).toEqual([
            'github/actions/list-repos.ts',
            'github/helpers/constants.ts',
            'github/helpers/paginate.ts',
            'github/mappers/index.ts',
            'github/mappers/to-repo.ts',
            'github/models.ts',
            'github/types.ts'
        ]);
        expect(plan.files.every((f) => f.status === 'new')).toBe(true);
        expect(plan.register).toEqual(['github/actions/list-repos.ts']);
        expect(plan.warnings).toEqual([]);
        // Nothing is written by planning.
        expect(await listFiles(root)).toEqual(['index.ts']);

        const result = await applyClone(plan, { overwrite: false });
        expect(result.registered).toEqual(['github/actions/list-repos.ts']);
        expect(await readFile(indexFile, 'utf8')).toBe("// functions\nimport './github/actions/list-repos.js';\n");
        expect(await readFile(join(root, 'github/helpers/constants.ts'), 'utf8')).toBe(TEMPLATE_TREE['integrations/github/helpers/constants.ts']);
        // Each shared file is downloaded once although several files import it.
        const models = source.reads.filter((p) => p === 'integrations/github/models.ts');
        expect(models).toHaveLength(1);
    });

    it('follows import cycles without waiting on itself', async () => {
        const { root, indexFile } = await project();
        const tree: FakeTree = {
            'integrations/acme/actions/x.ts': "import { a } from '../helpers/a.js';\nexport default a;\n",
            'integrations/acme/helpers/a.ts': "import type { B } from './b.js';\nexport const a = (b: B) => b;\n",
            'integrations/acme/helpers/b.ts': "import { a } from './a.js';\nexport type B = Parameters<typeof a>[0] | string;\n"
        };
        const plan = await planClone({ source: memorySource(tree), spec: parseTemplateSpec('acme/actions/x'), root, indexFile });
        expect(plan.files.map((f) => f.path)).toEqual(['acme/actions/x.ts', 'acme/helpers/a.ts', 'acme/helpers/b.ts']);
    });

    it('keeps downloads within the concurrency bound', async () => {
        const { root, indexFile } = await project();
        const tree: FakeTree = { ...TEMPLATE_TREE };
        for (let i = 0; i < 30; i++) tree[`integrations/github/actions/a${i}.ts`] = `import '../helpers/paginate.js';\nexport default {};\n`;
        const source = memorySource(tree, 5);
        const plan = await planClone({ source, spec: parseTemplateSpec('github'), root, indexFile, concurrency: 4 });
        expect(source.maxInFlight).toBeLessThanOrEqual(4);
        expect(source.maxInFlight).toBeGreaterThan(1);
        expect(plan.register).toHaveLength(30 + 3 + 1);
    });

    it('marks identical files as skipped and different ones as conflicts, and refuses conflicts unless told', async () => {
        const { root, indexFile } = await project();
        await mkdir(join(root, 'github'), { recursive: true });
        await writeFile(join(root, 'github/models.ts'), TEMPLATE_TREE['integrations/github/models.ts']!);
        await writeFile(join(root, 'github/types.ts'), '// mine\n');
        const plan = await planClone({ source: memorySource(TEMPLATE_TREE), spec: parseTemplateSpec('github/actions/get-issue'), root, indexFile });
        expect(plan.files.map((f) => [f.path, f.status])).toEqual([
            ['github/actions/get-issue.ts', 'new'],
            ['github/models.ts', 'identical'],
            ['github/types.ts', 'conflict']
        ]);
        const refusal = await applyClone(plan, { overwrite: false }).catch((e: unknown) => e);
        expect(refusal).toBeInstanceOf(FerryError);
        expect((refusal as FerryError).code).toBe('CLONE_CONFLICT');
        expect((refusal as FerryError).details).toEqual({ conflicts: ['github/types.ts'] });
        expect(await readFile(join(root, 'github/types.ts'), 'utf8')).toBe('// mine\n');
        expect(await listFiles(root)).toEqual(['github/models.ts', 'github/types.ts', 'index.ts']);

        const result = await applyClone(plan, { overwrite: true });
        expect(result.written).toEqual(['github/actions/get-issue.ts', 'github/types.ts']);
        expect(result.skipped).toEqual(['github/models.ts']);
        expect(result.conflicts).toEqual(['github/types.ts']);
        expect(await readFile(join(root, 'github/types.ts'), 'utf8')).toBe(TEMPLATE_TREE['integrations/github/types.ts']);
    });

    it('registers a function once, even when cloned again', async () => {
        const { root, indexFile } = await project();
        const spec = parseTemplateSpec('github/syncs');
        await applyClone(await planClone({ source: memorySource(TEMPLATE_TREE), spec, root, indexFile }), { overwrite: false });
        const again = await applyClone(await planClone({ source: memorySource(TEMPLATE_TREE), spec, root, indexFile }), { overwrite: false });
        expect(again.written).toEqual([]);
        expect(again.registered).toEqual([]);
        expect((await readFile(indexFile, 'utf8')).match(/syncs\/issues\.js/g)).toHaveLength(1);
    });

    it('warns about imports it cannot bring along', async () => {
        const { root, indexFile } = await project();
        const tree: FakeTree = {
            'integrations/acme/actions/x.ts': [
                "import { createAction } from 'nango';",
                "import { z } from 'zod';",
                "import _ from 'lodash';",
                "import type { AxiosError } from 'axios';",
                "import { gone } from '../helpers/gone.js';",
                "import { shared } from '../../../shared/util.js';",
                "import { root } from '../../index.js';",
                "// import { commented } from '../helpers/commented.js';",
                "const s = \"import '../helpers/in-a-string.js'\";",
                'export default createAction({ description: s, input: z.object({}), output: z.object({}), exec: async () => ({ gone, shared, _, root }) });'
            ].join('\n'),
            'integrations/index.ts': "import './acme/actions/x.js';\n"
        };
        const source = memorySource(tree);
        const plan = await planClone({ source, spec: parseTemplateSpec('acme/actions/x'), root, indexFile });
        expect(plan.warnings.map((w) => w.code).sort()).toEqual(['IMPORT_NOT_FOUND', 'IMPORT_OUTSIDE_TEMPLATES', 'IMPORT_RESERVED_PATH', 'PACKAGE_NOT_BUNDLED']);
        expect(plan.files.map((f) => f.path)).toEqual(['acme/actions/x.ts']);
        expect(source.reads.some((p) => p.includes('commented') || p.includes('in-a-string'))).toBe(false);
    });

    it('suggests close names for an unknown template', async () => {
        const { root, indexFile } = await project();
        const error = (await planClone({ source: memorySource(TEMPLATE_TREE), spec: parseTemplateSpec('github/actions/list-repo'), root, indexFile }).catch(
            (e: unknown) => e
        )) as FerryError;
        expect(error.code).toBe('CLONE_TEMPLATE_NOT_FOUND');
        expect(error.hint).toContain("'github/actions/list-repos'");
        const integration = (await planClone({ source: memorySource(TEMPLATE_TREE), spec: parseTemplateSpec('githb'), root, indexFile }).catch(
            (e: unknown) => e
        )) as FerryError;
        expect(integration.hint).toContain("'github'");
        const misplaced = (await planClone({ source: memorySource(TEMPLATE_TREE), spec: parseTemplateSpec('github/syncs/list-repos'), root, indexFile }).catch(
            (e: unknown) => e
        )) as FerryError;
        expect(misplaced.hint).toContain("'github/actions/list-repos'");
    });

    it('names what a folder holds when nothing is close, repeating the source flags in the command', async () => {
        const { root, indexFile } = await project();
        const hintFor = async (template: string, flags: string[]): Promise<string | undefined> => {
            const error = await planClone({ source: memorySource(TEMPLATE_TREE, 0, flags), spec: parseTemplateSpec(template), root, indexFile }).catch((e: unknown) => e);
            expect((error as FerryError).code).toBe('CLONE_TEMPLATE_NOT_FOUND');
            return (error as FerryError).hint;
        };
        expect(await hintFor('github/syncs/zzzzzz', ['--from', '/tmp/templates'])).toBe(
            'The only sync there is issues: run `ferry clone github/syncs/issues --from /tmp/templates`.'
        );
        expect(await hintFor('github/actions/zzzzzz', ['--repo', 'acme/templates', '--ref', 'v2'])).toBe(
            'Run `ferry clone github/actions --repo acme/templates --ref v2` to clone all 2, or pick one of: get-issue, list-repos.'
        );
        // A folder with a space or a quote pastes back as one word.
        expect(await hintFor('github/syncs/zzzzzz', ['--from', "/tmp/my templates/it's"])).toBe(
            `The only sync there is issues: run \`ferry clone github/syncs/issues --from '/tmp/my templates/it'\\''s'\`.`
        );
    });
});

describe('createLimiter', () => {
    it('never runs more than the bound at once, even as tasks keep arriving', async () => {
        const limit = createLimiter(3);
        let active = 0;
        let max = 0;
        const task = async (): Promise<void> => {
            active++;
            max = Math.max(max, active);
            await new Promise((resolve) => setTimeout(resolve, 1));
            active--;
        };
        await Promise.all(Array.from({ length: 40 }, () => limit(task)));
        expect(max).toBe(3);
    });
});
