/** `ferry pull` (Nango's command): its arguments and flags, and the options they give src/commands/pull.ts. */
import type { PullType } from '../pull/deployed.js';
import { defineCommand } from './define.js';

export const pullCommand = defineCommand({
    name: 'pull',
    description: "write a deployed function's TypeScript source into the project (from an environment, or the template catalog with -c)",
    module: 'pull',
    load: () => import('./pull.js'),
    args: [
        { name: '<integration>', description: 'integration id', complete: 'integration' },
        { name: '<name>', description: 'function name', complete: 'function' }
    ],
    flags: [
        { flags: '-e, --env <environment>', description: 'environment the function is deployed in (default: dev)', complete: 'environment' },
        { flags: '-c, --catalog', description: 'from the template catalog instead of an environment' },
        { flags: '-s, --sync', description: 'the sync of that name, when several functions share it' },
        { flags: '-a, --action', description: 'the action of that name, when several functions share it' },
        { flags: '--on-event', description: 'the on-event function of that name, when several share it' },
        { flags: '-f, --force', description: 'overwrite a file that exists with different content' },
        { flags: '--repo <owner/name>', description: 'with -c: templates repository on GitHub (as clone --repo)' },
        { flags: '--ref <ref>', description: 'with -c: branch, tag or commit of the templates repository' },
        { flags: '--from <folder>', description: 'with -c: a local checkout of the templates instead of GitHub', complete: 'file' }
    ],
    options: ([integration, name], o) => ({
        integration,
        name,
        environment: o.env,
        catalog: Boolean(o.catalog),
        types: ([o.sync && 'sync', o.action && 'action', o.onEvent && 'on-event'] as const).filter((type): type is PullType => Boolean(type)),
        force: Boolean(o.force),
        autoConfirm: Boolean(o.autoConfirm),
        repo: o.repo,
        ref: o.ref,
        from: o.from
    })
});
