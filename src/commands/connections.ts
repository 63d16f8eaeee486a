/**
 * `ferry connections create|list|get|delete`: the platform's connections, through its API.
 * Credentials go in (--token, --api-key, --basic, --credentials) and never come out.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliContext } from '../context.js';
import { ExitCode, usageError } from '../errors.js';
import { adminClient, createConnection, deleteConnection, getConnection, listConnections } from '../platform/admin.js';

interface ConnectionsOptions {
    action: 'create' | 'list' | 'get' | 'delete';
    integration?: string;
    connectionId?: string;
    environment: string;
    token?: string;
    apiKey?: string;
    basic?: string;
    credentials?: string;
    metadata?: string;
    config?: string;
}

export async function run(options: ConnectionsOptions, ctx: CliContext): Promise<ExitCode> {
    const input = options.action === 'create' ? await creationInput(options, ctx.cwd) : undefined;
    const client = await adminClient(ctx.cwd, ctx.env, options.environment);
    try {
        const integration = options.integration ?? '';
        const id = options.connectionId ?? '';
        switch (options.action) {
            case 'create': {
                const created = await createConnection(client, { integration, connectionId: id, ...input! });
                if (ctx.json) ctx.printJson(created);
                else ctx.out(`Connection ${id} created for integration ${integration} (${String(created['credentials_type'] ?? input!.credentials['type'])} credentials, not shown).`);
                break;
            }
            case 'list': {
                const list = await listConnections(client, options.integration);
                if (ctx.json) ctx.printJson({ connections: list });
                else if (list.length === 0) ctx.log.info('No connections yet: create one with `ferry connections create <integration> <connection-id> --token <token>`.');
                else for (const item of list) ctx.out(`${String(item['connection_id'])}\t${String(item['provider_config_key'])}\t${String(item['provider'])}\t${String(item['created'] ?? '')}`);
                break;
            }
            case 'get': {
                const found = await getConnection(client, integration, id);
                if (ctx.json) ctx.printJson(found);
                else for (const [name, value] of Object.entries(found)) ctx.out(`${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
                break;
            }
            case 'delete': {
                await deleteConnection(client, integration, id);
                if (ctx.json) ctx.printJson({ deleted: { integration, connectionId: id } });
                else ctx.out(`Connection ${id} of integration ${integration} deleted.`);
                break;
            }
        }
    } finally {
        await client.close();
    }
    return ExitCode.Ok;
}

type Json = Record<string, unknown>;

async function creationInput(options: ConnectionsOptions, cwd: string): Promise<{ credentials: Json; metadata?: Json; config?: Json }> {
    const given = (['token', 'apiKey', 'basic', 'credentials'] as const).filter((name) => options[name] !== undefined);
    if (given.length !== 1) {
        throw usageError(
            given.length === 0 ? 'the connection needs credentials' : `give one kind of credentials, not ${given.length}`,
            'Pass exactly one of --token <t>, --api-key <k>, --basic <user:pass> or --credentials <json|@file>.'
        );
    }
    let credentials: Json;
    if (options.token !== undefined) credentials = { type: 'OAUTH2', access_token: options.token };
    else if (options.apiKey !== undefined) credentials = { type: 'API_KEY', apiKey: options.apiKey };
    else if (options.basic !== undefined) {
        const colon = options.basic.indexOf(':');
        if (colon < 0) throw usageError('--basic must be user:password', 'e.g. --basic alice:s3cret (an empty password: alice:).');
        credentials = { type: 'BASIC', username: options.basic.slice(0, colon), password: options.basic.slice(colon + 1) };
    } else credentials = await jsonObject('--credentials', options.credentials!, cwd);
    if (typeof credentials['type'] !== 'string') throw usageError('--credentials needs a "type"', 'e.g. {"type":"OAUTH2","access_token":"...","refresh_token":"..."}.');
    const metadata = options.metadata === undefined ? undefined : await jsonObject('--metadata', options.metadata, cwd);
    const config = options.config === undefined ? undefined : await jsonObject('--config', options.config, cwd);
    return { credentials, ...(metadata ? { metadata } : {}), ...(config ? { config } : {}) };
}

/** A JSON object given inline or as @file. The value is never echoed: it may hold a secret. */
async function jsonObject(flag: string, value: string, cwd: string): Promise<Json> {
    const text = value.startsWith('@') ? await readFile(resolve(cwd, value.slice(1)), 'utf8') : value;
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch {
        throw usageError(`${flag} is not valid JSON`, `Pass a JSON object, or @file.json.`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw usageError(`${flag} must be a JSON object`, 'e.g. {"key":"value"}.');
    return parsed as Json;
}
