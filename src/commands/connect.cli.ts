/** `ferry connect`: its arguments and flags, and the options they give src/commands/connect.ts. */
import { defineCommand, environmentFlag } from './define.js';

export const connectCommand = defineCommand({
    name: 'connect',
    description: "connect an account with OAuth: opens the provider's authorization page, the local server stores the connection",
    module: 'connect',
    load: () => import('./connect.js'),
    args: [
        { name: '<integration>', description: 'integration (provider config key) with an OAuth client id and secret', complete: 'integration' },
        { name: '[connection-id]', description: 'connection id (default: a new UUID)', complete: 'connection' }
    ],
    flags: [
        environmentFlag,
        { flags: '--no-browser', description: 'print the authorization URL without opening a browser (also FERRY_NO_BROWSER=1)' },
        { flags: '--timeout <seconds>', description: 'how long to wait for the authorization', default: '300' },
        { flags: '--config <json>', description: 'connection config the provider\'s URLs need, e.g. {"subdomain":"acme"}' },
        { flags: '--webhook-url-override <url>', description: "send this connection's webhooks here instead of the environment's URLs" }
    ],
    options: ([integration, connectionId], o) => ({ integration, connectionId, environment: o.environment, browser: o.browser !== false, timeout: o.timeout, config: o.config, webhookUrlOverride: o.webhookUrlOverride })
});
