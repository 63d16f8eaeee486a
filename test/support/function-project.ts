import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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
    await mkdir(join(root, '.nango'), { recursive: true });
    await mkdir(join(root, 'node_modules'), { recursive: true });
    await symlink(join(REPO_ROOT, 'node_modules/zod'), join(root, 'node_modules/zod'), 'dir');
    await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'fns', type: 'module', private: true }));
    await writeFile(join(root, 'index.ts'), Object.keys(files).map((rel) => `import './${rel.replace(/\.ts$/, '.js')}';`).join('\n') + '\n');
}
