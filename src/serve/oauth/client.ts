/**
 * `ferry connect`'s side of an OAuth flow, through the platform's API: start the flow on the
 * local server (it answers with the provider's authorization URL), then wait for the browser to
 * come back to the server and read how it ended. Nothing here prints.
 */
import { FerryError } from '../../errors.js';
import type { PlatformClient } from '../../platform/client.js';

export interface StartedFlow {
    id: string;
    authorizationUrl: string;
    connectionId: string;
    integration: string;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

async function call(client: PlatformClient, method: string, path: string, body?: Json): Promise<{ status: number; body: Json }> {
    const response = await client.raw({ method, path, ...(body ? { body } : {}) });
    let parsed: unknown = null;
    try {
        parsed = response.body.length ? JSON.parse(response.body.toString('utf8')) : null;
    } catch {
        parsed = null;
    }
    if (response.status === 401 || response.status === 403 || response.status >= 500) throw client.statusError(response, { method, path });
    return { status: response.status, body: isObject(parsed) ? parsed : {} };
}

function errorOf(body: Json): { code: string; message: string } {
    const error = isObject(body['error']) ? body['error'] : {};
    return { code: typeof error['code'] === 'string' ? error['code'] : 'unknown', message: typeof error['message'] === 'string' ? error['message'] : '' };
}

export async function startFlow(client: PlatformClient, input: { integration: string; connectionId?: string | undefined; connectionConfig?: Json | undefined; webhookUrlOverride?: string | undefined }): Promise<StartedFlow> {
    const { status, body } = await call(client, 'POST', '/oauth/sessions', {
        provider_config_key: input.integration,
        ...(input.connectionId ? { connection_id: input.connectionId } : {}),
        ...(input.connectionConfig ? { connection_config: input.connectionConfig } : {}),
        ...(input.webhookUrlOverride ? { webhook_url_override: input.webhookUrlOverride } : {})
    });
    const data = isObject(body['data']) ? body['data'] : undefined;
    if (status === 201 && data && typeof data['authorization_url'] === 'string') {
        return { id: String(data['id']), authorizationUrl: data['authorization_url'], connectionId: String(data['connection_id']), integration: input.integration };
    }
    const error = errorOf(body);
    if (status === 404 && error.message === 'Integration does not exist') {
        throw new FerryError({ code: 'INTEGRATION_NOT_FOUND', message: `The platform has no integration '${input.integration}'`, hint: 'Create it with `ferry integrations create <key> --provider <provider> --client-id <id> --client-secret <secret>`.' });
    }
    if (status === 404) {
        throw new FerryError({ code: 'OAUTH_NOT_SUPPORTED', message: 'This platform does not start OAuth flows for the CLI', hint: 'ferry connect works against ferry serve (-e local); on hosted Nango, connect from its dashboard or Connect UI.' });
    }
    throw new FerryError({ code: 'OAUTH_NOT_STARTED', message: `The platform could not start the OAuth flow: ${error.message || error.code}`, hint: 'Check the integration: its provider must use OAuth2, with a client id and secret (ferry integrations create ... --client-id --client-secret).' });
}

/** Away (refused connection) or not ready yet (502, 503 while it starts, 504). */
function restarting(error: unknown): boolean {
    if (!(error instanceof FerryError)) return false;
    return error.code === 'PLATFORM_UNREACHABLE' || (error.code === 'PLATFORM_SERVER_ERROR' && [502, 503, 504].includes(Number(error.details?.['status'])));
}

export type FlowOutcome = { status: 'success'; connectionId: string } | { status: 'error'; code: string; message: string };

/** Polls until the flow ends or `timeoutMs` passes. */
export async function waitForFlow(client: PlatformClient, flow: StartedFlow, options: { timeoutMs: number; intervalMs?: number }): Promise<FlowOutcome> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
        const answer = await call(client, 'GET', `/oauth/sessions/${encodeURIComponent(flow.id)}`).catch((error: unknown) => {
            // The server restarting (the flow is kept in its database): ask again until the deadline.
            if (restarting(error) && Date.now() < deadline) return undefined;
            throw error;
        });
        if (!answer) {
            await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
            continue;
        }
        const { status, body } = answer;
        if (status === 404) {
            throw new FerryError({ code: 'OAUTH_FLOW_LOST', message: 'The server no longer knows this OAuth flow (it expired)', hint: 'Run ferry connect again.' });
        }
        const data = isObject(body['data']) ? body['data'] : {};
        if (data['status'] === 'success') return { status: 'success', connectionId: String(data['connection_id'] ?? flow.connectionId) };
        if (data['status'] === 'error') {
            const error = isObject(data['error']) ? data['error'] : {};
            return { status: 'error', code: String(error['code'] ?? 'unknown'), message: String(error['message'] ?? 'the authorization failed') };
        }
        if (Date.now() >= deadline) {
            throw new FerryError({ code: 'OAUTH_TIMEOUT', message: `No answer from the provider within ${Math.round(options.timeoutMs / 1000)} s: connection ${flow.connectionId} was not created`, hint: 'Open the URL printed above and finish the authorization, or pass a longer --timeout.' });
        }
        await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
    }
}
