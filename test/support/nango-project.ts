/**
 * Test projects laid out the way real Nango projects are: their own package.json ("type":
 * "module"), a tsconfig that includes every .ts file, their own pinned zod 4.3.6 and @types/node
 * (linked from Ferry's devDependencies: `zod-4.3.6` is npm's zod@4.3.6, while Ferry itself uses a
 * newer 4.x), so nothing is downloaded while tests run.
 */
import { cp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './cli.js';

export const PROJECT_ZOD = join(REPO_ROOT, 'node_modules/zod-4.3.6');
export const PROJECT_TYPES_NODE = join(REPO_ROOT, 'node_modules/@types/node');

/** The strictness options of the tsconfig `nango init` writes, which function code must pass. */
export const NANGO_STRICT_TSCONFIG = {
    include: ['index.ts', '**/*.ts'],
    exclude: ['node_modules', 'dist', 'build', '.nango'],
    compilerOptions: {
        module: 'node16',
        moduleResolution: 'node16',
        target: 'esnext',
        strict: true,
        skipLibCheck: true,
        exactOptionalPropertyTypes: true,
        noPropertyAccessFromIndexSignature: true,
        noUncheckedIndexedAccess: true,
        noUnusedLocals: true,
        noEmit: true
    }
};

export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
    for (const [rel, text] of Object.entries(files)) {
        await mkdir(dirname(join(root, rel)), { recursive: true });
        await writeFile(join(root, rel), text);
    }
}

/** `<root>/<rel>` as a symlink to the folder `target`. */
export async function linkFolder(root: string, rel: string, target: string): Promise<void> {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await symlink(target, join(root, rel), 'dir');
}

/**
 * test/fixtures/projects/nango-manifest copied into `root` without what Nango's CLI was recorded
 * writing and sending for it, with Nango's own package (nango-reference) and zod 4.3.6 linked in.
 */
export async function copyNangoManifestProject(root: string): Promise<void> {
    const recorded = /nango-(written|deploy-bodies)\.json$/;
    await cp(join(REPO_ROOT, 'test/fixtures/projects/nango-manifest'), root, { recursive: true, filter: (source) => !recorded.test(source) });
    await linkFolder(root, 'node_modules/zod', PROJECT_ZOD);
    await linkFolder(root, 'node_modules/nango', join(REPO_ROOT, 'node_modules/nango-reference'));
}

export interface NangoProjectOptions {
    /** The project's zod folder; false for none. Default zod 4.3.6. */
    zod?: string | false;
    /** Install @types/node (default true). */
    typesNode?: boolean;
    tsconfig?: object;
    devDependencies?: Record<string, string>;
}

/** Writes a Nango-style project with `files` into `root` (a .nango folder included). */
export async function writeNangoProject(root: string, files: Record<string, string>, options: NangoProjectOptions = {}): Promise<void> {
    const devDependencies = { ...(options.zod === false ? {} : { zod: '4.3.6' }), ...(options.typesNode === false ? {} : { '@types/node': '^20' }), ...options.devDependencies };
    await writeFiles(root, {
        'package.json': JSON.stringify({ name: 'integrations', private: true, type: 'module', devDependencies }, null, 2),
        'tsconfig.json': JSON.stringify(options.tsconfig ?? NANGO_STRICT_TSCONFIG, null, 2),
        ...files
    });
    await mkdir(join(root, '.nango'), { recursive: true });
    if (options.zod !== false) await linkFolder(root, 'node_modules/zod', options.zod ?? PROJECT_ZOD);
    if (options.typesNode !== false) await linkFolder(root, 'node_modules/@types/node', PROJECT_TYPES_NODE);
}
