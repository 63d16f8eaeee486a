// Generates a realistic synthetic functions project: integrations with shared helpers (an HTTP
// wrapper, mappers, a pagination loop), syncs with zod models of 10 to 30 fields, actions that
// validate input and throw ActionError. Deterministic for a given count, so runs compare.
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
    return `export const ${name} = z.object({\n${lines.join(',\n')}\n});\nexport type ${name} = z.infer<typeof ${name}>;\n`;
}

const HTTP_HELPER = `import type { NangoAction } from 'nango';

export interface Page<T> { items: T[]; next_cursor?: string | null }

/** Fetches every page of a cursor-paginated endpoint. */
export async function fetchAll<T>(nango: NangoAction, endpoint: string, params: Record<string, string> = {}): Promise<T[]> {
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
    return `import { createAction, ActionError } from 'nango';
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
        if (input.id.trim() === '') throw new ActionError({ message: 'id is required', code: 'invalid_input' });
        const response = await nango.post<Record<string, unknown>>({ endpoint: '/v1/op${index}', data: input, retries: 2 });
        if (response.status >= 400) throw new ActionError({ message: 'upstream failed', status: response.status });
        return { ...pick(response.data, Object.keys(response.data)), id: input.id } as unknown as Output${index};
    }
});
`;
}

/**
 * Writes a project of `count` functions (about 40% syncs, 60% actions) into `dir` (emptied first).
 * Returns the relative paths of the function files.
 */
export function generateProject(dir, count) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, '.nango'), { recursive: true });
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules/zod'), join(dir, 'node_modules/zod'), 'dir');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-project', private: true, type: 'module' }, null, 2));
    writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({ compilerOptions: { target: 'es2022', lib: ['es2022'], module: 'node16', moduleResolution: 'node16', strict: true, noEmit: true, skipLibCheck: true }, include: ['**/*.ts'], exclude: ['node_modules', 'build'] }, null, 2)
    );
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
        }
        writeFileSync(join(dir, rel), isSync ? syncSource(integration, i, rand) : actionSource(integration, i, rand));
        files.push(rel);
    }
    writeFileSync(join(dir, 'index.ts'), files.map((rel) => `import './${rel.replace(/\.ts$/, '.js')}';`).join('\n') + '\n');
    return files;
}
