/** `ferry dev`: its flags and help, and the options they give src/commands/dev.ts. */
import { defineCommand } from './define.js';

export const devCommand = defineCommand({
    name: 'dev',
    description: 'watch the project and rebuild what changed',
    module: 'dev',
    load: () => import('./dev.js'),
    flags: [{ flags: '--no-typecheck', description: 'skip the background type-check' }],
    help: ['', 'Examples:', '  ferry dev                      rebuild on save; Ctrl-C to stop', '  ferry dev --json               one JSON event per line on stdout', '', 'Exit codes: 0 stopped by Ctrl-C or a signal, 1 not a project or bad flags.'],
    options: (_args, o) => ({ typecheck: o.typecheck !== false })
});
