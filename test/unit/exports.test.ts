/**
 * An export is for other files: a name exported from a module of src/ that no other file (in
 * src/, test/, bench/ or scripts/) imports should not be exported. The SDK (src/sdk/, what user
 * code imports) and the entry points are exempt: their exports are their public surface.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseSync } from 'oxc-parser';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const ENTRY_POINTS = new Set(['src/cli.ts', 'src/util/user-cache-dir.ts']);

function files(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name.startsWith('.') ? [] : files(full);
        return /\.(ts|mts|mjs|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
    });
}

/** Per module (as a src path ending in .ts), the names other files import from it; '*' for a namespace or dynamic import. */
function importedNames(): Map<string, Set<string>> {
    const used = new Map<string, Set<string>>();
    const note = (from: string, spec: string, names: string[]): void => {
        if (!spec.startsWith('.')) return;
        const target = resolve(dirname(from), spec).replace(/\.js$/, '.ts');
        const set = used.get(target) ?? new Set<string>();
        for (const name of names) set.add(name);
        used.set(target, set);
    };
    for (const file of ['src', 'test', 'bench', 'scripts'].flatMap((dir) => files(join(ROOT, dir)))) {
        const text = readFileSync(file, 'utf8');
        const { module } = parseSync(file, text);
        for (const entry of module.staticImports) note(file, entry.moduleRequest.value, entry.entries.map((e) => (e.importName.kind === 'Name' ? e.importName.name! : '*')));
        for (const entry of module.staticExports) for (const e of entry.entries) if (e.moduleRequest) note(file, e.moduleRequest.value, [e.importName.kind === 'Name' ? e.importName.name! : '*']);
        for (const entry of module.dynamicImports) note(file, text.slice(entry.moduleRequest.start + 1, entry.moduleRequest.end - 1), ['*']);
    }
    return used;
}

describe('exports', () => {
    const used = importedNames();

    it('are imported by some other file (the SDK and entry points aside)', () => {
        const unused: string[] = [];
        for (const file of files(join(ROOT, 'src'))) {
            const path = relative(ROOT, file);
            if (path.startsWith('src/sdk/') || ENTRY_POINTS.has(path)) continue;
            const importers = used.get(file) ?? new Set<string>();
            if (importers.has('*')) continue;
            const { module } = parseSync(file, readFileSync(file, 'utf8'));
            const names = module.staticExports.flatMap((entry) => entry.entries.filter((e) => !e.moduleRequest).map((e) => e.exportName.name)).filter((name): name is string => !!name);
            for (const name of names) if (!importers.has(name)) unused.push(`${path}: ${name}`);
        }
        expect(unused).toEqual([]);
    });

    it('sees the imports it checks (the scan is not blind)', () => {
        expect(used.get(join(ROOT, 'src/runtime/run.ts'))?.has('runFunction')).toBe(true);
    });
});
