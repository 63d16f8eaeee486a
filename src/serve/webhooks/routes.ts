/**
 * The webhook settings through the API: Nango's `PATCH /api/v1/environments/webhook` (the body its
 * dashboard sends) and its public `POST /environment/webhook-signing-key/rotate`, plus a read of the
 * settings without the key (`GET /api/v1/environments/webhook`, Ferry's own). All need the secret key.
 */
import { z } from 'zod';
import { parseOr400, queryObject } from '../api/validate.js';
import { readJson, sendError, sendJson, type Router } from '../http.js';
import type { WebhookSettingsStore } from './settings.js';

const url = z.union([z.url({ protocol: /^https?$/ }), z.literal('')]).optional();
const patchBody = z.strictObject({
    primary_url: url,
    secondary_url: url,
    on_sync_completion_always: z.boolean().optional(),
    on_auth_creation: z.boolean().optional(),
    on_auth_refresh_error: z.boolean().optional(),
    on_sync_error: z.boolean().optional(),
    on_async_action_completion: z.boolean().optional()
});
const envQuery = z.strictObject({ env: z.string().max(255).optional() });

export function registerWebhookSettingsRoutes(router: Router, settings: WebhookSettingsStore, log: (line: string) => void): void {
    router.add({
        method: 'PATCH',
        path: '/api/v1/environments/webhook',
        handler: async ({ req, res, url: requestUrl }) => {
            if (!parseOr400(res, envQuery, queryObject(requestUrl), 'invalid_query_params')) return;
            const body = parseOr400(res, patchBody, await readJson(req), 'invalid_body');
            if (!body) return;
            const change = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
            if (Object.keys(change).length === 0) return sendError(res, 400, 'invalid_body', 'Nothing to update');
            await settings.update(change);
            log(`webhook settings changed (${Object.keys(change).join(', ')})`);
            sendJson(res, 200, { success: true });
        }
    });
    router.add({
        method: 'GET',
        path: '/api/v1/environments/webhook',
        handler: async ({ res, url: requestUrl }) => {
            if (!parseOr400(res, envQuery, queryObject(requestUrl), 'invalid_query_params')) return;
            sendJson(res, 200, { data: { ...(await settings.get()), environment: settings.environmentName, environment_uuid: settings.uuid } });
        }
    });
    router.add({
        method: 'POST',
        path: '/environment/webhook-signing-key/rotate',
        handler: async ({ res, url: requestUrl }) => {
            if (!parseOr400(res, z.strictObject({}), queryObject(requestUrl), 'invalid_query_params')) return;
            const key = await settings.rotate();
            log('webhook signing key rotated');
            sendJson(res, 200, { data: { webhook_signing_key: key } });
        }
    });
}
