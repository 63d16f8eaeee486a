/**
 * Bundling: every function of a project in ONE esbuild build. Each function becomes a standalone
 * CommonJS file (node platform, inline source map) whose SDK import ('ferry' or 'nango') is the
 * tiny shim of src/sdk/shim-source.ts, so a bundle never needs the CLI at run time. Other bare
 * imports stay external only when the platform provides them (platform-modules.ts): the function
 * loads them at run time from the platform (in dryrun and test, from the project's node_modules).
 */
import { createRequire } from 'node:module';
import { relative, resolve } from 'node:path';
import type { Message, Plugin } from 'esbuild';
import type { FunctionRef } from '../project/types.js';
import { SDK_SHIM_SOURCE } from '../sdk/shim-source.js';
import { createFramer } from './frame.js';
import type { BundleOutput, BundledFunction, CompileDiagnostic } from './types.js';
import { isBareSpecifier, isPlatformModule, isSdkSpecifier, platformModuleList } from './platform-modules.js';

export interface BundleOptions {
    /** Folder the bundles are named for (they are not written here). Default `<root>/build`. */
    outdir?: string;
    /** Keep the inline source map (default true). */
    sourcemap?: boolean;
}

const SDK_NAMESPACE = 'ferry-sdk';
const PLUGIN_NAME = 'ferry';

/** Code for a bare import the platform does not provide. */
export const DISALLOWED_IMPORT = 'DISALLOWED_IMPORT';

type Esbuild = typeof import('esbuild');
let loaded: Esbuild | undefined;

/**
 * esbuild is a CommonJS package: required, it loads as is; imported from ESM, Node first scans
 * its whole source for export names, a cost paid on the way to a dry run's first request.
 */
function loadEsbuild(): Esbuild {
    loaded ??= createRequire(import.meta.url)('esbuild') as Esbuild;
    return loaded;
}

/**
 * Starts esbuild's service (its Go process) ahead of a build the caller knows is coming, so the
 * process start overlaps the caller's other work. Never throws: the build reports problems itself.
 */
export function startBundler(): void {
    try {
        // initialize() only spawns the service (a no-op when a build already did); a second call throws, harmlessly.
        void loadEsbuild().initialize({}).catch(() => undefined);
    } catch {
        // Already running, or esbuild is missing: bundleFunctions says so in its own words.
    }
}

export async function bundleFunctions(root: string, refs: readonly FunctionRef[], options: BundleOptions = {}): Promise<BundleOutput> {
    if (refs.length === 0) return { bundles: [], errors: [], warnings: [] };
    const esbuild = loadEsbuild();
    const outdir = options.outdir ?? resolve(root, 'build');
    const byFile = new Map(refs.map((ref) => [resolve(ref.file), ref]));
    try {
        const result = await esbuild.build({
            absWorkingDir: root,
            entryPoints: refs.map((ref) => ({ in: ref.file, out: ref.id })),
            outdir,
            outExtension: { '.js': '.cjs' },
            bundle: true,
            write: false,
            metafile: true,
            format: 'cjs',
            platform: 'node',
            target: 'node20',
            sourcemap: options.sourcemap === false ? false : 'inline',
            sourcesContent: true,
            logLevel: 'silent',
            plugins: [ferryPlugin()]
        });
        const outputs = new Map(result.outputFiles.map((file) => [resolve(file.path), file.text]));
        const bundles: BundledFunction[] = refs.map((ref) => {
            const outPath = resolve(outdir, `${ref.id}.cjs`);
            const code = outputs.get(outPath);
            if (code === undefined) throw new Error(`esbuild produced no output for ${ref.relPath}`);
            const meta = result.metafile.outputs[relative(root, outPath).split('\\').join('/')];
            const inputs = meta ? Object.keys(meta.inputs).filter((input) => !input.startsWith(`${SDK_NAMESPACE}:`)).map((input) => resolve(root, input)) : [];
            const entry = resolve(ref.file);
            return { ref, code, inputs: [entry, ...inputs.filter((input) => input !== entry).sort()] };
        });
        return { bundles, errors: [], warnings: toDiagnostics(result.warnings, 'warning', root, byFile) };
    } catch (error) {
        if (!isBuildFailure(error)) throw error;
        return {
            bundles: [],
            errors: toDiagnostics(error.errors, 'error', root, byFile),
            warnings: toDiagnostics(error.warnings, 'warning', root, byFile)
        };
    }
}

function ferryPlugin(): Plugin {
    return {
        name: PLUGIN_NAME,
        setup(build) {
            build.onResolve({ filter: /^[^./]/ }, (args) => {
                if (!isBareSpecifier(args.path)) return undefined;
                if (isSdkSpecifier(args.path)) return { path: 'sdk', namespace: SDK_NAMESPACE };
                if (isPlatformModule(args.path)) return { path: args.path, external: true };
                return {
                    errors: [
                        {
                            detail: DISALLOWED_IMPORT,
                            text:
                                `'${args.path}' is not provided by the platform at run time, so the function could not load it. ` +
                                `Only ${platformModuleList()} and the SDK ('ferry' or 'nango') can be imported; ` +
                                `copy the code you need into the project or call the API through nango`
                        }
                    ]
                };
            });
            build.onLoad({ filter: /.*/, namespace: SDK_NAMESPACE }, () => ({ contents: SDK_SHIM_SOURCE, loader: 'js', resolveDir: build.initialOptions.absWorkingDir ?? process.cwd() }));
        }
    };
}

interface BuildFailureLike {
    errors: Message[];
    warnings: Message[];
}

function isBuildFailure(error: unknown): error is BuildFailureLike {
    return typeof error === 'object' && error !== null && Array.isArray((error as BuildFailureLike).errors) && Array.isArray((error as BuildFailureLike).warnings);
}

/**
 * esbuild's column counts UTF-8 bytes from 0; Ferry's columns count characters from 1, as tsc's do,
 * so a line with an accent before the error still points at the same place in both.
 */
export function characterColumn(lineText: string, byteColumn: number): number {
    return Buffer.from(lineText, 'utf8').subarray(0, byteColumn).toString('utf8').length + 1;
}

/**
 * esbuild's messages as diagnostics, framed like every other diagnostic (frame.ts) rather than in
 * esbuild's own layout, whose location line counts columns from 0 and so disagrees with `column`.
 */
function toDiagnostics(messages: Message[], kind: 'error' | 'warning', root: string, byFile: Map<string, FunctionRef>): CompileDiagnostic[] {
    if (messages.length === 0) return [];
    const frameOf = createFramer();
    return messages.map((message) => {
        const location = message.location;
        const file = location?.file ? resolve(root, location.file) : undefined;
        const ref = file ? byFile.get(file) : undefined;
        const code = message.detail === DISALLOWED_IMPORT ? DISALLOWED_IMPORT : kind === 'error' ? 'BUNDLE_ERROR' : 'BUNDLE_WARNING';
        const column = location ? characterColumn(location.lineText, location.column) : undefined;
        const frame = file && location && column !== undefined ? frameOf(file, location.line, column) : undefined;
        return {
            ...(file ? { file } : {}),
            ...(location ? { line: location.line, column } : {}),
            code,
            message: message.text,
            ...(ref ? { function: `${ref.integration}/${ref.name}` } : {}),
            ...(frame ? { frame } : {})
        };
    });
}
