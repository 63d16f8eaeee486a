// Generates a realistic synthetic functions project: integrations with shared helpers (an HTTP
// wrapper, mappers, a pagination loop), syncs with zod models of 10 to 30 fields, actions that
// validate input and throw ActionError. Deterministic for a given count, so runs compare.
// Laid out like a real Nango project: its own package.json ("type": "module"), Nango's managed
// tsconfig (which includes every .ts file), its own pinned zod 4.3.6 and @types/node (linked from
// Ferry's devDependencies), and vitest files and mocks beside the functions, which compile must
// not type-check (the vitest files import 'vitest', which the project does not have).
// Also used by bench/dev: `import { generateProject } from '../compile/generate.mjs'`.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');

const FIELD_KINDS = [
    (n) => `${n}: z.string()`,
    (n) => `${n}: z.string().optional()`,
    (n) => `${n}: z.number().int()`,
    (n) => `${n}: z.number().nullable()`,
    (n) => `${n}: z.boolean()`,
    (n) => `${n}: z.date()`,
    (n) => `${n}: z.enum(['open', 'closed', 'archived'])`,
    (n) => `${n}: z.array(z.string())`,
    (n) => `${n}: z.object({ id: z.string(), name: z.string().optional() })`,
    (n) => `${n}: z.string().email().optional()`
];

/** A tiny deterministic PRNG so every run generates the same project. */
function random(seed) {
    let state = seed >>> 0;
    return () => {
        state = (state * 1664525 + 1013904223) >>> 0;
        return state / 2 ** 32;
    };
}

function modelSource(name, fields, rand) {
    const lines = ['        id: z.string()'];
    for (let i = 1; i < fields; i++) lines.push(`        ${FIELD_KINDS[Math.floor(rand() * FIELD_KINDS.length)](`field${i}`)}`);
    // Not exported: Nango refuses named exports in function files.
    return `const ${name} = z.object({\n${lines.join(',\n')}\n});\ntype ${name} = z.infer<typeof ${name}>;\n`;
}

const HTTP_HELPER = `import type { NangoAction } from 'nango';

export interface Page<T> { items: T[]; next_cursor?: string | null }

/** Fetches every page of a cursor-paginated endpoint (syncs pass their nango too: only \`get\` is needed). */
export async function fetchAll<T>(nango: Pick<NangoAction, 'get'>, endpoint: string, params: Record<string, string> = {}): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | undefined;
    do {
        const response = await nango.get<Page<T>>({ endpoint, params: { ...params, limit: '100', ...(cursor ? { cursor } : {}) }, retries: 3 });
        out.push(...response.data.items);
        cursor = response.data.next_cursor ?? undefined;
    } while (cursor);
    return out;
}

export function toIso(value: string | number | null | undefined): Date {
    return value === null || value === undefined ? new Date(0) : new Date(value);
}
`;

const MAPPERS = `import { toIso } from './http.js';

export function pick(raw: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of keys) if (key in raw) out[key] = raw[key];
    return out;
}

export function withDates<T extends Record<string, unknown>>(raw: T, keys: readonly string[]): T {
    const copy: Record<string, unknown> = { ...raw };
    for (const key of keys) if (typeof copy[key] === 'string') copy[key] = toIso(copy[key] as string);
    return copy as T;
}
`;

/** The compiler options of the tsconfig `nango init` writes (and manages). */
const NANGO_TSCONFIG = {
    include: ['index.ts', '**/*.ts'],
    exclude: ['node_modules', 'dist', 'build', '.nango'],
    compilerOptions: {
        module: 'node16',
        target: 'esnext',
        strict: true,
        esModuleInterop: true,
        skipLibCheck: true,
        forceConsistentCasingInFileNames: true,
        moduleResolution: 'node16',
        allowUnusedLabels: false,
        allowUnreachableCode: false,
        exactOptionalPropertyTypes: true,
        noFallthroughCasesInSwitch: true,
        noImplicitOverride: true,
        noImplicitReturns: true,
        noPropertyAccessFromIndexSignature: true,
        noUncheckedIndexedAccess: true,
        noUnusedLocals: true,
        noUnusedParameters: true,
        declaration: false,
        sourceMap: true,
        composite: false,
        checkJs: false,
        noEmit: true
    }
};

/** A vitest file as Nango projects keep them beside their functions (never part of compile). */
function testSource(rel) {
    return `import { describe, expect, it } from 'vitest';
import fn from './${rel.split('/').pop().replace(/\.ts$/, '.js')}';

describe('${rel}', () => {
    it('has a description', () => {
        expect(fn.description.length).toBeGreaterThan(0);
    });
});
`;
}

