/** `ferry deploy`: its arguments, flags and help, and the options they give src/commands/deploy.ts. */
import { defineCommand, sourcemapFlag } from './define.js';

export const deployCommand = defineCommand({
    name: 'deploy',
    description: 'preview and upload the functions to the platform',
    module: 'deploy',
    load: () => import('./deploy.js'),
    args: [{ name: '[environment]', description: 'platform environment (same as -e)', complete: 'environment' }],
    flags: [
        { flags: '-e, --environment <env>', description: 'platform environment (default: dev)', complete: 'environment' },
        { flags: '-s, --sync <name>', description: 'deploy only this sync', complete: 'function' },
        { flags: '-a, --action <name>', description: 'deploy only this action', complete: 'function' },
        { flags: '-i, --integration <id>', description: 'deploy only this integration', complete: 'integration' },
        { flags: '-v, --version <version>', description: "version to stamp on the deployed functions (default: each function's own)" },
        { flags: '--allow-destructive', description: 'allow deleting syncs that have connections, or models' },
        { flags: '--auto-confirm', description: 'do not ask for confirmation (also NANGO_DEPLOY_AUTO_CONFIRM=true)' },
        { flags: '--dry-run', description: 'preview the plan only, deploy nothing' },
        sourcemapFlag
    ],
    help: [
        '',
        'Examples:',
        '  ferry deploy prod --dry-run    show the plan only',
        '  ferry deploy -s issues         one sync',
        '  ferry deploy prod --auto-confirm --allow-destructive --json   unattended, in CI',
        '',
        'Environment: NANGO_SECRET_KEY_<ENV> (or NANGO_SECRET_KEY), NANGO_HOSTPORT, NANGO_DEPLOY_AUTO_CONFIRM.',
        'Exit codes: 0 deployed or previewed, 1 bad flags, 10 compile error, 11 deploy failed or refused.'
    ],
    options: ([environment], o, env) => ({
        environment: o.environment,
        positionalEnvironment: environment,
        sync: o.sync,
        action: o.action,
        integration: o.integration,
        version: o.version,
        allowDestructive: Boolean(o.allowDestructive),
        autoConfirm: Boolean(o.autoConfirm) || env['NANGO_DEPLOY_AUTO_CONFIRM']?.trim().toLowerCase() === 'true',
        dryRun: Boolean(o.dryRun),
        sourcemap: o.sourcemap !== 'false'
    })
});
