/**
 * Bundles many functions so that one that does not build fails alone. esbuild's build succeeds
 * for every entry or fails for all. When the errors are in function files themselves, those
 * functions are set aside and the rest built again: two builds. When they are in a shared file,
 * the failed group is split in halves and each built again, until every function that builds has
 * its code and every one that does not has its own errors (about 2k·log2(n) builds for k broken
 * functions). A project that builds costs one build, as before.
 */
import { relative, resolve } from 'node:path';
import { bundleFunctions } from '../compiler/bundle.js';
import type { CompileDiagnostic } from '../compiler/types.js';
import type { FunctionRef } from '../project/types.js';

interface BundledEach {
    /** Function id -> its CommonJS bundle. */
    code: Map<string, string>;
    /** Function id -> the first compile error (file:line:column: message) and how many more. */
    failed: Map<string, string>;
}

/** `github/syncs/issues.ts:4:7: message (and 2 more errors)`. */
export function describeBuildErrors(root: string, errors: readonly CompileDiagnostic[]): string {
    const first = errors[0];
    if (!first) return 'the function did not build';
    const where = first.file ? `${relative(root, first.file).split('\\').join('/')}${first.line ? `:${first.line}:${first.column ?? 1}` : ''}: ` : '';
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length === 2 ? '' : 's'})` : '';
    return `${where}${first.message}${more}`;
}

export async function bundleEach(root: string, refs: readonly FunctionRef[]): Promise<BundledEach> {
    const out: BundledEach = { code: new Map(), failed: new Map() };
    const build = async (group: readonly FunctionRef[]): Promise<void> => {
        if (group.length === 0) return;
        const bundled = await bundleFunctions(root, group);
        if (bundled.errors.length === 0) {
            for (const bundle of bundled.bundles) out.code.set(bundle.ref.id, bundle.code);
            return;
        }
        if (group.length === 1) {
            out.failed.set(group[0]!.id, describeBuildErrors(root, bundled.errors));
            return;
        }
        const broken = new Set(bundled.errors.map((error) => error.file).filter((file): file is string => file !== undefined));
        const suspects = group.filter((ref) => broken.has(resolve(ref.file)));
        if (suspects.length > 0 && suspects.length < group.length) {
            await Promise.all([build(group.filter((ref) => !suspects.includes(ref))), ...suspects.map((ref) => build([ref]))]);
            return;
        }
        const half = Math.ceil(group.length / 2);
        await Promise.all([build(group.slice(0, half)), build(group.slice(half))]);
    };
    await build(refs);
    return out;
}
