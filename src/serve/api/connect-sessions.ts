/**
 * Nango's connect sessions: `POST /connect/sessions` and `/connect/sessions/reconnect` (secret
 * key) store what one end user may connect and answer a token; `GET` and `DELETE /connect/session`
 * take that token instead of the secret key, as a frontend holding it calls them. Ferry has no
 * Connect UI: the token opens no OAuth flow here (that is `ferry connect`'s), and `connect_link`
 * leads to a page that says so.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { readJson, sendError, sendJson, type Router } from '../http.js';
import type { ServeContext } from '../context.js';
import { endUserSchema, tagsFromEndUser, tagsSchema, toPublicEndUser, type PublicEndUser } from '../connection-tags.js';
import { CONNECT_SESSION_PREFIX, createConnectSession, deleteConnectSession, findConnectSession, type ConnectSessionRow, type NewConnectSession } from '../connect-sessions-store.js';
import { parseOr400, queryObject } from './validate.js';
import { connectionIdSchema, providerConfigKeySchema } from './schemas.js';

const organization = z.strictObject({ id: z.string().min(0).max(255), display_name: z.string().max(255).optional() }).optional();
const configDefaults = z
    .record(
        providerConfigKeySchema,
        z.strictObject({
            user_scopes: z.string().optional(),
            authorization_params: z.record(z.string(), z.string()).optional(),
            connection_config: z.looseObject({ oauth_scopes_override: z.string().optional() }).optional()
        })
    )
    .optional();
const overrides = z.record(providerConfigKeySchema, z.object({ docs_connect: z.string().optional() })).optional();
const webhookUrl = z.union([z.url(), z.literal('')]).optional();
const sessionBody = z.strictObject({
    end_user: endUserSchema,
    organization,
    allowed_integrations: z.array(providerConfigKeySchema).optional(),
    integrations_config_defaults: configDefaults,
    overrides,
    webhook_url_override: webhookUrl,
    tags: tagsSchema.optional()
});
// As Nango: the end user may be left out when tags say who the connection is for.
const sessionBodyWithTags = sessionBody.extend({ end_user: endUserSchema.optional(), tags: tagsSchema });
const reconnectBody = z.strictObject({
    connection_id: connectionIdSchema,
    integration_id: providerConfigKeySchema,
    end_user: endUserSchema.optional(),
    organization,
    integrations_config_defaults: configDefaults,
    overrides,
    webhook_url_override: webhookUrl,
    tags: tagsSchema.optional()
});
type SessionBody = z.infer<typeof sessionBody> | z.infer<typeof sessionBodyWithTags>;

const TOKEN = new RegExp(`^${CONNECT_SESSION_PREFIX}[a-f0-9]{64}$`);
const TOKEN_FAILURES = {
    missing_auth_header: 'Authentication failed. The request is missing the Authorization header.',
    malformed_auth_header: 'Authentication failed. The Authorization header is malformed.',
    invalid_connect_session_token_format: 'Authentication failed. The provided connect session token is not following correct format: nango_connect_session_RANDOM)',
    unknown_connect_session_token: 'Authentication failed. The provided connect session token does not match any account.'
} as const;

function endUserOf(body: Pick<SessionBody, 'end_user' | 'organization'>): PublicEndUser | null {
    if (!body.end_user) return null;
    const org = body.organization ? { id: body.organization.id, display_name: body.organization.display_name ?? null } : null;
    return { ...toPublicEndUser(body.end_user), organization: org };
}

/** The integrations a body names that do not exist, as Nango's issues; none: an empty list. */
async function missingIntegrations(ctx: ServeContext, body: Partial<Pick<SessionBody, 'allowed_integrations' | 'integrations_config_defaults' | 'overrides'>>): Promise<{ code: string; message: string; path: (string | number)[] }[]> {
    const known = new Set((await ctx.store.listIntegrations()).map((i) => i.unique_key));
    const issue = (path: (string | number)[]) => ({ code: 'custom', message: 'Integration does not exist', path });
    return [
        ...(body.allowed_integrations ?? []).flatMap((key, index) => (known.has(key) ? [] : [issue(['allowed_integrations', index])])),
        ...Object.keys(body.integrations_config_defaults ?? {}).flatMap((key) => (known.has(key) ? [] : [issue(['integrations_config_defaults', key])])),
        ...Object.keys(body.overrides ?? {}).flatMap((key) => (known.has(key) ? [] : [issue(['overrides', key])]))
    ];
}

async function answerSession(ctx: ServeContext, res: ServerResponse, session: NewConnectSession): Promise<void> {
    const { token, expiresAt } = await createConnectSession(ctx.storage, session);
    sendJson(res, 201, { data: { token, connect_link: `${ctx.url}/connect?session_token=${token}`, expires_at: expiresAt.toISOString() } });
}

