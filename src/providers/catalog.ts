/**
 * The provider catalog: Nango's providers.yaml from the @nangohq/providers package, reduced to
 * what the runtime needs (base URL, default pagination, rate-limit headers). Parsing the 1 MB
 * YAML takes ~90 ms, so the reduced catalog is cached as JSON (~150 KB, ~1 ms to read) keyed by
 * the package version. Nothing here loads until a run asks for a provider.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import type { ProviderDefaults } from '../runtime/run-types.js';
import { writeFileAtomic } from '../util/fs.js';

type Catalog = Record<string, ProviderDefaults>;

interface CatalogSource {
    /** Directory of @nangohq/providers. */
    packageDir: string;
    version: string;
}

let memo: Promise<Catalog> | undefined;

/** Bump when reduceCatalog keeps different fields, so an old cache is not read back. */
const CACHE_FORMAT = 1;

/** Defaults of one provider (aliases resolved), or undefined when the catalog does not know it. */
export async function getProviderDefaults(name: string, options: { cacheDir?: string } = {}): Promise<ProviderDefaults | undefined> {
    memo ??= loadCatalog(options.cacheDir);
    const catalog = await memo;
    return catalog[name];
}

/** Every provider name (for suggestions). */
export async function providerNames(options: { cacheDir?: string } = {}): Promise<string[]> {
    memo ??= loadCatalog(options.cacheDir);
    return Object.keys(await memo);
}

function locate(): CatalogSource | undefined {
    try {
        const require = createRequire(import.meta.url);
        const packageJson = require.resolve('@nangohq/providers/package.json');
        const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
        return { packageDir: dirname(packageJson), version };
    } catch {
        // Older exports maps hide package.json: find the package folder from its main file.
        try {
            const require = createRequire(import.meta.url);
            let dir = dirname(require.resolve('@nangohq/providers'));
            while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
            const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
            return { packageDir: dir, version };
        } catch {
            return undefined;
        }
    }
}

function defaultCacheDir(): string {
    let user = 'user';
    try {
        user = String(userInfo().uid);
    } catch {
        // No user database (some containers): one shared folder is fine.
    }
    return join(tmpdir(), `ferry-cache-${user}`);
}

async function loadCatalog(cacheDir = defaultCacheDir()): Promise<Catalog> {
    const source = locate();
    if (!source) return {};
    const cacheFile = join(cacheDir, `providers-${source.version}-f${CACHE_FORMAT}.json`);
    try {
        return JSON.parse(readFileSync(cacheFile, 'utf8')) as Catalog;
    } catch {
        // No cache yet (or a damaged one): build it.
    }
    const catalog = await parseCatalog(source);
    // A cache that cannot be written only costs the next run the YAML parse again.
    await writeFileAtomic(cacheFile, JSON.stringify(catalog)).catch(() => undefined);
    return catalog;
}

async function parseCatalog(source: CatalogSource): Promise<Catalog> {
    const require = createRequire(join(source.packageDir, 'package.json'));
    const yaml = require('js-yaml') as { load(text: string): unknown };
    const raw = yaml.load(readFileSync(join(source.packageDir, 'providers.yaml'), 'utf8')) as Record<string, Record<string, unknown>> | null;
    return reduceCatalog(raw ?? {});
}

/** Keeps what the runtime uses; an entry with `alias` inherits its target's fields. */
export function reduceCatalog(raw: Record<string, Record<string, unknown>>): Catalog {
    const catalog: Catalog = {};
    for (const [name, entry] of Object.entries(raw)) {
        if (!entry || typeof entry !== 'object') continue;
        const aliasOf = typeof entry['alias'] === 'string' ? raw[entry['alias']] : undefined;
        const proxy = { ...asObject(aliasOf?.['proxy']), ...asObject(entry['proxy']) };
        catalog[name] = toDefaults(name, proxy);
    }
    return catalog;
}

function toDefaults(name: string, proxy: Record<string, unknown>): ProviderDefaults {
    const defaults: ProviderDefaults = { name };
    if (typeof proxy['base_url'] === 'string') defaults.baseUrl = proxy['base_url'];
    const paginate = asObject(proxy['paginate']);
    if (Object.keys(paginate).length > 0) defaults.paginate = paginate;
    const retry = asObject(proxy['retry']);
    if (Object.keys(retry).length > 0) {
        defaults.retry = {};
        const at = strings(retry['at']);
        const after = strings(retry['after']);
        const errorCodes = strings(retry['error_code']);
        if (at.length) defaults.retry.at = at;
        if (after.length) defaults.retry.after = after;
        if (typeof retry['remaining'] === 'string') defaults.retry.remaining = retry['remaining'];
        if (errorCodes.length) defaults.retry.errorCodes = errorCodes;
    }
    if (proxy['decompress'] === true) defaults.decompress = true;
    return defaults;
}

function asObject(value: unknown): Record<string, unknown> {
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function strings(value: unknown): string[] {
    if (typeof value === 'string' || typeof value === 'number') return [String(value)];
    return Array.isArray(value) ? value.map(String) : [];
}
