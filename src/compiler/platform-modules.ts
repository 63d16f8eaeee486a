/**
 * The bare imports a deployed function may keep external: the platform's runtime provides these
 * (reference §4). Everything else must be bundled from the project's own files, so an import of
 * any other package fails compile instead of failing in production.
 */
import { SDK_SPECIFIERS } from '../sdk/shim-source.js';

export const PLATFORM_MODULES: readonly string[] = ['zod', 'crypto', 'node:crypto', 'url', 'node:url'];

/** `zod/v4`, `zod/mini` and friends are zod too. */
export function isPlatformModule(specifier: string): boolean {
    if (PLATFORM_MODULES.includes(specifier)) return true;
    return specifier.startsWith('zod/');
}

export function isSdkSpecifier(specifier: string): boolean {
    return (SDK_SPECIFIERS as readonly string[]).includes(specifier);
}

/** A bare specifier: not relative, not absolute, not a URL-ish data: import. */
export function isBareSpecifier(specifier: string): boolean {
    return !specifier.startsWith('.') && !specifier.startsWith('/') && !/^[a-zA-Z]:[\\/]/.test(specifier);
}
