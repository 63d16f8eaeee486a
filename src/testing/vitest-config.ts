/**
 * The vitest configuration `ferry test --vitest` writes into the project's cache folder when the
 * project has no `nango` package: the project's own test files and setup files, with `nango`,
 * `nango/test` (and `ferry`, `zod` when the project lacks them) resolved to Ferry's, and every
 * file run in one worker sharing one module graph (the function files and the mocks load once,
 * not once per test file).
 *
 * The project's vitest or vite config file cannot be loaded as it is (it imports `vitest/config`,
 * which a project without vitest cannot resolve), so the settings a test suite depends on are read
 * from it: `include`, `exclude`, `setupFiles`, `globals`, `testTimeout`, `hookTimeout`, when they
 * are written as literals.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where vitest looks for a config, in its order. */
const CONFIG_NAMES = ['vitest.config', 'vite.config'].flatMap((base) => ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'].map((ext) => `${base}.${ext}`));

/** vitest's default, which Nango's generated config also uses. */
export const DEFAULT_INCLUDE = ['**/*.{test,spec}.?(c|m)[jt]s?(x)'];
/** vitest's default plus the folders compile and deploy write to (.ferry/ holds the bundles build links to, and vite's cache). */
const DEFAULT_EXCLUDE = ['**/node_modules/**', '**/.git/**', 'build/**', 'dist/**', '.nango/**', '.ferry/**'];

interface ProjectTestSettings {
    /** The config file the settings were read from, relative to the root. */
    configFile?: string;
    include: string[];
    exclude: string[];
    /** Relative to the root. */
    setupFiles: string[];
    globals?: boolean;
    testTimeout?: number;
    hookTimeout?: number;
}

const STRING = /^\s*(?:'([^'\\]*)'|"([^"\\]*)"|`([^`\\$]*)`)/;

/** `key: 'a'` or `key: ['a', "b"]` in a config's text; undefined when not written so. */
function listSetting(text: string, key: string): string[] | undefined {
    const start = new RegExp(`\\b${key}\\s*:\\s*`).exec(text);
    if (!start) return undefined;
    let rest = text.slice(start.index + start[0].length);
    const single = STRING.exec(rest);
    if (single) return [single[1] ?? single[2] ?? single[3] ?? ''];
    if (!rest.startsWith('[')) return undefined;
    rest = rest.slice(1);
    const values: string[] = [];
    for (;;) {
        const item = STRING.exec(rest);
        if (!item) return /^\s*\]/.test(rest) ? values : undefined;
        values.push(item[1] ?? item[2] ?? item[3] ?? '');
        rest = rest.slice(item[0].length).replace(/^\s*,/, '');
    }
}

/** The text with its comments left out; strings are kept whole (a glob can hold a comment opener or closer). */
function withoutComments(text: string): string {
    let out = '';
    for (let i = 0; i < text.length; ) {
        const ch = text[i]!;
        if (ch === "'" || ch === '"' || ch === '`') {
            let end = i + 1;
            while (end < text.length && text[end] !== ch) end += text[end] === '\\' ? 2 : 1;
            out += text.slice(i, end + 1);
            i = end + 1;
        } else if (text.startsWith('//', i)) {
            i = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
        } else if (text.startsWith('/*', i)) {
            i = text.indexOf('*/', i + 2) === -1 ? text.length : text.indexOf('*/', i + 2) + 2;
        } else {
            out += ch;
            i++;
        }
    }
    return out;
}

function scalarSetting(text: string, key: string): string | undefined {
    return new RegExp(`\\b${key}\\s*:\\s*(true|false|[0-9][0-9_]*)\\b`).exec(text)?.[1];
}

