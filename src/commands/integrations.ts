/** `ferry integrations create|list|get|delete`: the platform's integrations, through its API. */
import type { CliContext } from '../context.js';
import { ExitCode, usageError } from '../errors.js';
import { adminClient, createIntegration, deleteIntegration, getIntegration, listIntegrations } from '../platform/admin.js';

interface IntegrationsOptions {
    action: 'create' | 'list' | 'get' | 'delete';
    key?: string;
    environment: string;
    provider?: string;
    baseUrl?: string;
    displayName?: string;
    clientId?: string;
    clientSecret?: string;
    scopes?: string;
    authorizationUrl?: string;
    tokenUrl?: string;
    webhookSecret?: string;
}

export async function run(options: IntegrationsOptions, ctx: CliContext): Promise<ExitCode> {
    if (options.action === 'create' && !options.provider) throw usageError('--provider is required', 'e.g. ferry integrations create github --provider github.');
    for (const [flag, value] of [['--base-url', options.baseUrl], ['--authorization-url', options.authorizationUrl], ['--token-url', options.tokenUrl]] as const) {
        if (value && !URL.canParse(value)) throw usageError(`${flag} is not a URL: '${value}'`, `e.g. ${flag} http://127.0.0.1:8080.`);
    }
    const client = await adminClient(ctx.cwd, ctx.env, options.environment);
    try {
        switch (options.action) {
            case 'create': {
                const created = await createIntegration(client, {
                    key: options.key!,
                    provider: options.provider!,
                    baseUrl: options.baseUrl,
                    displayName: options.displayName,
                    clientId: options.clientId,
                    clientSecret: options.clientSecret,
                    scopes: options.scopes,
                    authorizationUrl: options.authorizationUrl,
                    tokenUrl: options.tokenUrl,
                    webhookSecret: options.webhookSecret
                });
                if (ctx.json) ctx.printJson(created);
                else ctx.out(`Integration ${String(created['unique_key'] ?? options.key)} created (provider ${String(created['provider'] ?? options.provider)}).`);
                break;
            }
            case 'list': {
                const list = await listIntegrations(client);
                if (ctx.json) ctx.printJson({ integrations: list });
                else if (list.length === 0) ctx.log.info('No integrations yet: create one with `ferry integrations create <key> --provider <provider>`.');
                else for (const item of list) ctx.out(`${String(item['unique_key'])}\t${String(item['provider'])}\t${String(item['created_at'] ?? '')}`);
                break;
            }
            case 'get': {
                const found = await getIntegration(client, options.key!);
                if (ctx.json) ctx.printJson(found);
                else for (const [name, value] of Object.entries(found)) ctx.out(`${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
                break;
            }
            case 'delete': {
                await deleteIntegration(client, options.key!);
                if (ctx.json) ctx.printJson({ deleted: options.key });
                else ctx.out(`Integration ${options.key} deleted (with its connections).`);
                break;
            }
        }
    } finally {
        await client.close();
    }
    return ExitCode.Ok;
}
