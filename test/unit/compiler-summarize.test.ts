import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { buildManifest } from '../../src/compiler/manifest.js';
import { summarizeDefinition, toJsonSchema } from '../../src/compiler/summarize.js';
import { withoutSourceMap, withoutEchoes } from '../../src/compiler/compile.js';
import { toFunctionRef } from '../../src/project/project.js';
import type { FunctionDefinition } from '../../src/compiler/types.js';

// The same zod instance bundles get at evaluation (CommonJS), as compile uses it.
const { z } = createRequire(import.meta.url)('zod') as typeof import('zod');

const ref = (relPath: string) => toFunctionRef('/p', relPath, 1)!;
const exec = async () => undefined;

describe('toJsonSchema', () => {
    it('writes dates as date-time strings and void as null, without a $schema per model', () => {
        expect(toJsonSchema(z.object({ at: z.date(), n: z.number().optional() }))).toEqual({
            type: 'object',
            properties: { at: { type: 'string', format: 'date-time' }, n: { type: 'number' } },
            required: ['at'],
            additionalProperties: false
        });
        expect(toJsonSchema(z.void())).toEqual({ type: 'null' });
        expect(toJsonSchema(z.object({ v: z.string().describe('kept') })).properties).toEqual({ v: { type: 'string', description: 'kept' } });
    });
});

describe('summarizeDefinition', () => {
    it('names action schemas after the integration and function', () => {
        const summary = summarizeDefinition(ref('hubspot/actions/create-contact.ts'), {
            type: 'action',
            description: ' Creates a contact ',
            endpoint: { method: 'post', path: '/contacts' },
            input: z.object({ email: z.string() }),
            output: z.void(),
            exec
        } as FunctionDefinition);
        expect(summary).toMatchObject({ id: 'hubspot_actions_create-contact', integration: 'hubspot', name: 'create-contact' });
        expect(summary.entry).toEqual({
            type: 'action',
            name: 'create-contact',
            description: 'Creates a contact',
            endpoint: { method: 'POST', path: '/contacts' },
            scopes: [],
            input: 'ActionInput_hubspot_create-contact',
            output: ['ActionOutput_hubspot_create-contact'],
            usedModels: ['ActionInput_hubspot_create-contact', 'ActionOutput_hubspot_create-contact'],
            version: '0.0.1',
            json_schema: {
                definitions: {
                    'ActionInput_hubspot_create-contact': { type: 'object', properties: { email: { type: 'string' } }, required: ['email'], additionalProperties: false },
                    'ActionOutput_hubspot_create-contact': { type: 'null' }
                }
            },
            features: []
        });
    });

    it('fills sync defaults and names the metadata model', () => {
        const { entry } = summarizeDefinition(ref('github/syncs/issues.ts'), {
            type: 'sync',
            description: 'Issues',
            version: '2.0.0',
            frequency: 'every day',
            models: { Issue: z.object({ id: z.string() }) },
            metadata: z.object({ repo: z.string() }),
            checkpoint: z.object({ since: z.string() }),
            exec
        } as FunctionDefinition);
        expect(entry).toMatchObject({
            type: 'sync',
            runs: 'every day',
            auto_start: true,
            track_deletes: false,
            sync_type: 'incremental',
            input: 'SyncMetadata_github_issues',
            output: ['Issue'],
            usedModels: ['Issue', 'SyncMetadata_github_issues'],
            version: '2.0.0',
            features: ['checkpoints']
        });
    });
});

describe('buildManifest', () => {
    it('orders integrations and functions by name whatever the input order', () => {
        const sync = (path: string) =>
            summarizeDefinition(ref(path), { type: 'sync', description: 'd', frequency: '1h', models: { M1: z.object({ id: z.string() }) }, exec } as FunctionDefinition);
        const onEvent = (path: string) =>
            summarizeDefinition(ref(path), { type: 'onEvent', description: 'd', event: 'validate-connection', exec } as FunctionDefinition);
        const summaries = [sync('slack/syncs/b.ts'), onEvent('github/on-events/z.ts'), sync('github/syncs/b.ts'), sync('github/syncs/a.ts'), onEvent('github/on-events/a.ts')];
        const manifest = buildManifest(summaries);
        expect(manifest.map((i) => i.providerConfigKey)).toEqual(['github', 'slack']);
        expect(manifest[0]!.syncs.map((s) => s.name)).toEqual(['a', 'b']);
        expect(manifest[0]!.onEventScripts).toEqual({ 'post-connection-creation': [], 'pre-connection-deletion': [], 'validate-connection': ['a', 'z'] });
        expect(buildManifest([...summaries].reverse())).toEqual(manifest);
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
