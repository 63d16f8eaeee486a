/** `ferry migrate-to-zero-yaml` (Nango's command): src/commands/migrate.ts takes no options. */
import { defineCommand } from './define.js';

export const migrateCommand = defineCommand({
    name: 'migrate-to-zero-yaml',
    description: '(Nango) convert a nango.yaml project to TypeScript definitions: Ferry reads only TypeScript projects, this says what to do',
    module: 'migrate-to-zero-yaml',
    load: () => import('./migrate.js'),
    options: () => ({})
});
