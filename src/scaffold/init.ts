/** `ferry init`: a new functions project with a working example, then its dependencies. */
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { errnoCode, FerryError } from '../errors.js';
import { ENV_FILE, GITIGNORE_FILE, mergeGitignore, projectFiles } from '../templates/project.js';
import { ferryDependencySpec, findCliPackage, type CliPackage } from './cli-package.js';
import { detectPackageManager, installCommandLine, runInstall, type PackageManager } from './package-manager.js';
import { writeTree, type StagedFile } from './staging.js';
import { withImports, relPathToSpecifier } from '../project/index-file.js';

interface InitOptions {
    cwd: string;
    dir: string;
    force: boolean;
    install: boolean;
    env: NodeJS.ProcessEnv;
    /** Where the package manager's output goes. */
    installOutput: 'inherit-stderr' | 'ignore';
    /** Called before the install starts (it can take a while). */
    onInstallStart?: (command: string) => void;
    cli?: CliPackage;
}

export interface InitResult {
    root: string;
    /** Files written, relative to root, with forward slashes. */
    files: string[];
    /** With --force: files that were there already and were kept as they were. */
    kept: string[];
    /** With --force over an index.ts: the example functions written and registered in it. */
    registered?: string[];
    /** The imports index.ts still needs, when Ferry could not add them itself (it did not parse). */
    importsToAdd?: string[];
    installed: boolean;
    packageManager: PackageManager;
    /** Set when the install was skipped or failed: what to run by hand. */
    installCommand?: string;
    /** Why the install failed. */
    installError?: string;
}

export async function initProject(options: InitOptions): Promise<InitResult> {
    const root = resolve(options.cwd, options.dir);
    const existing = await listTarget(root);
    if (existing.length > 0 && !options.force) {
        const shown = existing.slice(0, 3).join(', ') + (existing.length > 3 ? `, and ${existing.length - 3} more` : '');
        throw new FerryError({
            code: 'TARGET_NOT_EMPTY',
            message: `${root} is not empty (${shown}); nothing was written`,
            hint: 'Choose a new folder, or pass --force to add the project there (your files are kept).',
            details: { root, entries: existing }
        });
    }

    const cli = options.cli ?? findCliPackage();
    const templates = projectFiles({ name: packageName(root), ferrySpec: ferryDependencySpec(cli), zodRange: cli.zodRange });
    const { files, kept } = await planWrites(root, templates);
    const registration = await registerExamples(root, files, kept);
    try {
        await writeTree(root, files);
    } catch (error) {
        throw new FerryError({
            code: 'WRITE_FAILED',
            message: `could not write the project to ${root} (${errnoCode(error) ?? (error as Error).message}); nothing was written`,
            hint: 'Check that the path is a folder you can write to, then run ferry init again.',
            cause: error
        });
    }

    const { packageManager } = detectPackageManager(root, options.env);
    const result: InitResult = { root, files: files.map((f) => f.path), kept: kept.filter((f) => !registration.registered?.length || f !== INDEX_FILE), installed: false, packageManager, ...registration };
    const command = installCommandLine(packageManager);
    if (!options.install) return { ...result, installCommand: command };
    options.onInstallStart?.(command);
    const outcome = await runInstall(packageManager, root, options.installOutput);
    return outcome.ok ? { ...result, installed: true } : { ...result, installCommand: command, installError: outcome.reason };
}

/** The entries of the target folder; empty when it does not exist. */
async function listTarget(root: string): Promise<string[]> {
    const info = await stat(root).catch(() => undefined);
    if (!info) return [];
    if (!info.isDirectory()) {
        throw new FerryError({
            code: 'TARGET_NOT_A_FOLDER',
            message: `${root} is a file, not a folder; nothing was written`,
            hint: 'Pass the path of a new or empty folder: ferry init <dir>.'
        });
    }
    return (await readdir(root)).sort();
}

/**
 * What to write into a target that may hold files (--force): the user's files are kept, except
 * that a .gitignore gains the lines that keep secrets and build output out of git. A file where
 * the project needs a folder is refused before anything is written.
 */
async function planWrites(root: string, templates: readonly { path: string; content: string }[]): Promise<{ files: StagedFile[]; kept: string[] }> {
    const files: StagedFile[] = [];
    const kept: string[] = [];
    const blocked = new Set<string>();
    for (const template of templates) {
        const parts = template.path.split('/');
        for (let i = 1; i < parts.length; i++) {
            const folder = parts.slice(0, i).join('/');
            const info = await lstat(join(root, folder)).catch(() => undefined);
            if (info && !info.isDirectory()) blocked.add(folder);
        }
        const info = await lstat(join(root, template.path)).catch(() => undefined);
        if (info === undefined) {
            files.push({ ...template, ...(template.path === ENV_FILE ? { mode: 0o600 } : {}) });
        } else if (template.path === GITIGNORE_FILE && info.isFile()) {
            const current = await readFile(join(root, template.path), 'utf8');
            const merged = mergeGitignore(current);
            if (merged === current) kept.push(template.path);
            else files.push({ path: template.path, content: merged });
        } else {
            kept.push(template.path);
        }
    }
    if (blocked.size > 0) {
        throw new FerryError({
            code: 'TARGET_CONFLICT',
            message: `${root} has ${[...blocked].map((f) => `a file named ${f}`).join(', ')} where the project needs a folder; nothing was written`,
            hint: 'Rename or remove it, or choose another folder.'
        });
    }
    return { files, kept };
}

/** An npm package name from the folder name: lower case, only the characters npm allows. */
function packageName(root: string): string {
    const name = basename(root)
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-')
        .replace(/^[._-]+|-+$/g, '');
    return name || 'nango-integrations';
}

const INDEX_FILE = 'index.ts';
const FUNCTION_FILE = /^[^/]+\/(?:syncs|actions|on-events)\/[^/]+\.ts$/;

/**
 * --force over a project: its index.ts is kept, so the example functions written beside it would
 * register nothing. Their imports are appended to it (planned with the other writes); when it
 * does not parse, the result says which lines to add instead.
 */
async function registerExamples(root: string, files: StagedFile[], kept: readonly string[]): Promise<Pick<InitResult, 'registered' | 'importsToAdd'>> {
    if (!kept.includes(INDEX_FILE)) return {};
    const examples = files.map((f) => f.path).filter((path) => FUNCTION_FILE.test(path));
    if (examples.length === 0) return {};
    const current = await readFile(join(root, INDEX_FILE), 'utf8');
    let next: string;
    try {
        next = withImports(current, examples);
    } catch {
        return { importsToAdd: examples.map((path) => `import '${relPathToSpecifier(path)}';`) };
    }
    if (next === current) return {};
    files.push({ path: INDEX_FILE, content: next });
    return { registered: examples };
}
