/**
 * Ferry's SDK against the pinned `nango` package (devDependency `nango-reference`, an npm alias so
 * that no project under this checkout finds a `nango` of its own): every public member of Nango's
 * NangoAction / NangoSync exists in Ferry's types and in the runtime's `nango` object, and every
 * name 'nango' exports can be imported from Ferry's SDK. The lists come from Nango's own
 * declarations, so a Nango release that adds a member turns this red.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/cli.js';
import { linkSdk, REPO_ROOT, typeCheck, type Diagnostic } from '../fixtures/types/sdk-project.js';
import { useRuntimeProject } from './runtime-support.js';

const NANGO = join(REPO_ROOT, 'node_modules/nango-reference');
// npm nests it under the alias when Ferry's own @nangohq packages are of another version.
const RUNNER_SDK = [join(NANGO, 'node_modules/@nangohq/runner-sdk/dist'), join(REPO_ROOT, 'node_modules/@nangohq/runner-sdk/dist')].find((dir) => existsSync(dir))!;

/** Names a declaration file re-exports: `export { a, b } from` (values) and `export type { ... } from` (types). */
export function reExports(source: string): { values: string[]; types: string[] } {
    const values: string[] = [];
    const types: string[] = [];
    for (const match of source.matchAll(/export\s+(type\s+)?\{([^}]*)\}\s*from/g)) {
        const names = match[2]!
            .split(',')
            .map((part) => part.trim())
            .filter(Boolean)
            .map((part) => part.split(/\s+as\s+/).pop()!.replace(/^type\s+/, '').trim());
        (match[1] ? types : values).push(...names);
    }
    return { values, types };
}

