/**
 * The tsconfig compile's type-check runs with, generated into the cache folder. It extends the
 * project's tsconfig.json (its compilerOptions apply) but decides three things itself, the way
 * `nango compile` does:
 * - scope: only index.ts and what it imports (or a chunk's function files), never what the
 *   project's `include` matches: vitest files, mocks and scripts are not compile's business;
 * - one zod: the SDK's declarations and the project's code resolve the same zod (the project's
 *   own zod 4 when it has one), so schemas relate and inferred types are real;
 * - the project's type packages: every package in its node_modules/@types, as TypeScript 5 (which
 *   Nango runs) includes them and TypeScript 7 no longer does by default.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { writeFileAtomic } from '../util/fs.js';
import { ferryPackageRoot, resolveFromFerry } from './ferry-package.js';
import { NANGO_EXPERIMENTAL_DECLARATIONS_FILE, nangoExperimentalDeclarations } from './nango-experimental.js';

/** The strict options of a Nango project's tsconfig, used when the project has none. */
export const DEFAULT_COMPILER_OPTIONS = {
    target: 'es2022',
    // As in the scaffold's tsconfig: `dom` types the globals functions get (console, URL, crypto).
    lib: ['es2023', 'dom'],
    module: 'node16',
    moduleResolution: 'node16',
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    esModuleInterop: true,
    forceConsistentCasingInFileNames: true
} as const;

/** tsconfig.json is JSON with comments and trailing commas. */
export function parseJsonc(text: string): unknown {
    let out = '';
    let inString = false;
    for (let i = 0; i < text.length; i++) {
        const ch = text[i]!;
        if (inString) {
            out += ch;
            if (ch === '\\') out += text[++i] ?? '';
            else if (ch === '"') inString = false;
        } else if (ch === '"') {
            inString = true;
            out += ch;
        } else if (ch === '/' && text[i + 1] === '/') {
            while (i < text.length && text[i] !== '\n') i++;
            out += '\n';
        } else if (ch === '/' && text[i + 1] === '*') {
            i = text.indexOf('*/', i + 2);
            if (i === -1) break;
            i++;
        } else out += ch;
    }
    return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
}

interface TsconfigFile {
    extends?: string | string[];
    compilerOptions?: Record<string, unknown> & { paths?: Record<string, string[]> };
}

/** A tsconfig file's JSON, or undefined when it is missing or broken (tsc then says why). */
function readTsconfig(path: string): TsconfigFile | undefined {
    try {
        return parseJsonc(readFileSync(path, 'utf8')) as TsconfigFile;
    } catch {
        return undefined;
    }
}

/** Where an `extends` entry points: a relative or absolute file, or a package's file. */
function extendedPath(from: string, target: string): string | undefined {
    if (target.startsWith('.') || isAbsolute(target)) {
        const path = resolve(dirname(from), target);
        return existsSync(path) ? path : existsSync(`${path}.json`) ? `${path}.json` : undefined;
    }
    const require = createRequire(from);
    for (const candidate of [target, `${target}.json`, `${target}/tsconfig.json`]) {
        try {
            return require.resolve(candidate);
        } catch {
            // Try the next form.
        }
    }
    return undefined;
}

/** A compiler option as the project's tsconfig (or one it extends) sets it; undefined when none does. */
export function projectCompilerOption(configPath: string, name: string, depth = 0): unknown {
    const config = readTsconfig(configPath);
    if (!config || depth > 8) return undefined;
    if (config.compilerOptions && name in config.compilerOptions) return config.compilerOptions[name];
    const parents = typeof config.extends === 'string' ? [config.extends] : Array.isArray(config.extends) ? config.extends : [];
    // Later entries of an `extends` array win.
    for (const parent of [...parents].reverse()) {
        const path = extendedPath(configPath, parent);
        const value = path ? projectCompilerOption(path, name, depth + 1) : undefined;
        if (value !== undefined) return value;
    }
    return undefined;
}

/** `<dir>/node_modules/<name>` at or above the project root, nearest first. */
function findPackage(root: string, name: string): string | undefined {
    for (let dir = root; ; dir = dirname(dir)) {
        if (existsSync(join(dir, 'node_modules', name, 'package.json'))) return join(dir, 'node_modules', name);
        if (dirname(dir) === dir) return undefined;
    }
}

function majorVersion(packageDir: string): number | undefined {
    try {
        const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version?: string };
        return typeof version === 'string' ? Number(version.split('.')[0]) : undefined;
    } catch {
        return undefined;
    }
}

/**
 * The zod every file of the program gets: the project's own when it is zod 4 (what the SDK's
 * declarations are written against), else Ferry's (which is also what runs the functions here).
 */
function zodForTypecheck(root: string): string {
    const own = findPackage(root, 'zod');
    return own && majorVersion(own) === 4 ? own : dirname(resolveFromFerry('zod/package.json'));
}

/** The node_modules/@types folders tsc run in the project folder would look in, nearest first. */
function projectTypeRoots(root: string): string[] {
    const roots: string[] = [];
    for (let dir = root; ; dir = dirname(dir)) {
        const candidate = join(dir, 'node_modules', '@types');
        if (isDirectory(candidate)) roots.push(candidate);
        if (dirname(dir) === dir) return roots;
    }
}

