/** `ferry compile`: its flags and help, and the options they give src/commands/compile.ts. */
import { defineCommand, sourcemapFlag } from './define.js';

export const compileCommand = defineCommand({
    name: 'compile',
    description: 'type-check and bundle every function, write the manifest',
    module: 'compile',
    load: () => import('./compile.js'),
    flags: [{ flags: '--no-typecheck', description: 'skip the type-check' }, { flags: '--no-cache', description: 'rebuild everything' }, sourcemapFlag],
    help: [
        '',
        'Examples:',
        '  ferry compile                  type-check, bundle to build/, manifest in .nango/nango.json',
        '  ferry compile --json           one JSON document on stdout (CI, agents)',
        '',
        'Exit codes: 0 compiled, 10 compile errors (nothing written), 1 not a project or bad flags.'
    ],
    options: (_args, o) => ({ typecheck: o.typecheck !== false, cache: o.cache !== false, sourcemap: o.sourcemap !== 'false' })
});
