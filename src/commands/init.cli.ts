/** `ferry init`: its arguments, flags and help, and the options they give src/commands/init.ts. */
import { defineCommand } from './define.js';

export const initCommand = defineCommand({
    name: 'init',
    description: 'scaffold a new functions project',
    module: 'init',
    load: () => import('./init.js'),
    args: [{ name: '[dir]', description: 'target folder', default: 'nango-integrations', complete: 'file' }],
    flags: [
        { flags: '--force', description: 'write into a folder that has files (yours are kept)' },
        { flags: '--no-install', description: 'do not install dependencies (npm, pnpm or yarn, detected)' },
        { flags: '--copy', description: "only write the files, install nothing (Nango's spelling of --no-install)" }
    ],
    help: [
        '',
        'Examples:',
        '  ferry init                     ./nango-integrations with a GitHub example, dependencies installed',
        '  ferry init my-functions --no-install',
        '  ferry init . --force           add a project to the current folder, keeping its files',
        '',
        'Exit codes: 0 created (also when the install failed: see the warning), 1 the target has files (without --force) or bad flags.'
    ],
    options: ([dir], o) => ({ dir, force: Boolean(o.force), install: o.install !== false && !o.copy && o.dependencyUpdate !== false })
});
