/**
 * The bare imports a deployed function may keep external: Nango's runtime provides exactly these
 * (nango 0.71's compile accepts them and no other package a function uses as a value). Everything
 * else must be bundled from the project's own files, so an import of any other package fails
 * compile instead of failing in production. Type-only imports of any package are fine: they leave
 * nothing in the bundle.
 */
import { SDK_SPECIFIERS } from '../sdk/shim-source.js';

export const PLATFORM_MODULES: readonly string[] = ['zod', 'crypto', 'node:crypto', 'url', 'node:url', 'soap', 'unzipper', 'botbuilder', 'nango/experimental'];

/** Modules Node itself provides: loaded from Node, never from a project. */
export const NODE_PLATFORM_MODULES: readonly string[] = ['crypto', 'node:crypto', 'url', 'node:url'];

/**
 * Exactly these specifiers, as `nango compile` checks them: a subpath such as `zod/v4` or
 * `zod/mini` is refused there, so it is here too.
 */
export function isPlatformModule(specifier: string): boolean {
    return PLATFORM_MODULES.includes(specifier);
}

/** The platform's modules as messages list them: `'zod', 'crypto', ...`. */
export function platformModuleList(): string {
    return PLATFORM_MODULES.map((m) => `'${m}'`).join(', ');
}

export function isSdkSpecifier(specifier: string): boolean {
    return (SDK_SPECIFIERS as readonly string[]).includes(specifier);
}

/** A bare specifier: not relative, not absolute, not a URL-ish data: import. */
export function isBareSpecifier(specifier: string): boolean {
    return !specifier.startsWith('.') && !specifier.startsWith('/') && !/^[a-zA-Z]:[\\/]/.test(specifier);
}
