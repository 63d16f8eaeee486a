/** The starting point `ferry generate` writes for a new sync, action or on-event handler. */
import { toModelName, toPascalCase, toWords } from '../scaffold/names.js';

export type GeneratedKind = 'sync' | 'action' | 'on-event';

interface FunctionTemplateOptions {
    kind: GeneratedKind;
    integration: string;
    name: string;
    /** The module the project imports the SDK from: 'ferry', or 'nango' in a Nango project. */
    sdk: string;
    /** For on-event handlers. */
    event: string;
}

function syncTemplate({ integration, name, sdk }: FunctionTemplateOptions): string {
    const model = toModelName(name);
    return `import { createSync } from '${sdk}';
import * as z from 'zod';

// One record of this sync. Every model needs a unique \`id\`.
const ${model} = z.object({
    id: z.string(),
    name: z.string(),
    updatedAt: z.string()
});

export default createSync({
    description: 'Fetches ${toWords(name)} from ${integration}',
    version: '1.0.0',
    frequency: 'every hour',
    autoStart: true,
    models: { ${model} },
    exec: async (nango) => {
        // Point the endpoint at the provider's list endpoint and map its fields below.
        const pages = nango.paginate<{ id: string | number; name?: string; updated_at?: string }>({
            endpoint: '/${name}',
            // Without a provider default, say how pages work, e.g.
            // paginate: { type: 'cursor', cursor_path_in_response: 'next_cursor', cursor_name_in_request: 'cursor', response_path: 'items' },
            retries: 3
        });
        for await (const page of pages) {
            const records = page.map((item) => ({
                id: String(item.id),
                name: item.name ?? '',
                updatedAt: item.updated_at ?? ''
            }));
            await nango.batchSave(records, '${model}');
        }
    }
});
`;
}

function actionTemplate({ integration, name, sdk }: FunctionTemplateOptions): string {
    const base = toPascalCase(name);
    return `import { createAction } from '${sdk}';
import * as z from 'zod';

const ${base}Input = z.object({
    id: z.string()
});

const ${base}Output = z.object({
    id: z.string(),
    name: z.string()
});

export default createAction({
    description: '${capitalize(toWords(name))} on ${integration}',
    version: '1.0.0',
    input: ${base}Input,
    output: ${base}Output,
    exec: async (nango, input) => {
        // Point the endpoint at the provider's API and map its answer to the output schema.
        const response = await nango.get<{ id: string | number; name?: string }>({
            endpoint: \`/${name}/\${encodeURIComponent(input.id)}\`,
            retries: 3
        });
        if (!response.data.name) {
            // The caller receives this payload as the action's error.
            throw new nango.ActionError({ message: \`\${input.id} has no name\` });
        }
        return { id: String(response.data.id), name: response.data.name };
    }
});
`;
}

function onEventTemplate({ name, sdk, event }: FunctionTemplateOptions): string {
    return `import { createOnEvent } from '${sdk}';

export default createOnEvent({
    description: '${capitalize(toWords(name))} (${event})',
    version: '1.0.0',
    event: '${event}',
    exec: async (nango) => {
        const connection = await nango.getConnection();
        await nango.log(\`${event} for connection \${connection.connection_id}\`);
    }
});
`;
}

function capitalize(text: string): string {
    return text.charAt(0).toUpperCase() + text.slice(1);
}

export function functionTemplate(options: FunctionTemplateOptions): string {
    if (options.kind === 'sync') return syncTemplate(options);
    if (options.kind === 'action') return actionTemplate(options);
    return onEventTemplate(options);
}
