// A synthetic functions project that looks like real ones: per integration, shared zod models
// and a pagination helper used by many functions; syncs with 10-30 field models and cursor
// loops; actions with input/output schemas that throw ActionError.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const FIELD_TYPES = ['z.string()', 'z.number()', 'z.boolean()', 'z.string().nullable()', 'z.string().optional()', 'z.array(z.string())', 'z.string().datetime()'];

function fields(seed, count) {
    const out = ['    id: z.string()'];
    for (let i = 1; i < count; i++) out.push(`    field_${seed}_${i}: ${FIELD_TYPES[(seed + i) % FIELD_TYPES.length]}`);
    return out.join(',\n');
}

const pascal = (s) => s.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase());

function helpers(integration) {
    return `import type { NangoSync } from 'nango';

export interface Page<T> {
    items: T[];
    next?: string | null;
}

/** Walks a cursor-paginated list endpoint and saves every page. */
export async function saveAllPages<T extends { id: string }>(nango: NangoSync, endpoint: string, model: string, map: (raw: any) => T): Promise<number> {
    let cursor: string | null | undefined;
    let total = 0;
    do {
        const response = await nango.get<Page<unknown>>({ endpoint, params: { limit: '100', ...(cursor ? { cursor } : {}) }, retries: 3 });
        const records = response.data.items.map(map);
        await nango.batchSave(records, model);
        total += records.length;
        cursor = response.data.next;
    } while (cursor);
    return total;
}

export function toIso(value: unknown): string {
    return typeof value === 'string' ? new Date(value).toISOString() : new Date(0).toISOString();
}

export const ${integration.replace(/-/g, '_')}_base = '/api/v1';
`;
}

function models(integration, count) {
    const lines = [`import * as z from 'zod';`, ''];
    for (let m = 0; m < count; m++) lines.push(`export const Shared${pascal(integration)}${m} = z.object({\n${fields(m, 10 + (m % 5))}\n});`, '');
    return lines.join('\n');
}

function sync(integration, name, i) {
    const model = `${pascal(integration)}${pascal(name)}`;
    return `import { createSync } from 'nango';
import * as z from 'zod';
import { saveAllPages, toIso } from '../helpers.js';
import { Shared${pascal(integration)}${i % 4} } from '../models.js';

const ${model} = z.object({
${fields(i, 10 + (i % 21))},
    shared: Shared${pascal(integration)}${i % 4}.optional(),
    updatedAt: z.string()
});

export default createSync({
    description: 'Syncs ${name} from ${integration}',
    version: '1.0.0',
    frequency: 'every ${(i % 12) + 1} hours',
    autoStart: true,
    models: { ${model} },
    metadata: z.object({ workspace: z.string() }),
    exec: async (nango) => {
        const { workspace } = await nango.getMetadata();
        const saved = await saveAllPages(nango, \`/workspaces/\${workspace}/${name}\`, '${model}', (raw: any) => ({
            id: String(raw.id),
            updatedAt: toIso(raw.updated_at)
        }) as any);
        await nango.log(\`saved \${saved} ${name}\`);
    }
});
`;
}

function action(integration, name, i) {
    return `import { createAction } from 'nango';
import * as z from 'zod';
import { toIso } from '../helpers.js';

const Input = z.object({ id: z.string(), note: z.string().optional() });
const Output = z.object({
${fields(i, 10 + (i % 11))},
    at: z.string()
});

export default createAction({
    description: 'Runs ${name} on ${integration}',
    version: '1.0.0',
    endpoint: { method: 'POST', path: '/${integration}/${name}' },
    input: Input,
    output: Output,
    exec: async (nango, input) => {
        const response = await nango.post({ endpoint: \`/items/\${input.id}/${name}\`, data: { note: input.note ?? null } });
        if (response.status >= 400) {
            throw new nango.ActionError({ message: 'the item could not be updated', status: response.status });
        }
        return { ...(response.data as any), id: input.id, at: toIso(Date.now()) };
    }
});
`;
}

/** Writes `count` functions into `dir` (emptied first); returns the function files (relative paths). */
export function generateProject(dir, count, { zodDir } = {}) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, '.nango'), { recursive: true });
    const files = [];
    const integrations = Math.max(1, Math.round(count / 50));
    const write = (rel, text) => {
        mkdirSync(dirname(join(dir, rel)), { recursive: true });
        writeFileSync(join(dir, rel), text);
    };
    for (let n = 0; n < count; n++) {
        const integration = `service-${n % integrations}`;
        const i = Math.floor(n / integrations);
        const isSync = n % 3 !== 2;
        const name = isSync ? `records-${i}` : `update-item-${i}`;
        const rel = `${integration}/${isSync ? 'syncs' : 'actions'}/${name}.ts`;
        write(rel, isSync ? sync(integration, name, i) : action(integration, name, i));
        files.push(rel);
    }
    for (let k = 0; k < integrations; k++) {
        write(`service-${k}/helpers.ts`, helpers(`service-${k}`));
        write(`service-${k}/models.ts`, models(`service-${k}`, 4));
    }
    write('index.ts', files.map((f) => `import './${f.replace(/\.ts$/, '.js')}';`).join('\n') + '\n');
    write('package.json', JSON.stringify({ name: 'bench-project', private: true, type: 'module' }, null, 2));
    write(
        'tsconfig.json',
        JSON.stringify(
            { compilerOptions: { target: 'es2022', lib: ['es2022'], module: 'node16', moduleResolution: 'node16', strict: true, noEmit: true, skipLibCheck: true, types: [] }, include: ['**/*.ts'], exclude: ['node_modules', 'build', 'dist'] },
            null,
            2
        )
    );
    if (zodDir) {
        mkdirSync(join(dir, 'node_modules'), { recursive: true });
        symlinkSync(zodDir, join(dir, 'node_modules', 'zod'), 'dir');
    }
    return files;
}