/** Every type package in those folders (TypeScript 5's default `types`), minus the ones marked unneeded. */
export function automaticTypes(typeRoots: readonly string[]): string[] {
    const names = new Set<string>();
    for (const typeRoot of typeRoots) {
        let entries: string[];
        try {
            entries = readdirSync(typeRoot);
        } catch {
            continue;
        }
        for (const name of entries) {
            if (name.startsWith('.') || !isDirectory(join(typeRoot, name))) continue;
            const manifest = readTsconfig(join(typeRoot, name, 'package.json')) as { typings?: unknown } | undefined;
            if (manifest?.typings === null) continue;
            names.add(name);
        }
    }
    return [...names].sort();
}

function isDirectory(path: string): boolean {
    try {
        return statSync(path).isDirectory();
    } catch {
        return false;
    }
}

export interface ChunkOptions {
    /** Check exactly these files (and what they import) instead of index.ts. */
    files: readonly string[];
    /** File name of this chunk's tsBuildInfo in the cache folder. */
    buildInfo: string;
}

/** What the generated tsconfig adds to the project's compilerOptions. */
function compilerOptionsFor(root: string, cacheDir: string, projectConfigPath: string | undefined): Record<string, unknown> {
    const option = (name: string): unknown => (projectConfigPath ? projectCompilerOption(projectConfigPath, name) : undefined);
    const paths: Record<string, string[]> = {};
    // `paths` in this file replaces the project's, and relative targets resolve against the file
    // that declares them: re-declare the project's with absolute targets.
    const projectPaths = option('paths');
    for (const [key, targets] of Object.entries((projectPaths ?? {}) as Record<string, unknown>)) {
        if (Array.isArray(targets)) paths[key] = targets.map((target: string) => (isAbsolute(target) ? target : resolve(root, target)));
    }
    const sdk = sdkDeclarations();
    for (const name of ['ferry', 'nango']) {
        if (!findPackage(root, name) && !paths[name]) paths[name] = [sdk];
    }
    if (!findPackage(root, 'nango') && !paths['nango/experimental']) paths['nango/experimental'] = [join(cacheDir, NANGO_EXPERIMENTAL_DECLARATIONS_FILE)];
    if (!paths['zod']) {
        // Every file of the program, the SDK's declarations included (wherever Ferry is installed,
        // with its own zod nested or not), resolves 'zod' to the same files. Declaration files, not
        // the folder: under node16/nodenext an ESM import cannot resolve a folder through `paths`.
        const zodRoot = zodForTypecheck(root);
        paths['zod'] = [`${zodRoot}/index.d.ts`];
        paths['zod/*'] = [`${zodRoot}/*/index.d.ts`, `${zodRoot}/*.d.ts`];
    }
    const types: Record<string, unknown> = {};
    // The cache folder is not where tsc would look for type packages: name the project's folders.
    if (option('typeRoots') === undefined) {
        const typeRoots = projectTypeRoots(root);
        types['typeRoots'] = typeRoots;
        if (option('types') === undefined) types['types'] = automaticTypes(typeRoots);
    } else if (option('types') === undefined) {
        const declared = option('typeRoots');
        if (Array.isArray(declared)) types['types'] = automaticTypes(declared.map((dir: string) => resolve(root, dir)));
    }
    return { noEmit: true, incremental: true, ...types, paths };
}

/**
 * The tsconfig tsc runs with. It extends the project's tsconfig.json when there is one (the
 * project's own options win, except `noEmit`, `paths` for the SDK and zod, the type packages and
 * the incremental state, which Ferry owns); without one, Nango's strict defaults apply.
 */
export function generatedTsconfig(root: string, cacheDir: string, chunk?: ChunkOptions): string {
    const projectConfigPath = join(root, 'tsconfig.json');
    const hasProjectConfig = existsSync(projectConfigPath);
    const config: Record<string, unknown> = {};
    if (hasProjectConfig) config['extends'] = projectConfigPath;
    // What index.ts imports, not what the project's `include` matches.
    config['files'] = chunk ? [...chunk.files] : [join(root, 'index.ts')];
    config['include'] = [];
    const compilerOptions: Record<string, unknown> = {
        ...(hasProjectConfig ? {} : { ...DEFAULT_COMPILER_OPTIONS, ...(isEsmPackage(root) ? {} : BUNDLER_RESOLUTION) }),
        ...compilerOptionsFor(root, cacheDir, hasProjectConfig ? projectConfigPath : undefined),
        tsBuildInfoFile: join(cacheDir, chunk?.buildInfo ?? 'tsbuildinfo')
    };
    config['compilerOptions'] = compilerOptions;
    return `${JSON.stringify(config, null, 2)}\n`;
}

/** Files the generated tsconfig refers to in the cache folder; written before tsc runs. */
export async function writeTypecheckSupportFiles(cacheDir: string): Promise<void> {
    const path = join(cacheDir, NANGO_EXPERIMENTAL_DECLARATIONS_FILE);
    const text = nangoExperimentalDeclarations(sdkDeclarations());
    if ((await readFile(path, 'utf8').catch(() => undefined)) !== text) await writeFileAtomic(path, text);
}

/**
 * Without `"type": "module"` node16 resolution would treat every file as CommonJS and reject the
 * ESM SDK; esbuild bundles the code anyway, so check it the way the bundler resolves it.
 */
const BUNDLER_RESOLUTION = { module: 'esnext', moduleResolution: 'bundler' } as const;

function isEsmPackage(root: string): boolean {
    try {
        return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { type?: string }).type === 'module';
    } catch {
        return false;
    }
}

/** Ferry's SDK declarations: built ones, or the sources when running from a checkout. */
function sdkDeclarations(): string {
    const root = ferryPackageRoot();
    const built = join(root, 'dist', 'sdk', 'index.d.ts');
    return existsSync(built) ? built : join(root, 'src', 'sdk', 'index.ts');
}
