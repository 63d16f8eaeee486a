/** `ferry version` (Nango's command): its flag, and the options it gives src/commands/version.ts. */
import { defineCommand } from './define.js';

export const versionCommand = defineCommand({
    name: 'version',
    description: "print Ferry's version, and the platform's when a secret key is set",
    module: 'version',
    load: () => import('./version.js'),
    flags: [{ flags: '-e, --environment <env>', description: 'platform environment whose key and host to ask (default: dev)', complete: 'environment' }],
    options: (_args, o) => ({ environment: o.environment })
});
