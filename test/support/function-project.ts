import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { REPO_ROOT } from './cli.js';

/**
 * A functions project in `root`: each file of `files` (path relative to the project -> source),
 * all of them imported by index.ts, an ESM package.json, `.nango/`, and Ferry's own zod linked
 * into node_modules.
 */
export async function writeFunctionProject(root: string, files: Record<string, string>): Promise<void> {
    for (const [rel, source] of Object.entries(files)) {
        await mkdir(dirname(join(root, rel)), { recursive: true });
        await writeFile(join(root, rel), source.trimStart());
    }
    await addProjectSetup(root);
    await writeFile(join(root, 'index.ts'), Object.keys(files).map((rel) => `import './${rel.replace(/\.ts$/, '.js')}';`).join('\n') + '\n');
}

/** The function projects e2e tests run, each a folder of type-checked sources. */
export const FIXTURE_PROJECTS = join(REPO_ROOT, 'test/fixtures/projects');

/** The text of `rel` in the fixture project `name`. */
export function readFixture(name: string, rel: string): Promise<string> {
    return readFile(join(FIXTURE_PROJECTS, name, rel), 'utf8');
}

/** Every file of the fixture project `name`: path relative to the project -> text. */
export async function readFixtureFiles(name: string): Promise<Record<string, string>> {
    const root = join(FIXTURE_PROJECTS, name);
    const paths = (await readdir(root, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
    const files: Record<string, string> = {};
    // Sorted: the order readdir gives depends on the file system.
    for (const path of paths.sort()) files[relative(root, path)] = await readFile(path, 'utf8');
    return files;
}

/**
 * The fixture project test/fixtures/projects/`name` copied into `root` (its own index.ts says
 * which functions are registered), with what writeFunctionProject adds beside the sources.
 */
export async function copyFixtureProject(name: string, root: string): Promise<void> {
    await copyFixture(name, root);
    await addProjectSetup(root);
}

/** The files of the fixture project `name` copied into `root`, and nothing else. */
export async function copyFixture(name: string, root: string): Promise<void> {
    await cp(join(FIXTURE_PROJECTS, name), root, { recursive: true });
}

/** `.nango/`, Ferry's own zod linked into node_modules, and an ESM package.json unless the project has one. */
export async function addProjectSetup(root: string): Promise<void> {
    await mkdir(join(root, '.nango'), { recursive: true });
    await mkdir(join(root, 'node_modules'), { recursive: true });
    await symlink(join(REPO_ROOT, 'node_modules/zod'), join(root, 'node_modules/zod'), 'dir');
    if (!existsSync(join(root, 'package.json'))) await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'fns', type: 'module', private: true }));
}
