/** `ferry runs`: its arguments and flags, and the options they give src/commands/runs.ts. */
import { defineCommand, environmentFlag } from './define.js';

export const runsCommand = defineCommand({
    name: 'runs',
    description: "list recent runs of deployed functions on ferry serve (show <id>: one run's logs and error)",
    module: 'runs',
    load: () => import('./runs.js'),
    args: [
        { name: '[show]', description: 'show: one run in full' },
        { name: '[id]', description: 'run id (with show)' }
    ],
    flags: [
        environmentFlag,
        { flags: '--follow', description: 'keep printing runs as they start and finish (Ctrl-C to stop)' },
        { flags: '--limit <n>', description: 'how many recent runs', default: '20' },
        { flags: '--integration <key>', description: 'only this integration', complete: 'integration' },
        { flags: '--connection <id>', description: 'only this connection' }
    ],
    options: ([action, id], o) => ({ action, id, environment: o.environment, follow: o.follow === true, limit: o.limit, integration: o.integration, connection: o.connection })
});
