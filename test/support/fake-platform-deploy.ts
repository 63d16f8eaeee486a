/**
 * The deploy endpoints of the fake platform (docs/platform-api.md), plugged into `startFakePlatform` via
 * `extraRoutes`. It keeps what is deployed, so a second deploy's plan shows what is updated and
 * deleted; records every body it receives; and can be told to fail the next calls.
 * Answers follow the schemas of src/platform/deploy.ts (confirmationSchema, deployAnswerSchema).
 */
import type { ServerResponse } from 'node:http';
import type { DeployPayload } from '../../src/deploy/types.js';
import type { Handler, TestRequest, TestResponse } from './http.js';

type Kind = 'sync' | 'action' | 'onEvent';

/** What the fake receives: the client's own payload type (the body is parsed, not trusted). */
export type DeployBody = DeployPayload;

export interface DeployedEntry {
    type: Kind;
    name: string;
    integration: string;
    version: string;
    /** Output models (syncs and actions). */
    models: string[];
    /** For on-event scripts. */
    event?: string;
    autoStart: boolean;
    /** What decides "updated": the bundle, the frequency and the version. */
    fingerprint: string;
}

export type DeployRoute = 'confirmation' | 'deploy';

export interface Failure {
    /** An HTTP status to answer with, or 'reset' to drop the connection without an answer. */
    status: number | 'reset';
    message?: string;
}

export interface FakeDeployState {
    /** Every /sync/deploy/confirmation body, parsed, in order. */
    confirmations: DeployBody[];
    /** Every /sync/deploy body that was applied, parsed, in order. */
    deploys: DeployBody[];
    /** Raw bodies of every deploy-route request, failed or not, for leak checks. */
    rawBodies: string[];
    /** What the platform has now, by `<integration>/<type>/<name>`. */
    deployed: Map<string, DeployedEntry>;
    /** Connections per sync: by `<integration>/<name>` or by name. */
    connections: Record<string, number>;
    /** Fail the next `times` calls to a route, then behave normally. */
    failNext(route: DeployRoute, failure: Failure, times?: number): void;
    reset(): void;
}

export interface FakeDeployOptions {
    connections?: Record<string, number>;
    /** When set, requests without `Authorization: Bearer <secretKey>` get a 401 (otherwise the platform checks). */
    secretKey?: string;
}

const PATHS: Record<string, DeployRoute> = { '/sync/deploy/confirmation': 'confirmation', '/sync/deploy': 'deploy' };

const keyOf = (integration: string, type: Kind, name: string): string => `${integration}/${type}/${name}`;

export function createDeployRoutes(options: FakeDeployOptions = {}): { handler: Handler; state: FakeDeployState } {
    const failures: Record<DeployRoute, Failure[]> = { confirmation: [], deploy: [] };
    const state: FakeDeployState = {
        confirmations: [],
        deploys: [],
        rawBodies: [],
        deployed: new Map(),
        connections: { ...options.connections },
        failNext(route, failure, times = 1) {
            for (let i = 0; i < times; i++) failures[route].push(failure);
        },
        reset() {
            state.confirmations.length = 0;
            state.deploys.length = 0;
            state.rawBodies.length = 0;
            state.deployed.clear();
            failures.confirmation.length = 0;
            failures.deploy.length = 0;
        }
    };
    const connectionsOf = (integration: string, name: string): number => state.connections[`${integration}/${name}`] ?? state.connections[name] ?? 0;

    const handler: Handler = (req: TestRequest, res: ServerResponse): TestResponse | undefined => {
        const route = req.method === 'POST' ? PATHS[req.path] : undefined;
        if (!route) return undefined;
        state.rawBodies.push(req.body.toString('utf8'));
        if (options.secretKey !== undefined && req.headers['authorization'] !== `Bearer ${options.secretKey}`) {
            return { status: 401, body: { error: { code: 'unknown_account', message: 'Authentication failed. The provided secret key is invalid.' } } };
        }
        const failure = failures[route].shift();
        if (failure) {
            if (failure.status === 'reset') {
                res.socket?.destroy();
                return { status: 599 };
            }
            return { status: failure.status, body: { error: { code: 'fake_failure', message: failure.message ?? `fake failure ${failure.status}` } } };
        }
        let body: DeployBody;
        try {
            body = req.json<DeployBody>();
        } catch {
            return { status: 400, body: { error: { code: 'invalid_body', message: 'Body is not JSON' } } };
        }
        if (!Array.isArray(body?.flowConfigs) || !['all', 'single', 'integration'].includes(body.deployMode)) {
            return { status: 400, body: { error: { code: 'invalid_body', message: 'flowConfigs and deployMode are required' } } };
        }
        const diff = computeDiff(state.deployed, body);
        if (route === 'confirmation') {
            state.confirmations.push(body);
            return { status: 200, body: confirmationAnswer(diff, connectionsOf) };
        }
        state.deploys.push(body);
        for (const key of diff.deletedKeys) state.deployed.delete(key);
        const answer = diff.next.map((entry) => {
            state.deployed.set(keyOf(entry.integration, entry.type, entry.name), entry);
            return entry;
        });
        return {
            status: 200,
            body: answer
                .filter((entry) => entry.type !== 'onEvent')
                .map((entry) => ({ name: entry.name, version: entry.version, providerConfigKey: entry.integration, type: entry.type, models: entry.models }))
        };
    };
    return { handler, state };
}

