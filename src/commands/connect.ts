/**
 * `ferry connect <integration> [<connection-id>]`: an OAuth connection through the local server.
 * The server builds the provider's authorization URL; the browser opens it (or the user does,
 * from the printed URL); the provider sends the browser back to the server, which stores the
 * connection; this command waits for that and says how it ended.
 */
import type { CliContext } from '../context.js';
import { ExitCode, FerryError, usageError } from '../errors.js';
import { adminClient } from '../platform/admin.js';

export interface ConnectOptions {
    integration: string;
    connectionId?: string;
    environment: string;
    /** false with --no-browser: print the URL only. */
    browser: boolean;
    timeout: string;
    config?: string;
    webhookUrlOverride?: string;
}

export async function run(options: ConnectOptions, ctx: CliContext): Promise<ExitCode> {
    const seconds = Number(options.timeout);
    if (!/^\d+$/.test(options.timeout) || seconds < 1) throw usageError(`--timeout must be a whole number of seconds, not '${options.timeout}'`, 'e.g. --timeout 300.');
    const connectionConfig = options.config === undefined ? undefined : parseConfig(options.config);
    if (options.webhookUrlOverride !== undefined && !URL.canParse(options.webhookUrlOverride)) throw usageError(`--webhook-url-override is not a URL: '${options.webhookUrlOverride}'`, 'e.g. --webhook-url-override http://127.0.0.1:4000/hooks.');
    const [{ startFlow, waitForFlow }, { openBrowser }] = await Promise.all([import('../serve/oauth/client.js'), import('../serve/oauth/browser.js')]);
    const client = await adminClient(ctx.cwd, ctx.env, options.environment);
    try {
        const flow = await startFlow(client, { integration: options.integration, connectionId: options.connectionId, connectionConfig, webhookUrlOverride: options.webhookUrlOverride });
        const opened = options.browser && (await openBrowser(flow.authorizationUrl, ctx.env));
        ctx.log.info(opened ? 'Opened the authorization page in your browser. If it did not appear, open:' : 'Open this URL in a browser to authorize the connection:');
        ctx.log.info(flow.authorizationUrl);
        ctx.log.info(`Waiting for the provider (up to ${seconds} s; Ctrl-C to give up)...`);
        const outcome = await waitForFlow(client, flow, { timeoutMs: seconds * 1000 });
        if (outcome.status === 'error') {
            throw new FerryError({
                code: outcome.code === 'access_denied' ? 'OAUTH_DENIED' : 'OAUTH_FAILED',
                message: `Connection ${flow.connectionId} was not created: ${outcome.message.replace(/\.$/, '')}`,
                hint: outcome.code === 'access_denied' ? 'Run ferry connect again and allow the access.' : 'Check the integration\'s client id, secret and scopes, then run ferry connect again.'
            });
        }
        if (ctx.json) ctx.printJson({ connection_id: outcome.connectionId, provider_config_key: flow.integration });
        else ctx.out(`Connection ${outcome.connectionId} created for integration ${flow.integration} (OAuth2; credentials stored encrypted, not shown).`);
        return ExitCode.Ok;
    } finally {
        await client.close();
    }
}

function parseConfig(text: string): Record<string, unknown> {
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch {
        throw usageError('--config is not valid JSON', 'e.g. --config \'{"subdomain":"acme"}\'.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw usageError('--config must be a JSON object', 'e.g. {"subdomain":"acme"}.');
    return parsed as Record<string, unknown>;
}
