/** `ferry generate:docs` (Nango's command): its flags, and the options they give src/commands/docs.ts. */
import { defineCommand } from './define.js';

export const docsCommand = defineCommand({
    name: 'generate:docs',
    description: 'a Markdown page per integration from the manifest (.nango/nango.json): functions, inputs, outputs, models, scopes',
    module: 'generate:docs',
    load: () => import('./docs.js'),
    flags: [
        { flags: '-p, --path <path>', description: "folder for the pages, relative to the project (default: each integration's folder)", complete: 'file' },
        { flags: '--integration-templates', description: 'name the pages README.md as the integration templates repository does' }
    ],
    options: (_args, o) => ({ path: o.path, templatesLayout: Boolean(o.integrationTemplates) })
});
