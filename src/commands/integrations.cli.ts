/**
 * `ferry integrations create|list|get|delete`: their arguments, flags and help, and the options
 * they give src/commands/integrations.ts.
 */
import { defineCommand, defineGroup, environmentFlag } from './define.js';

const load = () => import('./integrations.js');
const sharedFlags = [environmentFlag] as const;
const keyArg = { name: '<key>', description: 'unique key', complete: 'integration' } as const;

export const integrationsCommand = defineGroup({
    name: 'integrations',
    description: "manage the platform's integrations (works against ferry serve and hosted Nango)",
    subcommands: [
        defineCommand({
            name: 'create',
            description: 'create an integration',
            module: 'integrations',
            load,
            args: [{ name: '<key>', description: 'unique key (provider config key), e.g. github', complete: 'integration' }],
            sharedFlags,
            flags: [
                { flags: '--provider <provider>', description: 'provider from the catalog, e.g. github' },
                { flags: '--base-url <url>', description: "the provider API's base URL (a self-hosted provider, tests)" },
                { flags: '--display-name <name>', description: 'display name' },
                { flags: '--client-id <id>', description: 'OAuth client id (needed to refresh OAuth tokens)' },
                { flags: '--client-secret <secret>', description: 'OAuth client secret' },
                { flags: '--scopes <scopes>', description: 'OAuth scopes, comma-separated' },
                { flags: '--authorization-url <url>', description: "replaces the provider's OAuth authorization URL (a self-hosted provider, tests)" },
                { flags: '--token-url <url>', description: "replaces the provider's OAuth token URL" },
                { flags: '--webhook-secret <secret>', description: "checks the signature of the provider's webhooks (ferry serve)" }
            ],
            options: ([key], o) => ({
                action: 'create',
                key,
                environment: o.environment,
                provider: o.provider,
                baseUrl: o.baseUrl,
                displayName: o.displayName,
                clientId: o.clientId,
                clientSecret: o.clientSecret,
                scopes: o.scopes,
                authorizationUrl: o.authorizationUrl,
                tokenUrl: o.tokenUrl,
                webhookSecret: o.webhookSecret
            })
        }),
        defineCommand({ name: 'list', description: 'list the integrations', module: 'integrations', load, sharedFlags, options: (_args, o) => ({ action: 'list', environment: o.environment }) }),
        defineCommand({ name: 'get', description: 'show one integration', module: 'integrations', load, args: [keyArg], sharedFlags, options: ([key], o) => ({ action: 'get', key, environment: o.environment }) }),
        defineCommand({
            name: 'delete',
            description: 'delete an integration and its connections',
            module: 'integrations',
            load,
            args: [keyArg],
            sharedFlags,
            options: ([key], o) => ({ action: 'delete', key, environment: o.environment })
        })
    ]
});
