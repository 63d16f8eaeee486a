/**
 * The layers of src/ and what may import what (docs/architecture.md): a new import cycle, type-only
 * ones included, or an import against the direction of the layers fails here.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseSync } from 'oxc-parser';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/** A folder of src/ may not import from the folders listed for it. */
const FORBIDDEN: Record<string, readonly string[]> = {
    runtime: ['commands', 'dryrun', 'testing', 'platform', 'serve', 'mcp', 'dev', 'deploy', 'clone'],
    platform: ['commands', 'dryrun', 'testing', 'serve', 'mcp'],
    providers: ['commands', 'dryrun', 'testing', 'serve', 'mcp'],
    compiler: ['commands', 'dryrun', 'testing', 'serve', 'mcp', 'dev', 'deploy'],
    sdk: ['commands', 'dryrun', 'serve', 'mcp', 'dev', 'deploy', 'clone', 'platform'],
    // Which names and values are secret, the redactor and the scans: used by every layer, so it imports none of them.
    secrets: ['commands', 'dryrun', 'testing', 'runtime', 'compiler', 'serve', 'mcp', 'platform', 'deploy', 'dev', 'clone', 'project', 'sdk'],
    util: ['commands', 'dryrun', 'testing', 'runtime', 'compiler', 'serve', 'mcp', 'platform', 'deploy', 'dev', 'clone']
};

function sourceFiles(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) return sourceFiles(full);
        return entry.name.endsWith('.ts') ? [full] : [];
    });
}

/** Every relative import of a file (static, type-only, re-exports, dynamic), as src-relative paths. */
function importsOf(file: string): string[] {
    const source = readFileSync(file, 'utf8');
    const { module } = parseSync(file, source);
    const specifiers = [
        ...module.staticImports.map((entry) => entry.moduleRequest.value),
        ...module.staticExports.flatMap((entry) => entry.entries.map((e) => e.moduleRequest?.value).filter((v): v is string => v !== undefined)),
        ...module.dynamicImports.map((entry) => source.slice(entry.moduleRequest.start, entry.moduleRequest.end).replace(/^['"`]|['"`]$/g, ''))
    ];
    return [...new Set(specifiers)]
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => relative(SRC, resolve(dirname(file), spec)).replace(/\.js$/, '.ts'));
}

const graph = new Map(sourceFiles(SRC).map((file) => [relative(SRC, file), importsOf(file)]));

/** Strongly connected components with more than one file (or a file importing itself): the cycles. */
function cycles(): string[][] {
    let counter = 0;
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const found: string[][] = [];
    const visit = (node: string): void => {
        index.set(node, counter);
        low.set(node, counter++);
        stack.push(node);
        onStack.add(node);
        for (const next of graph.get(node) ?? []) {
            if (!graph.has(next)) continue;
            if (!index.has(next)) {
                visit(next);
                low.set(node, Math.min(low.get(node)!, low.get(next)!));
            } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
        }
        if (low.get(node) !== index.get(node)) return;
        const component: string[] = [];
        let member: string;
        do {
            member = stack.pop()!;
            onStack.delete(member);
            component.push(member);
        } while (member !== node);
        if (component.length > 1 || graph.get(node)!.includes(node)) found.push(component.sort());
    };
    for (const node of graph.keys()) if (!index.has(node)) visit(node);
    return found;
}

describe('the layers of src/', () => {
    it('finds the imports it checks (the scan is not blind)', () => {
        expect(graph.get('runtime/run.ts')).toContain('runtime/sandbox.ts');
        expect(graph.get('commands/dryrun.ts')?.some((target) => target.startsWith('dryrun/'))).toBe(true);
    });

    it('has no import cycle, type-only imports included', () => {
        expect(cycles()).toEqual([]);
    });

    it('imports only in the direction of the layers', () => {
        const violations: string[] = [];
        for (const [file, imports] of graph) {
            const layer = file.split('/')[0]!;
            for (const target of imports) {
                const targetLayer = target.split('/')[0]!;
                if (FORBIDDEN[layer]?.includes(targetLayer)) violations.push(`${file} -> ${target}`);
                // Only the entry points load commands.
                if (targetLayer === 'commands' && layer !== 'commands' && !file.startsWith('cli')) violations.push(`${file} -> ${target}`);
            }
        }
        expect(violations).toEqual([]);
    });
});
