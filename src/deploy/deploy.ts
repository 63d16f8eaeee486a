/**
 * The deploy flow: check -s/-a/-i against index.ts, compile, build the payload from the selected
 * functions only, check it for secrets, preview it, decide whether the plan may go ahead, deploy.
 * Every effect (compiler, file reads, platform, prompt, clock) comes in through `DeployDeps`, so the flow is tested with fakes
 * and the command only prints. Expected failures come back inside the result (with what was
 * learned before them) rather than as throws, so `--json` can always print one full document.
 */
import { basename, join } from 'node:path';
import { BUILD_DIR } from '../compiler/layout.js';
import type { CompileDiagnostic, ProjectCompileResult } from '../compiler/types.js';
import { FerryError } from '../errors.js';
import type { PlatformSettings } from '../platform/env.js';
import type { DeployAnswerEntry, DeployApi, RetryNotice } from '../platform/deploy.js';
import type { FunctionType } from '../project/types.js';
import { buildPayload, deploySource, previewBody, selectFunctions, type SelectedFunction } from './payload.js';
import { cancelled, compileFailed, refused, secretInPayload } from './refusals.js';
import { destructiveReason } from './render.js';
import { assessPlan, decide } from './safety.js';
import { findLeakedSecrets, secretsToCheck } from '../secrets/values.js';
import { checkSelectionAgainstEntries, checkSelectionFlags, resolveSelection, type SelectableFunction, type SelectionFlags } from './selection.js';
import type { DeployedFunction, DeployPlan, FileBody, PlanAssessment, Selection } from './types.js';

export interface DeployOptions {
    cwd: string;
    environment: string;
    flags: SelectionFlags;
    /** --version: stamped on every deployed function. */
    version?: string | undefined;
    allowDestructive: boolean;
    autoConfirm: boolean;
    dryRun: boolean;
    /** A person can answer a prompt. */
    interactive: boolean;
    debug: boolean;
}

export type DeployEvent =
    | { kind: 'compiled'; functions: number; durationMs: number }
    | { kind: 'payload'; bytes: number; functions: number; selection: Selection }
    | { kind: 'plan'; plan: DeployPlan; assessment: PlanAssessment }
    | { kind: 'retry'; notice: RetryNotice }
    | { kind: 'deploying' };

export interface DeployDeps {
    /** The project root at or above cwd (throws NOT_A_PROJECT). */
    findRoot(cwd: string): string;
    /** Host and key of the environment (throws SECRET_KEY_MISSING). */
    settings(root: string, environment: string): PlatformSettings;
    /** Name/value maps whose secret-looking values must never be uploaded (`.env`, the process environment). */
    secretSources(root: string): Record<string, string | undefined>[];
    /**
     * The functions index.ts registers, read without compiling; `complete` is false when some of
     * its imports register nothing (a missing file, a line that does not parse).
     */
    entries(root: string): Promise<{ functions: SelectableFunction[]; complete: boolean }>;
    compile(root: string): Promise<ProjectCompileResult>;
    readFile(path: string): Promise<string>;
    /** Where a path leads once every link in it is followed (fs.realpath). */
    realpath(path: string): Promise<string>;
    createApi(settings: PlatformSettings, onRetry: (notice: RetryNotice) => void): DeployApi;
    /** Only called when `options.interactive` is true. */
    confirm(question: string): Promise<boolean>;
    now(): number;
    /** e.g. `0.1.0-zero` */
    sdkVersion: string;
    /** The process environment's NANGO_DEPLOY_SOURCE (it wins over the project's `.env`). */
    deploySourceVariable?: string | undefined;
    onEvent?(event: DeployEvent): void;
}

export type DeployOutcome = 'deployed' | 'previewed' | 'failed';