interface Diff {
    /** Entries the body sends, as they would be stored. */
    next: DeployedEntry[];
    created: DeployedEntry[];
    updated: DeployedEntry[];
    deleted: DeployedEntry[];
    deletedKeys: string[];
    deletedModels: string[];
}

function bumpPatch(version: string): string {
    const parts = version.split('.');
    const last = Number(parts.at(-1));
    return Number.isInteger(last) ? [...parts.slice(0, -1), String(last + 1)].join('.') : `${version}.1`;
}

function computeDiff(deployed: ReadonlyMap<string, DeployedEntry>, body: DeployBody): Diff {
    const next: DeployedEntry[] = [];
    for (const flow of body.flowConfigs) {
        const type: Kind = flow.type === 'action' ? 'action' : 'sync';
        const previous = deployed.get(keyOf(flow.providerConfigKey, type, flow.syncName));
        const fingerprint = JSON.stringify([flow.fileBody?.js, flow.runs, flow.version ?? null, flow.models]);
        // An empty version (a function that sets none) is numbered by the platform, as no version is.
        const version = flow.version || (previous ? (previous.fingerprint === fingerprint ? previous.version : bumpPatch(previous.version)) : '0.0.1');
        next.push({ type, name: flow.syncName, integration: flow.providerConfigKey, version, models: flow.models ?? [], autoStart: flow.auto_start !== false, fingerprint });
    }
    for (const group of body.onEventScriptsByProvider ?? []) {
        for (const script of group.scripts) {
            next.push({
                type: 'onEvent',
                name: script.name,
                integration: group.providerConfigKey,
                version: '0.0.1',
                models: [],
                event: script.event,
                autoStart: false,
                fingerprint: JSON.stringify([script.fileBody?.js, script.event])
            });
        }
    }
    const nextKeys = new Set(next.map((entry) => keyOf(entry.integration, entry.type, entry.name)));
    const created = next.filter((entry) => !deployed.has(keyOf(entry.integration, entry.type, entry.name)));
    const updated = next.filter((entry) => {
        const previous = deployed.get(keyOf(entry.integration, entry.type, entry.name));
        return previous !== undefined && previous.fingerprint !== entry.fingerprint;
    });

    // Only what the deploy covers is reconciled: a single-function deploy deletes nothing.
    const integrations = new Set([...body.flowConfigs.map((f) => f.providerConfigKey), ...(body.onEventScriptsByProvider ?? []).map((g) => g.providerConfigKey)]);
    const inScope = (entry: DeployedEntry): boolean => body.deployMode === 'all' || (body.deployMode === 'integration' && integrations.has(entry.integration));
    const deleted = [...deployed.values()].filter((entry) => inScope(entry) && !nextKeys.has(keyOf(entry.integration, entry.type, entry.name)));
    const deletedKeys = deleted.map((entry) => keyOf(entry.integration, entry.type, entry.name));

    // A model is deleted when no sync of its integration produces it any more.
    const after = new Map(deployed);
    for (const key of deletedKeys) after.delete(key);
    for (const entry of next) after.set(keyOf(entry.integration, entry.type, entry.name), entry);
    const modelsOf = (entries: Iterable<DeployedEntry>): Set<string> =>
        new Set([...entries].filter((entry) => entry.type === 'sync').flatMap((entry) => entry.models.map((model) => `${entry.integration}\u0000${model}`)));
    const remaining = modelsOf(after.values());
    const deletedModels = [...modelsOf(deployed.values())].filter((model) => !remaining.has(model)).map((model) => model.split('\u0000')[1]!);

    return { next, created, updated, deleted, deletedKeys, deletedModels: [...new Set(deletedModels)] };
}

function confirmationAnswer(diff: Diff, connectionsOf: (integration: string, name: string) => number): Record<string, unknown> {
    const sync = (entry: DeployedEntry) => ({
        name: entry.name,
        providerConfigKey: entry.integration,
        connections: connectionsOf(entry.integration, entry.name),
        auto_start: entry.autoStart
    });
    const plain = (entry: DeployedEntry) => ({ name: entry.name, providerConfigKey: entry.integration });
    const onEvent = (entry: DeployedEntry) => ({ name: entry.name, providerConfigKey: entry.integration, event: entry.event ?? '' });
    const of = (list: DeployedEntry[], type: Kind) => list.filter((entry) => entry.type === type);
    return {
        newSyncs: of(diff.created, 'sync').map(sync),
        updatedSyncs: of(diff.updated, 'sync').map(sync),
        deletedSyncs: of(diff.deleted, 'sync').map(sync),
        newActions: of(diff.created, 'action').map(plain),
        updatedActions: of(diff.updated, 'action').map(plain),
        deletedActions: of(diff.deleted, 'action').map(plain),
        newOnEventScripts: of(diff.created, 'onEvent').map(onEvent),
        updatedOnEventScripts: of(diff.updated, 'onEvent').map(onEvent),
        deletedOnEventScripts: of(diff.deleted, 'onEvent').map(onEvent),
        deletedModels: diff.deletedModels
    };
}