/** Members of an exported class in a declaration file, `private` ones left out. */
export function classMembers(source: string, className: string): string[] {
    const start = source.search(new RegExp(`class ${className}\\b`));
    if (start < 0) throw new Error(`class ${className} not found`);
    const members = new Set<string>();
    // Members are the lines indented once inside the class body; the body ends at a `}` in column 0.
    for (const line of source.slice(start).split('\n').slice(1)) {
        if (line.startsWith('}')) break;
        const match = /^ {4}((?:(?:abstract|protected|private|readonly|static|async|get|set)\s+)*)\*?([A-Za-z_$][\w$]*)\??\s*[(<:=;]/.exec(line);
        if (!match || match[1]!.includes('private') || match[2] === 'constructor') continue;
        members.add(match[2]!);
    }
    return [...members];
}

// What a project imports from 'nango' and from 'nango/experimental': Ferry's SDK exports both sets.
const scripts = ['sdkScripts.d.ts', 'sdkExperimental.d.ts'].map((file) => readFileSync(join(NANGO, 'dist', file), 'utf8')).join('\n');
const actionMembers = classMembers(readFileSync(join(RUNNER_SDK, 'action.d.ts'), 'utf8'), 'NangoActionBase');
const syncMembers = classMembers(readFileSync(join(RUNNER_SDK, 'sync.d.ts'), 'utf8'), 'NangoSyncBase');

describe('the pinned nango package', () => {
    it('is the version Ferry follows, and its declarations read as expected', () => {
        expect(JSON.parse(readFileSync(join(NANGO, 'package.json'), 'utf8')).version).toBe('0.71.10');
        expect(actionMembers).toEqual(expect.arrayContaining(['proxy', 'paginate', 'uncontrolledFetch', 'tryAcquireLock', 'getProxyConfig']));
        expect(syncMembers).toEqual(expect.arrayContaining(['batchSave', 'listRecords', 'removeMetadata']));
        expect(reExports(scripts).values).toEqual(expect.arrayContaining(['createSync', 'createFunction']));
        // Every export statement is a re-export list this test reads: a new form (export *, a
        // declaration) would otherwise add names nobody checks.
        const statements = scripts.split('\n').filter((line) => /^\s*export\b/.test(line));
        expect(statements.filter((line) => !/^export\s+(type\s+)?\{[^}]*\}\s*from\s*'[^']+';?$/.test(line.trim()))).toEqual([]);
    });
});

/** Nango-style uses of the members beyond proxy and batchSave: each must type-check against Ferry's SDK. */
const USAGE = `
import { createAction, createSync, type ProxyConfiguration } from 'ferry';
import * as z from 'zod';

const Item = z.object({ id: z.string(), name: z.string() });

export default createSync({
    description: 'uses the whole nango object', frequency: 'every hour',
    models: { Item }, metadata: z.object({ fieldMapping: z.record(z.string(), z.string()).optional() }),
    exec: async (nango) => {
        const config: ProxyConfiguration = {
            endpoint: '/items', method: 'REPORT', retries: 3, retryOn: [409], decompress: 'true', retryHeader: { at: 'x-reset' }, forwardHeadersOnRedirect: true,
            paginate: { type: 'cursor', cursor_name_in_request: 'after', cursor_path_in_response: 'next', in_body: true, on_page: async ({ nextPageParam, response }) => { await nango.log(nextPageParam, response.status); } }
        };
        for await (const page of nango.paginate<{ id: string; name: string }>(config)) await nango.batchSave(page, 'Item');
        for await (const record of nango.listRecords('Item')) await nango.log(record.name, record._nango_metadata?.last_action);
        const byId: Map<string, { id: string; name: string }> = await nango.getRecordsByIds(['a'], 'Item');
        const { deletedKeys } = await nango.trackDeletesEnd('Item');
        const invalid = nango.validateRecords('Item', [...byId.values()]);
        await nango.batchSend(nango.removeMetadata([...byId.values()]), 'Item');
        const res = await nango.uncontrolledFetch({ url: new URL('https://files.example.com/a.csv'), method: 'GET', headers: { accept: 'text/csv' } });
        const text: string = await res.text();
        if (await nango.tryAcquireLock({ key: 'k', ttlMs: 1000 })) await nango.releaseLock({ key: 'k' });
        await nango.releaseAllLocks();
        await nango.triggerSync('github', nango.connectionId, { name: 'issues', variant: nango.getVariant() }, 'full_refresh');
        await nango.startSync('github', ['issues']);
        const mapping: Record<string, string> = await nango.getFieldMapping();
        await nango.setFieldMapping(mapping);
        const attributes = nango.getFlowAttributes<{ team: string }>();
        nango.setLogger({ level: 'warn' });
        const proxied = nango.getProxyConfig({ endpoint: '/x' });
        await nango.log(deletedKeys.length, invalid.length, text, attributes?.team, proxied.headers['user-agent'], nango.modelFullName('Item'), nango.isCLI, nango.runnerFlags.validateSyncRecords, nango.logger.level);
    }
});

export const action = createAction({
    description: 'validates its input', input: z.object({ n: z.number() }), output: z.object({ n: z.number() }),
    exec: async (nango, input) => {
        const parsed = await nango.zodValidateInput({ zodSchema: z.object({ n: z.number() }), input });
        await nango.triggerAction('github', nango.connectionId, 'other', { n: parsed.data.n });
        return { n: parsed.data.n };
    }
});
`;

describe('SDK types against nango', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    let diagnostics: Diagnostic[];
    let output: string;

    beforeAll(async () => {
        ({ dir, cleanup } = await makeTempDir('ferry-sdk-conformance-'));
        await linkSdk(dir);
        await mkdir(join(dir, 'node_modules'), { recursive: true });
        await symlink(NANGO, join(dir, 'node_modules/nango'), 'dir');
        const { values, types } = reExports(scripts);
        const missing = (ref: string, ours: string): string =>
            `export const ${ref}Complete: [Exclude<keyof Ref${ref}, keyof Ferry${ours}>] extends [never] ? 'complete' : { missing: Exclude<keyof Ref${ref}, keyof Ferry${ours}> } = 'complete';`;
        await writeFile(
            join(dir, 'members.ts'),
            [
                `import type { NangoAction as RefAction, NangoSync as RefSync } from 'nango';`,
                `import type { NangoAction as FerryAction, NangoSync as FerrySync } from 'ferry';`,
                missing('Action', 'Action'),
                missing('Sync', 'Sync'),
                ''
            ].join('\n')
        );
        await writeFile(
            join(dir, 'exports.ts'),
            [`import { ${values.join(', ')} } from 'ferry';`, `import type { ${types.join(', ')} } from 'ferry';`, `export const values = [${values.join(', ')}];`, ''].join('\n')
        );
        await writeFile(join(dir, 'usage.ts'), USAGE);
        await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'conformance', private: true, type: 'module' }));
        await writeFile(
            join(dir, 'tsconfig.json'),
            JSON.stringify({ compilerOptions: { target: 'es2022', lib: ['es2023', 'dom'], module: 'node16', moduleResolution: 'node16', types: [], strict: true, noEmit: true, skipLibCheck: true }, include: ['members.ts', 'exports.ts', 'usage.ts'] })
        );
        ({ diagnostics, output } = typeCheck(dir));
    }, 60_000);

    afterAll(async () => {
        await cleanup?.();
    });

    it("has every public member of nango's NangoAction and NangoSync", () => {
        expect(diagnostics.filter((d) => d.file === 'members.ts'), output).toEqual([]);
    });

    it('type-checks Nango-style uses of every member beyond proxy and batchSave', () => {
        expect(diagnostics.filter((d) => d.file === 'usage.ts'), output).toEqual([]);
    });

    it("exports every name 'nango' exports", () => {
        expect(diagnostics.filter((d) => d.file === 'exports.ts'), output).toEqual([]);
    });
});

const PROBE = `
import { createAction, createSync } from 'nango';
import { z } from 'zod';
const own = (nango: object) => { const names: string[] = []; for (const name in nango) names.push(name); return names.filter((n) => n in nango); };
export default createSync({
    description: 'lists its nango object', frequency: 'every hour',
    models: { Member: z.object({ id: z.string() }) },
    exec: async (nango) => { await nango.batchSave(own(nango).map((id) => ({ id })), 'Member'); }
});
`;
const ACTION_PROBE = `
import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({
    description: 'lists its nango object', input: z.void(), output: z.array(z.string()),
    exec: async (nango) => { const names: string[] = []; for (const name in nango) names.push(name); return names; }
});
`;

describe('the runtime nango object against nango', () => {
    const project = useRuntimeProject('ferry-sdk-conformance-runtime-', { 'github/syncs/members.ts': PROBE, 'github/actions/action-members.ts': ACTION_PROBE });

    it("has every member of nango's NangoSync in a sync run", async () => {
        const result = await project.run('github/members', { keepRecords: true });
        expect(result.error).toBeUndefined();
        const present = (result.saved?.['Member'] ?? []).map((r) => (r as { id: string }).id);
        expect(syncMembers.filter((name) => !present.includes(name))).toEqual([]);
        expect(actionMembers.filter((name) => !present.includes(name))).toEqual([]);
    });

    it("has every member of nango's NangoAction in an action run", async () => {
        const result = await project.run('github/action-members');
        expect(result.error).toBeUndefined();
        expect(actionMembers.filter((name) => !(result.output as string[]).includes(name))).toEqual([]);
    });
});