export interface DeployResult {
    environment: string;
    outcome: DeployOutcome;
    /** Null when the flow stopped before the platform answered the preview. */
    plan: DeployPlan | null;
    assessment: PlanAssessment | null;
    destructive: boolean;
    deployed: DeployedFunction[];
    /** Bytes of the deploy body; 0 when it was never built. */
    payloadBytes: number;
    dryRun: boolean;
    /** Set when compile failed (outcome 'failed', exit 10). */
    compileErrors: CompileDiagnostic[];
    /** Set when outcome is 'failed'. */
    error?: FerryError;
    durationMs: number;
}

/** What the flow learned so far: a failure still reports it. */
interface Progress {
    plan: DeployPlan | null;
    assessment: PlanAssessment | null;
    payloadBytes: number;
    compileErrors: CompileDiagnostic[];
}

/** The result of a deploy stopped before it started (bad flags): nothing compiled, nothing sent. */
export function notStarted(environment: string, dryRun: boolean, error: FerryError): DeployResult {
    return {
        environment,
        outcome: 'failed',
        plan: null,
        assessment: null,
        destructive: false,
        deployed: [],
        payloadBytes: 0,
        dryRun,
        compileErrors: [],
        error,
        durationMs: 0
    };
}

export async function deploy(options: DeployOptions, deps: DeployDeps): Promise<DeployResult> {
    const started = deps.now();
    const progress: Progress = { plan: null, assessment: null, payloadBytes: 0, compileErrors: [] };
    const finish = (outcome: DeployOutcome, deployed: DeployedFunction[], error?: FerryError): DeployResult => ({
        environment: options.environment,
        outcome,
        plan: progress.plan,
        assessment: progress.assessment,
        destructive: progress.assessment?.destructive ?? false,
        deployed,
        payloadBytes: progress.payloadBytes,
        dryRun: options.dryRun,
        compileErrors: progress.compileErrors,
        ...(error ? { error } : {}),
        durationMs: deps.now() - started
    });
    try {
        const deployed = await run(options, deps, progress);
        return finish(deployed === undefined ? 'previewed' : 'deployed', deployed ?? []);
    } catch (error) {
        if (error instanceof FerryError) return finish('failed', [], error);
        throw error;
    }
}

/** The flow itself; returns undefined when it stopped after the preview (--dry-run). */
async function run(options: DeployOptions, deps: DeployDeps, progress: Progress): Promise<DeployedFunction[] | undefined> {
    const emit = (event: DeployEvent): void => deps.onEvent?.(event);
    checkSelectionFlags(options.flags);
    const root = deps.findRoot(options.cwd);
    // A name the project does not have, or an action given to -s, is a flag mistake whether or not
    // the project compiles: say so before the type-check, not after a compile error.
    const entries = await deps.entries(root);
    checkSelectionAgainstEntries(entries.functions, options.flags, entries.complete);
    // Before compiling: a missing key is cheaper to learn about than a type-check.
    const settings = deps.settings(root, options.environment);

    const compiled = await deps.compile(root);
    if (!compiled.ok) {
        progress.compileErrors = compiled.errors;
        throw compileFailed(compiled.errors);
    }
    // build/ links to this compile's generation only until the next switch: a `dev` rebuild after
    // compile released its lock may switch it while deploy reads. The generation itself is kept
    // through one more switch (build-buffer.ts), so the bundles are read from it, not through build/.
    const generation = await deps.realpath(join(root, BUILD_DIR));
    emit({ kind: 'compiled', functions: compiled.functions.length, durationMs: compiled.durationMs });

    const selection = resolveSelection(compiled.manifest, options.flags);
    const selected = selectFunctions(compiled.manifest, selection);
    const files = await readSelectedFiles(compiled, generation, selected, deps.readFile);
    const payload = buildPayload({
        manifest: compiled.manifest,
        selection,
        files,
        version: options.version,
        debug: options.debug,
        sdkVersion: deps.sdkVersion,
        source: deploySource(deps.deploySourceVariable ?? settings.dotEnv['NANGO_DEPLOY_SOURCE'])
    });
    const body = JSON.stringify(payload);
    const preview = JSON.stringify(previewBody(payload));

    // The last gate before anything leaves the machine; the preview body is a subset of the deploy body.
    const leaked = findLeakedSecrets(body, secretsToCheck({ name: settings.keyVariable, value: settings.secretKey }, ...deps.secretSources(root)));
    if (leaked.length > 0) throw secretInPayload(leaked);

    progress.payloadBytes = Buffer.byteLength(body);
    emit({ kind: 'payload', bytes: progress.payloadBytes, functions: selected.length, selection });

    const api = deps.createApi(settings, (notice) => emit({ kind: 'retry', notice }));
    try {
        const plan = await api.preview(preview);
        const assessment = assessPlan(plan);
        progress.plan = plan;
        progress.assessment = assessment;
        emit({ kind: 'plan', plan, assessment });
        if (options.dryRun) return undefined;

        const decision = decide({
            assessment,
            interactive: options.interactive,
            autoConfirm: options.autoConfirm,
            allowDestructive: options.allowDestructive
        });
        if (decision.kind === 'refuse') throw refused(assessment, options.environment, decision.missingFlags);
        if (decision.kind === 'ask') {
            const yes = await deps.confirm(`The plan ${destructiveReason(assessment)}. Deploy it to '${options.environment}'?`);
            if (!yes) throw cancelled();
        }

        emit({ kind: 'deploying' });
        const answer = await api.deploy(body);
        return deployedFunctions(answer, selected, payload.flowConfigs);
    } finally {
        await api.close();
    }
}

