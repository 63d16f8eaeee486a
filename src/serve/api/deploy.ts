/**
 * POST /sync/deploy/confirmation (what a deploy would change) and POST /sync/deploy (store the
 * functions, remove what the deploy removes when `reconcile` is set), with Nango's body checks,
 * answers and errors. One deploy at a time, as Nango's: a second one meanwhile is refused (409).
 */
import { z } from 'zod';
import { readJson, sendJson, type Router } from '../http.js';
import { planDeploy, type DeployMode, type Flow, type OnEventGroup } from '../deploy-plan.js';
import { connectionCounts, deleteFunction, listFunctions, upsertFunction } from '../functions-store.js';
import type { ServeContext } from '../context.js';
import { parseOr400, queryObject } from './validate.js';
import { providerConfigKeySchema } from './schemas.js';

const name = z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/)
    .max(255);
const frequency = z
    .string()
    .regex(
        /^(?<every>every )?((?<amount>[0-9]+)?\s?(?<unit>(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?))|(?<unit2>(month|week|half day|half hour|quarter hour)))$/
    );
const fileBody = z.strictObject({ js: z.string(), ts: z.string() });
const endpoint = z.union([
    z.strictObject({ method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']), path: z.string(), group: z.string().min(1).max(64).optional() }),
    z.strictObject({ GET: z.string().optional(), POST: z.string().optional(), PATCH: z.string().optional(), PUT: z.string().optional(), DELETE: z.string().optional() })
]);
const flowSchema = z
    .strictObject({
        type: z.enum(['action', 'sync']),
        models: z.array(z.string().min(1).max(255)),
        runs: z.union([z.string().length(0), frequency]).nullable(),
        auto_start: z.boolean().optional().default(false),
        attributes: z.object({}).optional(),
        metadata: z.strictObject({ scopes: z.array(z.string().max(255)).optional(), description: z.string().max(2000).optional() }).optional(),
        model_schema: z.unknown().optional(),
        input: z.unknown().optional(),
        endpoints: z.array(endpoint).optional(),
        syncName: name,
        providerConfigKey: providerConfigKeySchema,
        fileBody,
        version: z.string().optional(),
        track_deletes: z.boolean().optional().default(false),
        sync_type: z.enum(['incremental', 'full']).optional(),
        webhookSubscriptions: z.array(z.string().max(255)).optional(),
        models_json_schema: z.object({ definitions: z.record(z.string(), z.looseObject({})) }).optional(),
        features: z.array(z.enum(['checkpoints'])).default([])
    })
    .refine((data) => !(data.sync_type === 'incremental' && data.track_deletes), { message: 'Track deletes is not supported for incremental syncs', path: ['track_deletes'] })
    .refine(
        (data) => {
            if (!data.models_json_schema) return true;
            const models = [...data.models, ...(typeof data.input === 'string' ? [data.input] : [])];
            return models.every((model) => model in data.models_json_schema!.definitions);
        },
        { message: 'models_json_schema is missing definitions for some models or input', path: ['models_json_schema'] }
    );
const scripts = z.array(
    z.strictObject({
        providerConfigKey: providerConfigKeySchema,
        scripts: z.array(z.strictObject({ name: z.string().min(1).max(255), fileBody, event: z.enum(['post-connection-creation', 'pre-connection-deletion', 'validate-connection']) }))
    })
);
const legacyScripts = z.array(z.strictObject({ providerConfigKey: providerConfigKeySchema, scripts: z.array(z.strictObject({ name: z.string().min(1).max(255), fileBody })) }));
const common = {
    flowConfigs: z.array(flowSchema),
    onEventScriptsByProvider: scripts.optional(),
    postConnectionScriptsByProvider: legacyScripts.optional(),
    jsonSchema: z.unknown().optional(),
    reconcile: z.boolean(),
    debug: z.boolean(),
    deployMode: z.enum(['all', 'single', 'integration']).optional(),
    singleDeployMode: z.boolean().optional(),
    sdkVersion: z
        .string()
        .regex(/[0-9]+\.[0-9]+\.[0-9]+-(zero|yaml)/)
        .optional(),
    source: z.enum(['standalone', 'repo']).optional()
};
const confirmationBody = z.strictObject(common);
const deployBody = z.strictObject({ ...common, nangoYamlBody: z.string() });

type Body = z.infer<typeof confirmationBody>;

function onEventsOf(body: Body): OnEventGroup[] | undefined {
    if (body.onEventScriptsByProvider) return body.onEventScriptsByProvider;
    return body.postConnectionScriptsByProvider?.map((group) => ({ providerConfigKey: group.providerConfigKey, scripts: group.scripts.map((s) => ({ ...s, event: 'post-connection-creation' })) }));
}

const modeOf = (body: Body): DeployMode => body.deployMode ?? (body.singleDeployMode ? 'single' : 'all');

export function registerDeployRoutes(router: Router, ctx: ServeContext): void {
    let deploying = false;

    router.add({
        method: 'POST',
        path: '/sync/deploy/confirmation',
        handler: async ({ req, res, url }) => {
            if (!parseOr400(res, z.strictObject({}), queryObject(url), 'invalid_query_params')) return;
            const body = parseOr400(res, confirmationBody, await readJson(req), 'invalid_body');
            if (!body) return;
            const plan = planDeploy(await listFunctions(ctx.storage), body.flowConfigs as Flow[], onEventsOf(body), modeOf(body), await connectionCounts(ctx.storage));
            sendJson(res, 200, plan.differences);
        }
    });

    router.add({
        method: 'POST',
        path: '/sync/deploy',
        handler: async ({ req, res, url }) => {
            if (!parseOr400(res, z.strictObject({}), queryObject(url), 'invalid_query_params')) return;
            const body = parseOr400(res, deployBody, await readJson(req), 'invalid_body');
            if (!body) return;
            if (deploying) {
                sendJson(res, 409, { error: { message: 'A deployment is already in progress. Please wait for the current deployment to finish.', code: 'concurrent_deployment', payload: {} } });
                return;
            }
            deploying = true;
            try {
                const integrations = new Set((await ctx.store.listIntegrations()).map((i) => i.unique_key));
                const keys = [...body.flowConfigs.map((f) => f.providerConfigKey), ...(onEventsOf(body) ?? []).map((g) => g.providerConfigKey)];
                const unknown = keys.find((key) => !integrations.has(key));
                if (unknown !== undefined) {
                    const payload = { providerConfigKey: unknown };
                    const message = `There is no Provider Configuration matching this key. Please make sure this value exists in the Nango dashboard ${JSON.stringify(payload, null, 2)}`;
                    sendJson(res, 400, { error: { message, code: 'unknown_provider_config', payload } });
                    return;
                }
                const plan = planDeploy(await listFunctions(ctx.storage), body.flowConfigs as Flow[], onEventsOf(body), modeOf(body), await connectionCounts(ctx.storage));
                await ctx.storage.transaction(async (tx) => {
                    // Kept for the function routes: Nango's API deletes only functions not deployed from a project.
                    const origin = { source: body.source ?? 'repo', sdkVersion: body.sdkVersion ?? null };
                    for (const fn of plan.upserts) await upsertFunction(tx, { ...fn, config: { ...fn.config, ...origin } });
                    if (body.reconcile) for (const id of plan.deletions) await deleteFunction(tx, id);
                });
                const d = plan.differences;
                ctx.log(
                    `deployed ${plan.upserts.length} function(s)` +
                        (body.reconcile && plan.deletions.length ? `, removed ${d.deletedSyncs.length + d.deletedActions.length + d.deletedOnEventScripts.length}` : '')
                );
                const flows = plan.upserts.filter((fn) => fn.type !== 'on-event');
                sendJson(
                    res,
                    200,
                    flows.map((fn) => ({ name: fn.name, models: fn.models, version: fn.version, providerConfigKey: fn.provider_config_key, type: fn.type }))
                );
            } finally {
                deploying = false;
            }
        }
    });
}