export function readProjectTestSettings(root: string): ProjectTestSettings {
    const configFile = CONFIG_NAMES.find((name) => existsSync(join(root, name)));
    const text = configFile ? withoutComments(readFileSync(join(root, configFile), 'utf8')) : '';
    const setupFiles = listSetting(text, 'setupFiles') ?? (existsSync(join(root, 'vitest.setup.ts')) ? ['vitest.setup.ts'] : []);
    const globals = scalarSetting(text, 'globals');
    const testTimeout = scalarSetting(text, 'testTimeout');
    const hookTimeout = scalarSetting(text, 'hookTimeout');
    return {
        ...(configFile ? { configFile } : {}),
        include: listSetting(text, 'include') ?? DEFAULT_INCLUDE,
        exclude: [...DEFAULT_EXCLUDE, ...(listSetting(text, 'exclude') ?? [])],
        setupFiles: setupFiles.map((file) => file.replace(/^\.\//, '')),
        ...(globals ? { globals: globals === 'true' } : {}),
        ...(testTimeout ? { testTimeout: Number(testTimeout.replace(/_/g, '')) } : {}),
        ...(hookTimeout ? { hookTimeout: Number(hookTimeout.replace(/_/g, '')) } : {})
    };
}

interface VitestConfigInput {
    root: string;
    settings: ProjectTestSettings;
    /** Bare specifier -> absolute file of Ferry's that it resolves to. */
    redirects: Record<string, string>;
    /** Specifiers (and their subpaths) resolved from Ferry's own dependencies, e.g. zod. */
    fromFerry: string[];
    /** A file inside Ferry's package, the importer those are resolved from. */
    ferryAnchor: string;
    /** Ferry files that import vitest: processed by vitest, so they get the very vitest that runs the tests. */
    inline: string[];
    cacheDir: string;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The config file's text: plain JavaScript without imports, so it loads from anywhere. */
export function renderVitestConfig(input: VitestConfigInput): string {
    const { settings } = input;
    const fromFerry = input.fromFerry.length > 0 ? `^(${input.fromFerry.map(escapeRegExp).join('|')})(/.*)?$` : '(?!)';
    const test = {
        include: settings.include.map((pattern) => pattern.replace(/^\.\//, '')),
        exclude: settings.exclude,
        setupFiles: settings.setupFiles.map((file) => join(input.root, file)),
        ...(settings.globals !== undefined ? { globals: settings.globals } : {}),
        ...(settings.testTimeout !== undefined ? { testTimeout: settings.testTimeout } : {}),
        ...(settings.hookTimeout !== undefined ? { hookTimeout: settings.hookTimeout } : {}),
        // One worker and one module graph for every file: test files of an integration import the
        // same functions and mocks, which then load and transform once instead of once per file.
        // A child process as vitest's default pool (process.chdir and the like work as there);
        // threads measured a little faster, not enough to give that up.
        pool: 'forks',
        isolate: false,
        maxWorkers: 1,
        server: { deps: { inline: '@INLINE@' } }
    };
    const inline = input.inline.map((file) => `new RegExp(${JSON.stringify(`^${escapeRegExp(file)}$`)})`);
    const testText = JSON.stringify(test, null, 4).replace('"@INLINE@"', `[${inline.join(', ')}]`);
    return `// Written by \`ferry test --vitest\` for this project, which has no \`nango\` package: its vitest files
// run with Ferry's nango/test mocks. Rewritten on every run; edit your own vitest config instead.
const redirects = ${JSON.stringify(input.redirects, null, 4)};
const fromFerry = new RegExp(${JSON.stringify(fromFerry)});

export default {
    root: ${JSON.stringify(input.root)},
    cacheDir: ${JSON.stringify(input.cacheDir)},
    plugins: [
        {
            name: 'ferry-sdk',
            enforce: 'pre',
            async resolveId(source, importer, options) {
                if (Object.hasOwn(redirects, source)) return redirects[source];
                if (fromFerry.test(source)) return this.resolve(source, ${JSON.stringify(input.ferryAnchor)}, { ...options, skipSelf: true });
                return null;
            }
        }
    ],
    test: ${testText.replace(/\n/g, '\n    ')}
};
`;
}
