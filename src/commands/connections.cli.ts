/**
 * `ferry connections create|list|get|delete`: their arguments, flags and help, and the options
 * they give src/commands/connections.ts.
 */
import { defineCommand, defineGroup, environmentFlag } from './define.js';

const load = () => import('./connections.js');
const sharedFlags = [environmentFlag] as const;
const connectionArgs = [
    { name: '<integration>', description: 'integration', complete: 'integration' },
    { name: '<connection-id>', description: 'connection id', complete: 'connection' }
] as const;

export const connectionsCommand = defineGroup({
    name: 'connections',
    description: "manage the platform's connections (credentials go in, never come out)",
    subcommands: [
        defineCommand({
            name: 'create',
            description: 'import a connection with its credentials',
            module: 'connections',
            load,
            args: [
                { name: '<integration>', description: 'integration (provider config key)', complete: 'integration' },
                { name: '<connection-id>', description: 'connection id', complete: 'connection' }
            ],
            sharedFlags,
            flags: [
                { flags: '--token <token>', description: 'OAuth2 access token' },
                { flags: '--api-key <key>', description: 'API key' },
                { flags: '--basic <user:pass>', description: 'user name and password' },
                { flags: '--credentials <json>', description: "credentials object in Nango's import shape: JSON or @file.json" },
                { flags: '--metadata <json>', description: 'metadata: JSON or @file.json' },
                { flags: '--config <json>', description: 'connection config: JSON or @file.json' }
            ],
            options: ([integration, connectionId], o) => ({
                action: 'create',
                integration,
                connectionId,
                environment: o.environment,
                token: o.token,
                apiKey: o.apiKey,
                basic: o.basic,
                credentials: o.credentials,
                metadata: o.metadata,
                config: o.config
            })
        }),
        defineCommand({
            name: 'list',
            description: 'list the connections',
            module: 'connections',
            load,
            sharedFlags,
            flags: [{ flags: '--integration <key>', description: 'only this integration', complete: 'integration' }],
            options: (_args, o) => ({ action: 'list', integration: o.integration, environment: o.environment })
        }),
        defineCommand({
            name: 'get',
            description: 'show one connection (without credentials)',
            module: 'connections',
            load,
            args: connectionArgs,
            sharedFlags,
            options: ([integration, connectionId], o) => ({ action: 'get', integration, connectionId, environment: o.environment })
        }),
        defineCommand({
            name: 'delete',
            description: 'delete a connection',
            module: 'connections',
            load,
            args: connectionArgs,
            sharedFlags,
            options: ([integration, connectionId], o) => ({ action: 'delete', integration, connectionId, environment: o.environment })
        })
    ]
});
