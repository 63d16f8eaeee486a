/**
 * One Markdown page per integration, from the manifest compile writes (.nango/nango.json): its
 * functions with their descriptions, endpoints, frequency, scopes, input and output, then the
 * models they use with their fields. Pure: manifest in, text out.
 */
import type { ManifestAction, ManifestIntegration, ManifestSync } from '../compiler/types.js';

/** What follows this line in an existing page is the user's and is kept. */
const GENERATED_END = '<!-- END GENERATED CONTENT (ferry generate:docs) -->';

type Schema = Record<string, unknown>;

const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``;
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');

/** A field's type as a reader wants it: `string`, `number[]`, `"open" | "closed"`, `Address`. */
function typeOf(schema: Schema | undefined): string {
    if (!schema || typeof schema !== 'object') return 'unknown';
    if (typeof schema['$ref'] === 'string') return schema['$ref'].split('/').pop() ?? 'object';
    if (Array.isArray(schema['enum'])) return schema['enum'].map((v) => JSON.stringify(v)).join(' | ');
    if ('const' in schema) return JSON.stringify(schema['const']);
    for (const key of ['anyOf', 'oneOf'] as const) {
        const options = schema[key];
        if (Array.isArray(options)) return options.map((o) => typeOf(o as Schema)).join(' | ');
    }
    const type = schema['type'];
    if (Array.isArray(type)) return type.join(' | ');
    if (type === 'array') return `${typeOf(schema['items'] as Schema)}[]`;
    if (type === 'string' && typeof schema['format'] === 'string') return `string (${schema['format']})`;
    if (type === 'object' && !schema['properties']) return 'object';
    return typeof type === 'string' ? type : 'object';
}

function fieldRows(schema: Schema, prefix = ''): string[] {
    const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
    const required = new Set(Array.isArray(schema['required']) ? (schema['required'] as string[]) : []);
    return Object.entries(properties).flatMap(([name, field]) => {
        const path = `${prefix}${name}`;
        const description = typeof field['description'] === 'string' ? field['description'] : '';
        const row = `| ${code(path)} | ${cell(typeOf(field))} | ${required.has(name) ? 'yes' : 'no'} | ${cell(description)} |`;
        const nested = field['type'] === 'object' && field['properties'] ? fieldRows(field, `${path}.`) : [];
        return [row, ...nested];
    });
}

function modelSection(name: string, schema: Schema | undefined): string[] {
    if (!schema) return [`### ${name}`, '', '_No schema in the manifest._', ''];
    const rows = fieldRows(schema);
    const body = rows.length > 0 ? ['| Field | Type | Required | Description |', '| --- | --- | --- | --- |', ...rows] : [`Type: ${code(typeOf(schema))}`];
    return [`### ${name}`, '', ...body, ''];
}

function functionSection(fn: ManifestSync | ManifestAction): string[] {
    const lines = [`### ${fn.name} (${fn.type})`, '', fn.description.trim() || '_No description._', ''];
    const facts: string[] = [];
    const endpoints = fn.type === 'sync' ? fn.endpoints : fn.endpoint ? [fn.endpoint] : [];
    if (endpoints.length > 0) facts.push(`- **Endpoint${endpoints.length > 1 ? 's' : ''}:** ${endpoints.map((e) => code(`${e.method} ${e.path}`)).join(', ')}`);
    if (fn.type === 'sync') {
        facts.push(`- **Frequency:** ${fn.runs}`, `- **Starts automatically:** ${fn.auto_start ? 'yes' : 'no'}`, `- **Sync type:** ${fn.sync_type}`);
        if (fn.webhookSubscriptions.length > 0) facts.push(`- **Webhook subscriptions:** ${fn.webhookSubscriptions.map(code).join(', ')}`);
    }
    facts.push(`- **Scopes:** ${fn.scopes.length > 0 ? fn.scopes.map(code).join(', ') : 'none'}`);
    facts.push(`- **${fn.type === 'sync' ? 'Metadata' : 'Input'}:** ${fn.input ? code(fn.input) : 'none'}`);
    facts.push(`- **${fn.type === 'sync' ? 'Models' : 'Output'}:** ${fn.output && fn.output.length > 0 ? fn.output.map(code).join(', ') : 'none'}`);
    facts.push(`- **Version:** ${fn.version || 'none'}`);
    return [...lines, ...facts, ''];
}

export function renderIntegrationPage(entry: ManifestIntegration): string {
    const functions = [...entry.syncs, ...entry.actions];
    const onEvents = Object.entries(entry.onEventScripts ?? {}).flatMap(([event, names]) => names.map((name) => `- ${code(name)} on ${code(event)}`));
    const models = new Map<string, Schema | undefined>();
    for (const fn of functions) {
        for (const name of fn.usedModels) if (!models.has(name)) models.set(name, fn.json_schema?.definitions?.[name]);
    }
    const lines = [
        `# ${entry.providerConfigKey}`,
        '',
        `Functions of the ${code(entry.providerConfigKey)} integration, generated from .nango/nango.json. Edit below the marker at the end: that part is kept.`,
        '',
        '## Functions',
        '',
        ...(functions.length > 0 ? functions.flatMap(functionSection) : ['_No syncs or actions._', '']),
        ...(onEvents.length > 0 ? ['## On-event functions', '', ...onEvents, ''] : []),
        '## Models',
        '',
        ...(models.size > 0 ? [...models].sort(([a], [b]) => a.localeCompare(b)).flatMap(([name, schema]) => modelSection(name, schema)) : ['_None._', ''])
    ];
    return `${lines.join('\n')}${GENERATED_END}\n`;
}

/** The new page, keeping what the user wrote after the marker of the previous one. */
export function mergePage(generated: string, existing: string | undefined): string {
    if (existing === undefined) return generated;
    const at = existing.indexOf(GENERATED_END);
    // A page Ferry did not write is the user's entirely: kept below the generated part.
    const kept = at === -1 ? existing : existing.slice(at + GENERATED_END.length).replace(/^\n/, '');
    return kept.trim() === '' ? generated : `${generated}\n${kept}`;
}
