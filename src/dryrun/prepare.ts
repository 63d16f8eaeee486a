/**
 * A live dry run's first step, before the platform is asked anything: the project, the function,
 * the flags and the platform settings. Everything here is a usage error (exit 1) when wrong.
 */
import { ExitCode, FerryError } from '../errors.js';
import { checkConnectionId } from '../platform/connection-id.js';
import { resolvePlatformSettings, type PlatformSettings } from '../platform/env.js';
import { loadProject } from '../project/project.js';
import type { FunctionRef } from '../project/types.js';
import type { Redactor } from '../secrets/redact.js';
import { secretsToCheck, type NamedSecret } from '../secrets/values.js';
import { parseDateFlag, parseJsonFlag, parseTimeoutFlag } from './args.js';
import { prepareCompiledCheck } from './compiled.js';
import type { DryrunOptions } from './options.js';
import { pickRegistered } from './pick.js';
import { readWebhookPayload } from './webhook-payload.js';

export interface Prepared {
    root: string;
    ref: FunctionRef;
    connectionId: string;
    environment: string;
    /** The modules that check build/, loading while the rest is read. */
    compiledCheck: ReturnType<typeof prepareCompiledCheck>;
    input: unknown;
    metadata?: Record<string, unknown>;
    checkpoint?: Record<string, unknown>;
    webhook?: unknown;
    lastSyncDate?: Date;
    timeoutMs?: number;
    settings: PlatformSettings;
    /** The key, then secret-looking variables of .env and the environment: masked, and refused by --save. */
    secrets: NamedSecret[];
    /** Ferry's own remarks about the flags. */
    warnings: string[];
}

export async function prepare(options: DryrunOptions, redactor: Redactor): Promise<Prepared> {
    const environment = options.environment ?? 'dev';
    checkConnectionId(options.connectionId);
    const project = await loadProject(options.cwd);
    const compiledCheck = prepareCompiledCheck(project.root);
    compiledCheck?.catch(() => undefined);
    const ref = pickRegistered(project.root, project.entries, options.functionName, options.integrationId);

    const [input, metadata, checkpoint] = await Promise.all([
        parseJsonFlag('--input', options.input, options.cwd),
        parseJsonFlag('--metadata', options.metadata, options.cwd, { object: true }),
        parseJsonFlag('--checkpoint', options.checkpoint, options.cwd, { object: true })
    ]);
    const warnings: string[] = [];
    if (input !== undefined && ref.type !== 'action') {
        const warning = `--input is ignored: ${ref.integration}/${ref.name} is ${ref.type === 'sync' ? 'a sync' : 'an on-event handler'}, only actions take input`;
        warnings.push(warning);
        options.onEvent?.({ type: 'warning', warning });
    }
    const webhook = options.webhook === undefined ? undefined : await readWebhookPayload(options.webhook, options.cwd, ref, options.stdin);
    const lastSyncDate = parseDateFlag('--lastSyncDate', options.lastSyncDate);
    const timeoutMs = parseTimeoutFlag('--timeout', options.timeout);

    const settings = resolvePlatformSettings(project.root, environment, options.env, ExitCode.Failure);
    const secrets = secretsToCheck({ name: settings.keyVariable, value: settings.secretKey }, settings.dotEnv, options.env);
    redactor.add(secrets.map(({ value }) => value));
    return {
        root: project.root,
        ref,
        connectionId: options.connectionId,
        environment,
        compiledCheck,
        input,
        ...(metadata !== undefined ? { metadata: metadata as Record<string, unknown> } : {}),
        ...(checkpoint !== undefined ? { checkpoint: checkpoint as Record<string, unknown> } : {}),
        ...(webhook !== undefined ? { webhook } : {}),
        ...(lastSyncDate ? { lastSyncDate } : {}),
        ...(timeoutMs ? { timeoutMs } : {}),
        settings,
        secrets,
        warnings
    };
}

export function interrupted(hint = 'Nothing was saved; --out left its target as it was.'): FerryError {
    return new FerryError({
        code: 'INTERRUPTED',
        message: 'Dry run interrupted',
        hint,
        exitCode: ExitCode.Interrupted
    });
}

/** Resolves as `work` does, or rejects with INTERRUPTED as soon as the signal fires (the work goes on unobserved). */
export function untilInterrupted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (!signal) return work;
    if (signal.aborted) return Promise.reject(interrupted());
    return new Promise<T>((resolve, reject) => {
        const onAbort = (): void => reject(interrupted());
        signal.addEventListener('abort', onAbort, { once: true });
        work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
}