/** The session the request's token stands for, or undefined after Nango's 401. */
async function sessionOf(ctx: ServeContext, req: IncomingMessage, res: ServerResponse): Promise<ConnectSessionRow | undefined> {
    const fail = (code: keyof typeof TOKEN_FAILURES): undefined => void sendJson(res, 401, { error: { message: TOKEN_FAILURES[code], code, payload: {} } });
    const header = req.headers['authorization'];
    if (!header) return fail('missing_auth_header');
    const token = header.split('Bearer ').pop();
    if (!token) return fail('malformed_auth_header');
    if (!TOKEN.test(token)) return fail('invalid_connect_session_token_format');
    return (await findConnectSession(ctx.storage, token)) ?? fail('unknown_connect_session_token');
}

function sessionView(session: ConnectSessionRow): Record<string, unknown> {
    const data: Record<string, unknown> = {
        endUser: session.end_user,
        connectUISettings: { showWatermark: true, defaultTheme: 'system', theme: { light: { primary: '#00B2E3' }, dark: { primary: '#00B2E3' } } }
    };
    if (session.allowed_integrations) data['allowed_integrations'] = session.allowed_integrations;
    if (session.integrations_config_defaults) {
        data['integrations_config_defaults'] = Object.fromEntries(
            Object.entries(session.integrations_config_defaults).map(([key, value]) => [key, { connection_config: value['connection_config'], authorization_params: value['authorization_params'] }])
        );
    }
    if (session.connection_id !== null) data['isReconnecting'] = true;
    if (session.overrides) data['overrides'] = session.overrides;
    return data;
}

export function registerConnectSessionRoutes(router: Router, ctx: ServeContext): void {
    router.add({
        method: 'POST',
        path: '/connect/sessions',
        handler: async ({ req, res, url }) => {
            if (!parseOr400(res, z.strictObject({}), queryObject(url), 'invalid_query_params')) return;
            const raw = await readJson(req);
            const hasTagsOnly = typeof raw === 'object' && raw !== null && 'tags' in raw && !('end_user' in raw);
            const body: SessionBody | undefined = hasTagsOnly ? parseOr400(res, sessionBodyWithTags, raw, 'invalid_body') : parseOr400(res, sessionBody, raw, 'invalid_body');
            if (!body) return;
            const missing = await missingIntegrations(ctx, body);
            if (missing.length) return sendError(res, 400, 'invalid_body', undefined, { errors: missing });
            await answerSession(ctx, res, {
                end_user: endUserOf(body),
                tags: { ...tagsFromEndUser(body.end_user), ...body.tags },
                allowed_integrations: body.allowed_integrations?.length ? body.allowed_integrations : null,
                integrations_config_defaults: body.integrations_config_defaults ?? null,
                overrides: body.overrides ?? null,
                webhook_url_override: body.webhook_url_override || null,
                connection_id: null
            });
        }
    });

    router.add({
        method: 'POST',
        path: '/connect/sessions/reconnect',
        handler: async ({ req, res, url }) => {
            if (!parseOr400(res, z.strictObject({}), queryObject(url), 'invalid_query_params')) return;
            const body = parseOr400(res, reconnectBody, await readJson(req), 'invalid_body');
            if (!body) return;
            const connection = await ctx.store.getConnection(body.integration_id, body.connection_id);
            if (!connection) return sendError(res, 400, 'invalid_body', 'ConnectionID or IntegrationId does not exists');
            const missing = await missingIntegrations(ctx, body);
            if (missing.length) return sendError(res, 400, 'invalid_body', undefined, { errors: missing });
            await answerSession(ctx, res, {
                end_user: endUserOf(body),
                tags: { ...tagsFromEndUser(body.end_user), ...body.tags },
                allowed_integrations: [body.integration_id],
                integrations_config_defaults: body.integrations_config_defaults ?? null,
                overrides: body.overrides ?? null,
                webhook_url_override: body.webhook_url_override || null,
                connection_id: connection.id
            });
        }
    });

    registerTokenRoutes(router, ctx);

    router.add({
        method: 'GET',
        path: '/connect',
        public: true,
        handler: ({ res }) => {
            res.writeHead(501, { 'content-type': 'text/plain; charset=utf-8' });
            res.end('ferry serve has no Connect UI. Create the connection with `ferry connect <integration> <connection-id>` or POST /connections.\n');
        }
    });
}

/** The routes a frontend calls with the session token; public to the secret-key check, the token is the key here. */
function registerTokenRoutes(router: Router, ctx: ServeContext): void {
    const answers = {
        GET: async (res: ServerResponse, session: ConnectSessionRow) => sendJson(res, 200, { data: sessionView(session) }),
        DELETE: async (res: ServerResponse, session: ConnectSessionRow) => {
            await deleteConnectSession(ctx.storage, session.id);
            res.writeHead(204).end();
        }
    };
    for (const [method, answer] of Object.entries(answers)) {
        router.add({
            method,
            path: '/connect/session',
            public: true,
            handler: async ({ req, res, url }) => {
                const session = await sessionOf(ctx, req, res);
                if (!session) return;
                if (!parseOr400(res, z.strictObject({}), queryObject(url), 'invalid_query_params')) return;
                await answer(res, session);
            }
        });
    }
}