/** Reads the bundle (from the compile's generation folder) and entry source of each selected function, and nothing else. */
async function readSelectedFiles(
    compiled: ProjectCompileResult,
    generation: string,
    selected: readonly SelectedFunction[],
    readFile: DeployDeps['readFile']
): Promise<Map<string, FileBody>> {
    const byId = new Map(compiled.functions.map((fn) => [fn.ref.id, fn]));
    const files = new Map<string, FileBody>();
    await Promise.all(
        selected.map(async (fn) => {
            const compiledFn = byId.get(fn.id);
            if (!compiledFn) throw new Error(`compile reported ${fn.id} in the manifest but not among its bundles`);
            const [js, ts] = await Promise.all([readFile(join(generation, basename(compiledFn.bundlePath))), readFile(compiledFn.ref.file)]);
            files.set(fn.id, { js, ts });
        })
    );
    return files;
}

const ANSWER_TYPES: Record<string, FunctionType> = { sync: 'sync', action: 'action', onEvent: 'onEvent', 'on-event': 'onEvent' };

/**
 * What the platform says it deployed, typed by what was sent. On-event scripts are not listed in
 * the platform's answer; a successful deploy applied them, so they are reported too.
 */
function deployedFunctions(answer: readonly DeployAnswerEntry[], selected: readonly SelectedFunction[], flows: readonly { syncName: string; providerConfigKey: string; version?: string }[]): DeployedFunction[] {
    const sentVersion = (name: string, integration: string): string | null =>
        flows.find((flow) => flow.syncName === name && flow.providerConfigKey === integration)?.version || null;
    const result: DeployedFunction[] = answer.map((entry) => {
        const match =
            selected.find((fn) => fn.name === entry.name && fn.type !== 'onEvent' && (entry.providerConfigKey === undefined || fn.integration === entry.providerConfigKey)) ??
            selected.find((fn) => fn.name === entry.name);
        const integration = entry.providerConfigKey ?? match?.integration ?? '';
        return {
            name: entry.name,
            version: entry.version ?? sentVersion(entry.name, integration),
            type: match?.type ?? ANSWER_TYPES[entry.type ?? ''] ?? 'sync',
            integration
        };
    });
    for (const fn of selected) {
        if (fn.type !== 'onEvent') continue;
        if (result.some((r) => r.type === 'onEvent' && r.name === fn.name && r.integration === fn.integration)) continue;
        result.push({ name: fn.name, version: null, type: 'onEvent', integration: fn.integration });
    }
    return result;
}
