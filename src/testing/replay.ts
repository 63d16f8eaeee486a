/**
 * One fixture replayed: the function runs in the dryrun runtime with the replay transport,
 * the fixture's connection, metadata, input and checkpoint, and a clock that never waits; then
 * its result is compared with what the fixture recorded. Shared by `ferry test` and `ferry/test`.
 */
import type { Fixture } from '../runtime/fixture.js';
import { instantClock } from '../runtime/retry.js';
import type { Connection, ProxyRequest, ProxyResponse } from '../runtime/types.js';
import type { FunctionKind, RunOptions, RunResult, RuntimeBackend } from '../runtime/run-types.js';
import { compareRun, type TestFailure } from './compare.js';
import { clockShiftFor } from './clock-refine.js';
import { replayClock, type ReplayClock } from './recorded-time.js';
import { createReplayRecords, replayBackend } from './replay-records.js';
import { ReplayTransport, UnrecordedRequestError } from './replay-transport.js';
import type { TestCaseResult } from './report.js';

export type RunFunction = (options: RunOptions) => Promise<RunResult>;

interface ReplayJob {
    code: string;
    filename: string;
    ref: { integration: string; name: string; type: FunctionKind };
    fixture: Fixture & Record<string, unknown>;
    /** The fixture's path relative to the project root, for reports. */
    fixturePath: string;
    sandbox?: RunOptions['sandbox'];
    timeoutMs?: number;
    /** `--now`: the function's clock starts here instead of at the recording's time. */
    now?: Date;
    /** Where the clock starts when the fixture recorded no time; default: when replay() is called. */
    runStart?: Date;
    /** Said next to the result, e.g. that the function is not registered in index.ts. */
    notes?: string[];
}

/** Default per-function time limit: a replay answers instantly, so only a hang gets near it. */
const REPLAY_TIMEOUT_MS = 30_000;

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The connection getConnection returns, from the fixture (Ferry's or Nango's field names). */
function connectionFromFixture(fixture: Fixture, integration: string): Connection {
    const recorded = isObject(fixture.nango?.getConnection) ? fixture.nango.getConnection : {};
    const metadata = fixture.nango?.getMetadata ?? (isObject(recorded['metadata']) ? recorded['metadata'] : null);
    return {
        ...recorded,
        connection_id: str(recorded['connection_id']) ?? str(recorded['connectionId']) ?? 'test-connection',
        provider_config_key: str(recorded['provider_config_key']) ?? str(recorded['providerConfigKey']) ?? integration,
        // Pagination and retry defaults come from the provider, as live; the integration id is the usual provider name.
        provider: str(recorded['provider']) ?? integration,
        metadata: isObject(metadata) ? metadata : null
    };
}

/** RunOptions for a replay: everything from the fixture, nothing from the network or the real clock. */
function replayOptions(job: ReplayJob, transport: ReplayTransport, now: Date): RunOptions {
    const { fixture } = job;
    const connection = connectionFromFixture(fixture, job.ref.integration);
    const checkpoint = fixture.nango?.['getCheckpoint'];
    const lastSyncDate = str(fixture.nango?.['lastSyncDate']);
    // The run's own writes are what getRecordsByIds / listRecords read back.
    const records = createReplayRecords(() => now);
    return {
        code: job.code,
        filename: job.filename,
        ref: job.ref,
        transport,
        // uncontrolledFetch is answered from the fixture too (its URL as the endpoint), or fails as unrecorded.
        fetchTransport: transport,
        connection,
        backend: replayBackend(fixture, records),
        recordSink: records.sink,
        // The recorded input is what the function got, even where the schema (now) disagrees.
        ...(job.ref.type === 'action' ? { input: fixture.input, runAnyInput: true } : {}),
        // A webhook recording replays the sync's onWebhook with the recorded payload.
        ...(job.ref.type === 'sync' && fixture.webhook !== undefined ? { webhookPayload: fixture.webhook } : {}),
        ...(fixture.nango?.getMetadata !== undefined ? { metadata: isObject(fixture.nango.getMetadata) ? fixture.nango.getMetadata : null } : {}),
        ...(isObject(checkpoint) ? { checkpoint } : {}),
        ...(lastSyncDate && !Number.isNaN(Date.parse(lastSyncDate)) ? { lastSyncDate: new Date(lastSyncDate) } : {}),
        now,
        keepRecords: true,
        firstN: 0,
        retry: { clock: instantClock },
        timeoutMs: job.timeoutMs ?? REPLAY_TIMEOUT_MS,
        ...(job.sandbox ? { sandbox: job.sandbox } : {})
    };
}

