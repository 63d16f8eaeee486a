/**
 * A live dry run's third step: the function runs in its sandbox, the platform's /proxy as its
 * transport and the platform's read-only endpoints as its backend.
 */
import { join } from 'node:path';
import type { PlatformClient } from '../platform/client.js';
import { platformBackend } from '../platform/connections.js';
import { createDirectFetchTransport } from '../runtime/direct-fetch.js';
import type { Sandbox } from '../runtime/sandbox.js';
import type { HttpTransport } from '../runtime/types.js';
import type { RecordSink, RunOptions, RunResult, RuntimeBackend } from '../runtime/run-types.js';
import type { Redactor } from '../secrets/redact.js';
import type { Connected } from './connect.js';
import type { DryrunOptions } from './options.js';
import type { Prepared } from './prepare.js';
import { createProxyTransport } from './proxy-transport.js';

interface Execution {
    client: PlatformClient;
    runFunction: (options: RunOptions) => Promise<RunResult>;
    redactor: Redactor;
    debug: (what: string) => void;
    sandbox?: Sandbox;
    sink?: RecordSink;
    /** --save: exchanges recorded and the clock frozen at this instant (clock.ts), so a replay can start there too. */
    recordedAt?: Date;
    /** What the platform handed the function as environment variables, filled in as it asks. */
    servedVariables: Record<string, string>;
}

export async function execute(options: DryrunOptions, prepared: Prepared, connected: Connected, execution: Execution): Promise<RunResult> {
    const { ref, root } = prepared;
    const { connection, integration, provider } = connected;
    const { client, runFunction, redactor, debug, sink, recordedAt, sandbox } = execution;
    return runFunction({
        code: connected.code,
        filename: join(root, 'build', `${ref.id}.cjs`),
        ref: { integration: ref.integration, name: ref.name, type: ref.type },
        transport: withFirstSendNotice(createProxyTransport({ client, connection }), () => debug('first provider request sent')),
        // uncontrolledFetch goes straight to its URL, from this thread, with nothing of Ferry's added.
        fetchTransport: createDirectFetchTransport(),
        connection,
        ...(integration ? { integration } : {}),
        ...(provider !== undefined ? { provider } : {}),
        backend: servingVariables(platformBackend(client, connection), execution.servedVariables, redactor),
        ...(prepared.input !== undefined ? { input: prepared.input } : {}),
        ...(prepared.metadata !== undefined ? { metadata: prepared.metadata } : {}),
        ...(prepared.checkpoint !== undefined ? { checkpoint: prepared.checkpoint } : {}),
        ...(prepared.lastSyncDate ? { lastSyncDate: prepared.lastSyncDate } : {}),
        ...(recordedAt ? { now: recordedAt } : {}),
        ...(options.variant ? { variant: options.variant } : {}),
        ...(prepared.webhook !== undefined ? { webhookPayload: prepared.webhook } : {}),
        environment: prepared.environment,
        validate: Boolean(options.validate),
        ...(prepared.timeoutMs ? { timeoutMs: prepared.timeoutMs } : {}),
        ...(sink ? { recordSink: sink } : {}),
        // Keeping every record is what --out exists to avoid; --save needs them all.
        keepRecords: Boolean(recordedAt) || !sink,
        recordExchanges: Boolean(recordedAt),
        firstN: options.firstN ?? 10,
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
        ...(sandbox ? { sandbox } : {})
    });
}

/**
 * What the platform hands the function as environment variables is secret by nature: --save
 * must find none of it in the fixture, and the output shows none of it, whatever the variables
 * are called.
 */
function servingVariables(platform: RuntimeBackend, served: Record<string, string>, redactor: Redactor): RuntimeBackend {
    return {
        ...platform,
        getEnvironmentVariables: async () => {
            const variables = (await platform.getEnvironmentVariables?.()) ?? null;
            for (const { name, value } of variables ?? []) served[name] = value;
            redactor.add(Object.values(served));
            return variables;
        }
    };
}

function withFirstSendNotice(transport: HttpTransport, notice: () => void): HttpTransport {
    let first = true;
    return {
        send(request) {
            if (first) {
                first = false;
                notice();
            }
            return transport.send(request);
        }
    };
}
