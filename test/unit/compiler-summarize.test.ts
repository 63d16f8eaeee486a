import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { buildManifest, serializeManifest } from '../../src/compiler/manifest.js';
import { summarizeDefinition, toJsonSchema } from '../../src/compiler/summarize.js';
import { withoutEchoes } from '../../src/compiler/compile-diagnostics.js';
import { withoutSourceMap } from '../../src/compiler/compile-bundle.js';
import { toFunctionRef } from '../../src/project/project.js';
import type { FunctionDefinition } from '../../src/compiler/types.js';

// The same zod instance bundles get at evaluation (CommonJS), as compile uses it.
const { z } = createRequire(import.meta.url)('zod') as typeof import('zod');

const ref = (relPath: string) => toFunctionRef('/p', relPath, 1)!;
const exec = async () => undefined;

describe('toJsonSchema', () => {
    it('writes dates as date-time strings and a top-level void as null, without a $schema per model', () => {
        expect(toJsonSchema(z.object({ at: z.date(), n: z.number().optional() }))).toEqual({
            type: 'object',
            properties: { at: { type: 'string', format: 'date-time' }, n: { type: 'number' } },
            required: ['at'],
            additionalProperties: false
        });
        expect(toJsonSchema(z.void())).toEqual({ type: 'null' });
        expect(toJsonSchema(z.object({ v: z.string().describe('kept') })).properties).toEqual({ v: { type: 'string', description: 'kept' } });
    });

    it('leaves z.undefined() to zod, as Nango does (only z.void() is null)', () => {
        expect(toJsonSchema(z.undefined())).toEqual({});
    });
});

describe('summarizeDefinition', () => {
    it('writes an action entry as Nango does: fields in its order, generated names from letters and digits', () => {
        const summary = summarizeDefinition(ref('hub-spot/actions/create-contact.ts'), {
            type: 'action',
            description: ' Creates a contact ',
            endpoint: { method: 'POST', path: '/contacts' },
            input: z.object({ email: z.string() }),
            output: z.void(),
            exec
        } as FunctionDefinition);
        expect(summary).toMatchObject({ id: 'hub-spot_actions_create-contact', integration: 'hub-spot', name: 'create-contact' });
        expect(summary.entry).toEqual({
            type: 'action',
            description: ' Creates a contact ',
            endpoint: { method: 'POST', path: '/contacts' },
            input: 'ActionInput_hub_spot_createcontact',
            name: 'create-contact',
            output: ['ActionOutput_hub_spot_createcontact'],
            scopes: [],
            usedModels: ['ActionInput_hub_spot_createcontact', 'ActionOutput_hub_spot_createcontact'],
            version: '',
            json_schema: {
                definitions: {
                    ActionInput_hub_spot_createcontact: { type: 'object', properties: { email: { type: 'string' } }, required: ['email'], additionalProperties: false },
                    ActionOutput_hub_spot_createcontact: { type: 'null' }
                }
            },
            features: []
        });
        expect(Object.keys(summary.entry)).toEqual(['type', 'description', 'endpoint', 'input', 'name', 'output', 'scopes', 'usedModels', 'version', 'json_schema', 'features']);
    });

    it("fills sync fields as Nango does: auto_start only when true, sync_type 'full' unless set, features from the source, a z.void() metadata named", () => {
        const { entry } = summarizeDefinition(
            ref('github/syncs/issues.ts'),
            {
                type: 'sync',
                description: 'Issues',
                version: '2.0.0',
                frequency: 'every day',
                models: { Issue: z.object({ id: z.string() }) },
                metadata: z.void(),
                checkpoint: z.object({ since: z.string() }),
                exec
            } as FunctionDefinition,
            { features: ['checkpoints'] }
        );
        expect(entry).toMatchObject({
            type: 'sync',
            runs: 'every day',
            auto_start: false,
            track_deletes: false,
            sync_type: 'full',
            input: 'SyncMetadata_github_issues',
            output: ['Issue'],
            usedModels: ['Issue', 'SyncMetadata_github_issues'],
            version: '2.0.0',
            features: ['checkpoints']
        });
        expect((entry as { json_schema: { definitions: Record<string, unknown> } }).json_schema.definitions['SyncMetadata_github_issues']).toEqual({ type: 'null' });
        expect(Object.keys(entry)).toEqual([
            'type', 'description', 'auto_start', 'endpoints', 'input', 'name', 'output', 'runs', 'scopes', 'sync_type', 'track_deletes', 'usedModels', 'version', 'webhookSubscriptions', 'json_schema', 'features'
        ]);
    });
});

describe('buildManifest', () => {
    it("keeps index.ts order (Nango's): integrations as first named, functions in order within each list", () => {
        const sync = (path: string) =>
            summarizeDefinition(ref(path), { type: 'sync', description: 'd', frequency: '1h', models: { M1: z.object({ id: z.string() }) }, exec } as FunctionDefinition);
        const onEvent = (path: string) =>
            summarizeDefinition(ref(path), { type: 'onEvent', description: 'd', event: 'validate-connection', exec } as FunctionDefinition);
        const manifest = buildManifest([sync('slack/syncs/b.ts'), onEvent('github/on-events/z.ts'), sync('github/syncs/b.ts'), sync('github/syncs/a.ts'), onEvent('github/on-events/a.ts')]);
        expect(manifest.map((i) => i.providerConfigKey)).toEqual(['slack', 'github']);
        expect(Object.keys(manifest[0]!)).toEqual(['providerConfigKey', 'actions', 'syncs', 'onEventScripts']);
        expect(manifest[1]!.syncs.map((s) => s.name)).toEqual(['b', 'a']);
        expect(manifest[1]!.onEventScripts).toEqual({ 'post-connection-creation': [], 'pre-connection-deletion': [], 'validate-connection': ['z', 'a'] });
    });

    it('is written without a final newline, as Nango writes it', () => {
        expect(serializeManifest([])).toBe('[]');
    });
});

describe('compile helpers', () => {
    it('drops only the inline source map before evaluation', () => {
        expect(withoutSourceMap('a();\n//# sourceMappingURL=data:application/json;base64,AAAA\n')).toBe('a();\n');
        expect(withoutSourceMap('a();\n')).toBe('a();\n');
    });

    it("drops tsc's report of a line another error already covers", () => {
        const own = [{ file: '/p/a.ts', line: 3, column: 1, code: 'BUNDLE_ERROR', message: 'x' }];
        const typed = [
            { file: '/p/a.ts', line: 3, column: 5, code: 'TS1005', message: "',' expected." },
            { file: '/p/a.ts', line: 8, column: 1, code: 'TS2322', message: 'y' }
        ];
        expect(withoutEchoes(typed, own).map((d) => d.code)).toEqual(['TS2322']);
    });
});