function syncSource(integration, index, rand) {
    const model = `Record${index}`;
    const fields = 10 + Math.floor(rand() * 21);
    const usesLoop = index % 2 === 0;
    const body = usesLoop
        ? `        const rows = await fetchAll<Record<string, unknown>>(nango, '/v1/${integration}/items${index}', { since: nango.lastSyncDate?.toISOString() ?? '' });
        const records = rows.map((row) => withDates({ ...pick(row, Object.keys(row)), id: String(row['id']) }, ['field1', 'field2'])) as unknown as ${model}[];
        await nango.batchSave(records, '${model}');`
        : `        for await (const page of nango.paginate<Record<string, unknown>>({ endpoint: '/v1/${integration}/items${index}', paginate: { type: 'cursor', cursor_path_in_response: 'next', cursor_name_in_request: 'cursor', response_path: 'items' } })) {
            const records = page.map((row) => ({ ...row, id: String(row['id']) })) as unknown as ${model}[];
            await nango.batchSave(records, '${model}');
            await nango.saveCheckpoint({ cursor: String(page.length) });
        }`;
    return `import { createSync } from 'nango';
import { z } from 'zod';
import { fetchAll } from '../helpers/http.js';
import { pick, withDates } from '../helpers/mappers.js';

${modelSource(model, fields, rand)}
export default createSync({
    description: 'Syncs items ${index} of ${integration}',
    version: '1.0.${index % 7}',
    frequency: '${['every hour', 'every 5 minutes', 'every day', '30m'][index % 4]}',
    models: { ${model} },
    metadata: z.object({ accountId: z.string(), region: z.string().optional() }),
    checkpoint: z.object({ cursor: z.string() }),
    exec: async (nango) => {
        void fetchAll;
        void pick;
        void withDates;
${body}
    }
});
`;
}

function actionSource(integration, index, rand) {
    const fields = 10 + Math.floor(rand() * 21);
    return `import { createAction } from 'nango';
import { z } from 'zod';
import { pick } from '../helpers/mappers.js';

const Input = z.object({ id: z.string(), dryRun: z.boolean().optional(), tags: z.array(z.string()).optional() });
${modelSource(`Output${index}`, fields, rand)}
export default createAction({
    description: 'Runs operation ${index} on ${integration}',
    endpoint: { method: 'POST', path: '/${integration}/op-${index}' },
    input: Input,
    output: Output${index},
    exec: async (nango, input) => {
        if (input.id.trim() === '') throw new nango.ActionError({ message: 'id is required', code: 'invalid_input' });
        const response = await nango.post<Record<string, unknown>>({ endpoint: '/v1/op${index}', data: input, retries: 2 });
        if (response.status >= 400) throw new nango.ActionError({ message: 'upstream failed', status: response.status });
        return { ...pick(response.data, Object.keys(response.data)), id: input.id } as unknown as Output${index};
    }
});
`;
}

/**
 * Writes a project of `count` functions (about 40% syncs, 60% actions) into `dir` (emptied first).
 * `options.nango`: the folder of an installed nango package to link as the project's own (so
 * `nango compile` can run on the same project). Returns the relative paths of the function files.
 */
export function generateProject(dir, count, options = {}) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, '.nango'), { recursive: true });
    mkdirSync(join(dir, 'node_modules/@types'), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules/zod-4.3.6'), join(dir, 'node_modules/zod'), 'dir');
    symlinkSync(join(repoRoot, 'node_modules/@types/node'), join(dir, 'node_modules/@types/node'), 'dir');
    if (options.nango) symlinkSync(options.nango, join(dir, 'node_modules/nango'), 'dir');
    const devDependencies = { zod: '4.3.6', '@types/node': '20.19.43', ...(options.nango ? { nango: '0.71.10' } : {}) };
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-project', private: true, type: 'module', devDependencies }, null, 2));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(NANGO_TSCONFIG, null, 2));
    const rand = random(count);
    const integrations = Math.max(1, Math.round(count / 25));
    const files = [];
    for (let i = 0; i < count; i++) {
        const integration = `service-${i % integrations}`;
        const isSync = i % 5 < 2;
        const rel = `${integration}/${isSync ? 'syncs' : 'actions'}/${isSync ? 'fetch' : 'run'}-${i}.ts`;
        if (i < integrations) {
            mkdirSync(join(dir, integration, 'helpers'), { recursive: true });
            mkdirSync(join(dir, integration, 'syncs'), { recursive: true });
            mkdirSync(join(dir, integration, 'actions'), { recursive: true });
            writeFileSync(join(dir, integration, 'helpers/http.ts'), HTTP_HELPER);
            writeFileSync(join(dir, integration, 'helpers/mappers.ts'), MAPPERS);
            mkdirSync(join(dir, integration, 'mocks'), { recursive: true });
            writeFileSync(join(dir, integration, 'mocks/items.json'), '{ "items": [] }\n');
        }
        writeFileSync(join(dir, rel), isSync ? syncSource(integration, i, rand) : actionSource(integration, i, rand));
        if (i % 10 === 0) writeFileSync(join(dir, rel.replace(/\.ts$/, '.test.ts')), testSource(rel));
        files.push(rel);
    }
    writeFileSync(join(dir, 'index.ts'), files.map((rel) => `import './${rel.replace(/\.ts$/, '.js')}';`).join('\n') + '\n');
    return files;
}
