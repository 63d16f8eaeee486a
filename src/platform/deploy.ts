/**
 * The two deploy endpoints (docs/platform-api.md). The preview changes nothing, so it is retried on
 * transient failures; the deploy itself is retried only when the server cannot have received it
 * (the connection was never made), so a deployment is never sent twice. Every answer is checked
 * against a schema before use, and every error says whether anything was deployed.
 */
import { z } from 'zod';
import { FerryError } from '../errors.js';
import type { DeployPlan, PlanSync } from '../deploy/types.js';
import type { PlatformClient, RawRequest } from './client.js';
import { DEFAULT_RETRY, NEVER_SENT, networkCodeOf, readRetryReason, statusOf, withRetry, type RetryNotice as BaseRetryNotice, type RetryPolicy } from './retry.js';

const CONFIRMATION_PATH = '/sync/deploy/confirmation';
const DEPLOY_PATH = '/sync/deploy';

const slimSync = z.looseObject({
    name: z.string(),
    providerConfigKey: z.string(),
    connections: z.number().int().nonnegative().nullish(),
    auto_start: z.boolean().nullish()
});
const slimAction = z.looseObject({ name: z.string(), providerConfigKey: z.string() });
const slimOnEvent = z.looseObject({ name: z.string(), providerConfigKey: z.string(), event: z.string().default('') });

/** The confirmation answer. What decides safety (deletions) is required; the rest defaults to empty for older platforms. */
const confirmationSchema = z.looseObject({
    newSyncs: z.array(slimSync),
    updatedSyncs: z.array(slimSync).default([]),
    deletedSyncs: z.array(slimSync),
    newActions: z.array(slimAction),
    updatedActions: z.array(slimAction).default([]),
    deletedActions: z.array(slimAction),
    newOnEventScripts: z.array(slimOnEvent).default([]),
    updatedOnEventScripts: z.array(slimOnEvent).default([]),
    deletedOnEventScripts: z.array(slimOnEvent).default([]),
    deletedModels: z.array(z.string())
});

const deployAnswerSchema = z.array(
    z.looseObject({
        name: z.string(),
        version: z.string().nullish(),
        providerConfigKey: z.string().optional(),
        type: z.string().optional()
    })
);

export interface DeployAnswerEntry {
    name: string;
    version: string | null;
    providerConfigKey?: string;
    type?: string;
}

function toPlan(answer: z.infer<typeof confirmationSchema>): DeployPlan {
    const sync = (s: z.infer<typeof slimSync>): PlanSync => ({
        name: s.name,
        integration: s.providerConfigKey,
        connections: s.connections ?? null,
        autoStart: s.auto_start ?? true
    });
    const entry = (a: z.infer<typeof slimAction>) => ({ name: a.name, integration: a.providerConfigKey });
    const onEvent = (o: z.infer<typeof slimOnEvent>) => ({ name: o.name, integration: o.providerConfigKey, event: o.event });
    return {
        syncs: { new: answer.newSyncs.map(sync), updated: answer.updatedSyncs.map(sync), deleted: answer.deletedSyncs.map(sync) },
        actions: { new: answer.newActions.map(entry), updated: answer.updatedActions.map(entry), deleted: answer.deletedActions.map(entry) },
        onEventScripts: {
            new: answer.newOnEventScripts.map(onEvent),
            updated: answer.updatedOnEventScripts.map(onEvent),
            deleted: answer.deletedOnEventScripts.map(onEvent)
        },
        deletedModels: answer.deletedModels
    };
}

export type { RetryPolicy } from './retry.js';
export type RetryNotice = BaseRetryNotice<'preview' | 'deploy'>;

interface DeployApiOptions {
    /** A client per call: the deploy gets a fresh connection, never one that idled through a prompt. */
    newClient: () => PlatformClient;
    previewTimeoutMs?: number;
    deployTimeoutMs?: number;
    retry?: Partial<RetryPolicy>;
    onRetry?: (notice: RetryNotice) => void;
}

export interface DeployApi {
    host: string;
    /** POST /sync/deploy/confirmation with a serialised preview body. */
    preview(body: string): Promise<DeployPlan>;
    /** POST /sync/deploy with the serialised deploy body. */
    deploy(body: string): Promise<DeployAnswerEntry[]>;
    close(): Promise<void>;
}

/** Why a deploy may be retried (only when it cannot have arrived), or undefined. */
function deployRetryReason(error: unknown): string | undefined {
    const code = networkCodeOf(error);
    return statusOf(error) === undefined && code !== undefined && NEVER_SENT.has(code) ? code : undefined;
}

export function createDeployApi(options: DeployApiOptions): DeployApi {
    const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
    const clients: PlatformClient[] = [];
    const client = (): PlatformClient => {
        const created = options.newClient();
        clients.push(created);
        return created;
    };
    const previewClient = client();
    const request = (path: string, body: string, timeoutMs: number | undefined): RawRequest => ({
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json' },
        body,
        ...(timeoutMs === undefined ? {} : { timeoutMs })
    });

    return {
        host: previewClient.host,
        async preview(body) {
            const req = request(CONFIRMATION_PATH, body, options.previewTimeoutMs);
            try {
                const answer = await withRetry('preview', () => previewClient.json(req, confirmationSchema), readRetryReason, policy, options.onRetry);
                return toPlan(answer);
            } catch (error) {
                throw withHint(error, 'Nothing was deployed.');
            }
        },
        async deploy(body) {
            const deployClient = client();
            const req = request(DEPLOY_PATH, body, options.deployTimeoutMs);
            try {
                const answer = await withRetry('deploy', () => deployClient.json(req, deployAnswerSchema), deployRetryReason, policy, options.onRetry);
                return answer.map((entry) => ({
                    name: entry.name,
                    version: entry.version ?? null,
                    ...(entry.providerConfigKey ? { providerConfigKey: entry.providerConfigKey } : {}),
                    ...(entry.type ? { type: entry.type } : {})
                }));
            } catch (error) {
                throw withHint(error, deployOutcomeHint(error));
            }
        },
        async close() {
            await Promise.all(clients.map((c) => c.close()));
        }
    };
}

/** After a failed deploy call: did it reach the platform? The user must not be left guessing. */
function deployOutcomeHint(error: unknown): string {
    const status = statusOf(error);
    if (status !== undefined && status < 500) return 'Nothing was deployed.';
    const code = networkCodeOf(error);
    if (status === undefined && code !== undefined && NEVER_SENT.has(code)) return 'Nothing was deployed.';
    if (error instanceof FerryError && error.code === 'PLATFORM_BAD_RESPONSE') {
        return 'The platform accepted the deploy but its answer could not be read: run `ferry deploy --dry-run` to check what is deployed.';
    }
    return 'The deploy may or may not have been applied: run `ferry deploy --dry-run` to see what the platform has now, then deploy again.';
}

function withHint(error: unknown, outcome: string): unknown {
    if (!(error instanceof FerryError)) return error;
    return new FerryError({
        code: error.code,
        message: error.message,
        hint: error.hint ? `${error.hint} ${outcome}` : outcome,
        exitCode: error.exitCode,
        ...(error.details ? { details: error.details } : {}),
        cause: error
    });
}
