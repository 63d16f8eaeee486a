/**
 * `ferry generate:docs`: reads the manifest and writes one page per integration. Every page is
 * planned before any is written, and each is written atomically.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { FerryError } from '../errors.js';
import { MANIFEST_PATH } from '../compiler/layout.js';
import type { Manifest } from '../compiler/types.js';
import { findProjectRoot } from '../project/project.js';
import { writeFilesAtomic } from '../util/fs.js';
import { mergePage, renderIntegrationPage } from './render.js';

interface GenerateDocsOptions {
    cwd: string;
    /** -p: folder for the pages, relative to the project root; default each integration's folder. */
    path?: string;
    /** --integration-templates: pages named README.md in each integration's folder. */
    templatesLayout?: boolean;
}

interface GenerateDocsResult {
    root: string;
    /** Project-relative paths, one per integration. */
    written: string[];
    unchanged: string[];
}

async function readManifest(root: string): Promise<Manifest> {
    const file = join(root, MANIFEST_PATH);
    let text: string;
    try {
        text = await readFile(file, 'utf8');
    } catch {
        throw new FerryError({ code: 'NO_MANIFEST', message: `${MANIFEST_PATH} does not exist yet`, hint: 'Run `ferry compile` first: the pages are made from the manifest it writes.' });
    }
    try {
        const manifest = JSON.parse(text) as unknown;
        if (!Array.isArray(manifest)) throw new Error('not an array');
        return manifest as Manifest;
    } catch (error) {
        throw new FerryError({ code: 'BAD_MANIFEST', message: `${MANIFEST_PATH} is not a manifest (${(error as Error).message})`, hint: 'Run `ferry compile` to write it again.' });
    }
}

function pagePath(root: string, integration: string, options: GenerateDocsOptions): string {
    if (options.path !== undefined) {
        const folder = resolve(root, options.path.replace(/^\/+/, ''));
        if (isAbsolute(relative(root, folder)) || relative(root, folder).startsWith('..')) {
            throw new FerryError({ code: 'USAGE', message: `--path ${options.path} is outside the project`, hint: 'Give a folder inside the project, e.g. -p docs.' });
        }
        return join(folder, `${integration}.md`);
    }
    return join(root, integration, options.templatesLayout ? 'README.md' : `${integration}.md`);
}

export async function generateDocs(options: GenerateDocsOptions): Promise<GenerateDocsResult> {
    const root = findProjectRoot(options.cwd);
    const manifest = await readManifest(root);
    const planned = await Promise.all(
        manifest.map(async (entry) => {
            const path = pagePath(root, entry.providerConfigKey, options);
            const existing = existsSync(path) ? await readFile(path, 'utf8') : undefined;
            const content = mergePage(renderIntegrationPage(entry), existing);
            return { path, content, changed: content !== existing };
        })
    );
    await writeFilesAtomic(planned.filter((page) => page.changed).map(({ path, content }) => ({ path, content })));
    const rel = (path: string): string => relative(root, path).split('\\').join('/');
    return { root, written: planned.filter((p) => p.changed).map((p) => rel(p.path)), unchanged: planned.filter((p) => !p.changed).map((p) => rel(p.path)) };
}
