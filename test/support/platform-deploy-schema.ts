/**
 * What the platform accepts as a `POST /sync/deploy` body, restated from Nango's public server
 * source (its deploy route validates the body this strictly before doing anything): unknown keys
 * are refused at every level, methods are upper-case, frequencies follow one pattern, features
 * are known ones, and every model and input a flow names has a JSON Schema. Tests parse what a
 * deploy sent with it, so "the platform would accept this" is checked, not assumed.
 */
import { z } from 'zod';

const FREQUENCY = /^(every )?(([0-9]+)?\s?(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)|(month|week|half day|half hour|quarter hour))$/;
const fileBody = z.object({ js: z.string(), ts: z.string() }).strict();
const endpoint = z.object({ method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']), path: z.string(), group: z.string().min(1).max(64).optional() }).strict();

const flowConfig = z
    .object({
        type: z.enum(['action', 'sync']),
        models: z.array(z.string().min(1).max(255)),
        runs: z.union([z.literal(''), z.string().regex(FREQUENCY)]).nullable(),
        auto_start: z.boolean().optional(),
        attributes: z.object({}).optional(),
        metadata: z.object({ scopes: z.array(z.string().max(255)).optional(), description: z.string().max(2000).optional() }).strict().optional(),
        input: z.string().max(255).optional(),
        endpoints: z.array(endpoint).optional(),
        syncName: z.string().regex(/^[a-zA-Z0-9_-]+$/).max(255),
        providerConfigKey: z.string().regex(/^[a-zA-Z0-9~:.@ _-]+$/).max(255),
        fileBody,
        version: z.string().optional(),
        track_deletes: z.boolean().optional(),
        sync_type: z.enum(['incremental', 'full']).optional(),
        webhookSubscriptions: z.array(z.string().max(255)).optional(),
        models_json_schema: z.object({ definitions: z.record(z.string(), z.looseObject({})) }).optional(),
        features: z.array(z.enum(['checkpoints'])).optional()
    })
    .strict()
    .refine((flow) => !(flow.sync_type === 'incremental' && flow.track_deletes), { message: 'track_deletes on an incremental sync' })
    .refine((flow) => !flow.models_json_schema || [...flow.models, ...(flow.input ? [flow.input] : [])].every((name) => name in flow.models_json_schema!.definitions), {
        message: 'a model or the input has no JSON Schema'
    });

const onEventScripts = z.array(
    z
        .object({
            providerConfigKey: z.string().regex(/^[a-zA-Z0-9~:.@ _-]+$/).max(255),
            scripts: z.array(z.object({ name: z.string().min(1).max(255), fileBody, event: z.enum(['post-connection-creation', 'pre-connection-deletion', 'validate-connection']) }).strict())
        })
        .strict()
);

const common = {
    flowConfigs: z.array(flowConfig),
    onEventScriptsByProvider: onEventScripts.optional(),
    reconcile: z.boolean(),
    debug: z.boolean(),
    deployMode: z.enum(['all', 'single', 'integration']).optional(),
    sdkVersion: z.string().regex(/[0-9]+\.[0-9]+\.[0-9]+-(zero|yaml)/).optional(),
    source: z.enum(['standalone', 'repo']).optional()
};

/** The deploy call's body. */
export const platformDeployBody = z.object({ ...common, nangoYamlBody: z.string() }).strict();
/** The confirmation (preview) call's body. */
export const platformConfirmationBody = z.object(common).strict();
