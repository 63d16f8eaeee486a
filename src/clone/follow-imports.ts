/**
 * The files a clone brings: the selected function files and, recursively, the files of the
 * templates folder they import relatively. Each import that cannot or must not be followed
 * becomes a warning instead of a failure, so the user sees every one of them at once.
 */
import { posix } from 'node:path';
import { isPlatformModule, isSdkSpecifier, platformModuleList } from '../compiler/platform-modules.js';
import { SCRIPT_FILE, candidatePaths, findImports, isRelativeSpecifier, type ImportReference } from './imports.js';
import type { TemplateSource } from './source.js';

export interface CloneWarning {
    code: 'IMPORT_NOT_FOUND' | 'IMPORT_OUTSIDE_TEMPLATES' | 'IMPORT_RESERVED_PATH' | 'PACKAGE_NOT_BUNDLED';
    /** The project file the import is in. */
    file: string;
    message: string;
}

/** A file to clone, by its path in the templates repository. */
interface TemplateFile {
    from: string;
    content: Buffer;
}

interface FollowedFiles {
    /** By project path (posix separators), in the order they were reached. */
    files: Map<string, TemplateFile>;
    warnings: CloneWarning[];
}

/** Files and folders of the project that a template file must never replace. */
const RESERVED_FILES = new Set(['index.ts', 'package.json', 'package-lock.json', 'tsconfig.json', '.env', '.gitignore']);
const RESERVED_DIRS = ['.nango/', 'build/', 'dist/', 'node_modules/', '.git/'];

function isReservedProjectPath(path: string): boolean {
    return RESERVED_FILES.has(path) || RESERVED_DIRS.some((dir) => path.startsWith(dir));
}

/** Where a repository path lands in the project, or undefined when it is outside the templates folder. */
export function projectPathOf(templatesDir: string, repoPath: string): string | undefined {
    const rel = posix.relative(templatesDir, repoPath);
    return rel === '' || rel.startsWith('../') || rel === '..' || posix.isAbsolute(rel) ? undefined : rel;
}

/** Downloads each repository path once, however many files import it. */
function cachedReader(source: TemplateSource, known: TemplateFile[]): (path: string) => Promise<Buffer | undefined> {
    const downloads = new Map<string, Promise<Buffer | undefined>>(known.map((file) => [file.from, Promise.resolve(file.content)]));
    return (path) => {
        let pending = downloads.get(path);
        if (!pending) {
            pending = source.read(path);
            downloads.set(path, pending);
        }
        return pending;
    };
}

/** Follows every relative import from `roots` (already downloaded) through the templates folder. */
export async function followImports(source: TemplateSource, roots: TemplateFile[]): Promise<FollowedFiles> {
    const download = cachedReader(source, roots);
    const files = new Map<string, TemplateFile>();
    const warnings: CloneWarning[] = [];
    const visited = new Set<string>();
    const tasks: Promise<void>[] = [];

    // Files import each other in cycles (a helper and its types), so a visit never waits for the
    // files it discovers: it queues them, and the loop below drains the queue as it grows.
    const visit = ({ from, content }: TemplateFile): void => {
        if (visited.has(from)) return;
        visited.add(from);
        const projectPath = projectPathOf(source.templatesDir, from)!;
        files.set(projectPath, { from, content });
        if (!SCRIPT_FILE.test(from)) return;
        const task = (async () => {
            const imports = findImports(content.toString('utf8'), from);
            await Promise.all(
                imports.map(async (reference) => {
                    const outcome = await resolveReference(source, download, from, projectPath, reference);
                    if (outcome === undefined) return;
                    if ('code' in outcome) warnings.push(outcome);
                    else visit(outcome);
                })
            );
        })();
        // Marked handled now: when one task fails the loop stops at it, and the others must not
        // surface later as unhandled rejections.
        task.catch(() => undefined);
        tasks.push(task);
    };

    for (const root of roots) visit(root);
    for (let i = 0; i < tasks.length; i++) await tasks[i];
    return { files, warnings };
}

/** The file an import brings, a warning saying why it brings none, or undefined (a type-only or provided package). */
async function resolveReference(
    source: TemplateSource,
    download: (path: string) => Promise<Buffer | undefined>,
    repoPath: string,
    projectPath: string,
    { specifier, typeOnly }: ImportReference
): Promise<TemplateFile | CloneWarning | undefined> {
    const warning = (code: CloneWarning['code'], why: string): CloneWarning => ({ code, file: projectPath, message: `${projectPath} imports '${specifier}', ${why}` });
    if (!isRelativeSpecifier(specifier)) {
        if (typeOnly || isSdkSpecifier(specifier) || isPlatformModule(specifier)) return undefined;
        return warning(
            'PACKAGE_NOT_BUNDLED',
            `which the platform does not provide at run time (only the SDK and ${platformModuleList()}): \`ferry compile\` rejects it unless only types are used from it`
        );
    }
    const target = posix.normalize(posix.join(posix.dirname(repoPath), specifier));
    if (projectPathOf(source.templatesDir, target) === undefined) {
        return warning('IMPORT_OUTSIDE_TEMPLATES', `which is outside the templates folder ${source.templatesDir}/ and was not cloned`);
    }
    // Candidates are tried in order: a `.ts` file wins over a folder of the same name.
    for (const candidate of candidatePaths(repoPath, specifier)) {
        const content = await download(candidate);
        if (content === undefined) continue;
        const landing = projectPathOf(source.templatesDir, candidate)!;
        if (isReservedProjectPath(landing)) return warning('IMPORT_RESERVED_PATH', `which would land on the project's own ${landing} and was not cloned`);
        return { from: candidate, content };
    }
    return warning('IMPORT_NOT_FOUND', `which is not in ${source.label}`);
}