interface ReplayOutcome extends TestCaseResult {
    /** The run itself, for callers that want to assert more (ferry/test). */
    result?: RunResult;
}

/** The replay transport, also keeping the requests it had no answer for, as sent. */
class MissKeepingTransport extends ReplayTransport {
    readonly missedRequests: ProxyRequest[] = [];
    override async send(request: ProxyRequest): Promise<ProxyResponse> {
        try {
            return await super.send(request);
        } catch (error) {
            if (error instanceof UnrecordedRequestError) this.missedRequests.push(request);
            throw error;
        }
    }
}

interface Attempt {
    transport: MissKeepingTransport;
    result?: RunResult;
    failures: TestFailure[];
}

async function attempt(job: ReplayJob, now: Date, runFunction: RunFunction): Promise<Attempt> {
    const transport = new MissKeepingTransport(job.fixture);
    try {
        const result = await runFunction(replayOptions(job, transport, now));
        return { transport, result, failures: compareRun(job.fixture, job.ref.type, result, transport.misses) };
    } catch (error) {
        return { transport, failures: [{ kind: 'error', message: `the runtime failed: ${(error as Error)?.message ?? String(error)}` }] };
    }
}

/**
 * A clock taken from Date headers is only right to the second (see clock-refine.ts): when a
 * request missed by a time shift of minutes at most, the replay runs once more with the clock moved
 * by it, and keeps that run when it misses fewer requests.
 */
async function withRefinedClock(job: ReplayJob, clock: ReplayClock, first: Attempt, runFunction: RunFunction): Promise<{ clock: ReplayClock; run: Attempt }> {
    if (clock.from !== 'date header' || first.transport.missedRequests.length === 0) return { clock, run: first };
    const shift = first.transport.missedRequests.map((request) => clockShiftFor(job.fixture, request)).find((ms) => ms !== undefined);
    if (shift === undefined) return { clock, run: first };
    const refined: ReplayClock = { now: new Date(clock.now.getTime() + shift), from: 'recorded request' };
    const second = await attempt(job, refined.now, runFunction);
    return second.transport.misses.length < first.transport.misses.length ? { clock: refined, run: second } : { clock, run: first };
}

/** A recorded action input that its schema refuses is replayed all the same, and said. */
function inputNotes(result: RunResult | undefined): string[] {
    const issues = (result?.validation ?? []).filter((issue) => issue.subject === 'input');
    if (issues.length === 0) return [];
    const first = issues[0]!;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    return [`the recorded input does not match the input schema (${first.path ? `${first.path}: ` : ''}${first.message}${more}); the function was given it as recorded`];
}

export async function replay(job: ReplayJob, runFunction: RunFunction): Promise<ReplayOutcome> {
    const started = performance.now();
    const recorded = replayClock(job.fixture, job.now, job.runStart ?? new Date());
    const { clock, run } = await withRefinedClock(job, recorded, await attempt(job, recorded.now, runFunction), runFunction);
    const { result, failures } = run;
    const notes = [...(job.notes ?? []), ...inputNotes(result)];
    return {
        function: job.ref.name,
        integration: job.ref.integration,
        fixture: job.fixturePath,
        ok: failures.length === 0,
        durationMs: Math.round(performance.now() - started),
        now: clock.now.toISOString(),
        nowFrom: clock.from,
        ...(notes.length > 0 ? { notes } : {}),
        failures,
        ...(result ? { result } : {})
    };
}
