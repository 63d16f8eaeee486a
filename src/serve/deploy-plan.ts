/**
 * What a deploy changes, computed as Nango computes it: syncs and actions new or updated, those the
 * deploy removes (not with deployMode 'single'; only the integration's with 'integration'), models a
 * kept sync no longer writes (when it has connections), and the on-event scripts added, updated or
 * removed. Pure: the routes feed it rows and write what it decides.
 */
import type { FunctionRow, NewFunction } from './functions-store.js';

export interface Flow {
    type: 'sync' | 'action';
    syncName: string;
    providerConfigKey: string;
    models: string[];
    version?: string | undefined;
    runs: string | null;
    auto_start: boolean;
    fileBody: { js: string; ts: string };
    [key: string]: unknown;
}

export interface OnEventGroup {
    providerConfigKey: string;
    scripts: { name: string; event: string; fileBody: { js: string; ts: string } }[];
}

export type DeployMode = 'all' | 'single' | 'integration';

interface SlimSync {
    name: string;
    providerConfigKey: string;
    connections: number;
    auto_start: boolean;
}
interface Slim {
    name: string;
    providerConfigKey: string;
}
interface SlimOnEvent extends Slim {
    event: string;
}

interface Differences {
    newSyncs: SlimSync[];
    updatedSyncs: SlimSync[];
    deletedSyncs: SlimSync[];
    newActions: Slim[];
    updatedActions: Slim[];
    deletedActions: Slim[];
    deletedModels: string[];
    newOnEventScripts: SlimOnEvent[];
    updatedOnEventScripts: SlimOnEvent[];
    deletedOnEventScripts: SlimOnEvent[];
}

interface Plan {
    differences: Differences;
    /** Rows to write, with their versions decided. */
    upserts: NewFunction[];
    /** Ids of the rows the deploy removes (with reconcile). */
    deletions: number[];
}

export function planDeploy(existing: FunctionRow[], flows: Flow[], onEvents: OnEventGroup[] | undefined, mode: DeployMode, connections: Map<string, number>): Plan {
    const plan: Plan = {
        differences: {
            newSyncs: [],
            updatedSyncs: [],
            deletedSyncs: [],
            newActions: [],
            updatedActions: [],
            deletedActions: [],
            deletedModels: [],
            newOnEventScripts: [],
            updatedOnEventScripts: [],
            deletedOnEventScripts: []
        },
        upserts: [],
        deletions: []
    };
    planFlows(plan, existing, flows, connections);
    const scope = mode === 'integration' ? flows[0]?.providerConfigKey : undefined;
    if (mode !== 'single' && flows.length > 0) planFlowRemovals(plan, existing, flows, scope, connections);
    if (onEvents) planOnEvents(plan, existing, onEvents, mode, mode === 'integration' ? (scope ?? onEvents[0]?.providerConfigKey) : undefined);
    return plan;
}

function findRow(existing: FunctionRow[], type: string, key: string, name: string, event = ''): FunctionRow | undefined {
    return existing.find((row) => row.type === type && row.provider_config_key === key && row.name === name && row.event === event);
}

/** Each sync and action deployed: new or updated, and its row with its version decided. */
function planFlows(plan: Plan, existing: FunctionRow[], flows: Flow[], connections: Map<string, number>): void {
    const d = plan.differences;
    for (const flow of flows) {
        const previous = findRow(existing, flow.type, flow.providerConfigKey, flow.syncName);
        const count = connections.get(flow.providerConfigKey) ?? 0;
        if (flow.type === 'action') (previous ? d.updatedActions : d.newActions).push({ name: flow.syncName, providerConfigKey: flow.providerConfigKey });
        else (previous ? d.updatedSyncs : d.newSyncs).push({ name: flow.syncName, providerConfigKey: flow.providerConfigKey, connections: count, auto_start: flow.auto_start !== false });
        const { fileBody, ...config } = flow;
        plan.upserts.push({
            provider_config_key: flow.providerConfigKey,
            type: flow.type,
            name: flow.syncName,
            event: '',
            version: versionFor(previous, flow.version, fileBody),
            runs: flow.runs || null,
            auto_start: flow.auto_start !== false,
            models: flow.models,
            config,
            js: fileBody.js,
            ts: fileBody.ts
        });
    }
}

/** The syncs and actions (of `scope`, when set) the deploy no longer holds, and the models a kept sync with connections stops writing. */
function planFlowRemovals(plan: Plan, existing: FunctionRow[], flows: Flow[], scope: string | undefined, connections: Map<string, number>): void {
    const d = plan.differences;
    for (const row of existing) {
        if (row.type === 'on-event' || (scope !== undefined && row.provider_config_key !== scope)) continue;
        const flow = flows.find((f) => f.syncName === row.name && f.providerConfigKey === row.provider_config_key && f.type === row.type);
        const count = connections.get(row.provider_config_key) ?? 0;
        if (!flow) {
            if (row.type === 'sync') d.deletedSyncs.push({ name: row.name, providerConfigKey: row.provider_config_key, connections: count, auto_start: false });
            else d.deletedActions.push({ name: row.name, providerConfigKey: row.provider_config_key });
            plan.deletions.push(row.id);
        } else if (row.type === 'sync' && count > 0) {
            d.deletedModels.push(...row.models.filter((model) => !flow.models.includes(model)));
        }
    }
}

/** The on-event scripts deployed (new or updated) and, unless mode is 'single', those removed (of `scope`, when set). */
function planOnEvents(plan: Plan, existing: FunctionRow[], onEvents: OnEventGroup[], mode: DeployMode, scope: string | undefined): void {
    const d = plan.differences;
    const given = onEvents.flatMap((group) => group.scripts.map((script) => ({ ...script, providerConfigKey: group.providerConfigKey })));
    for (const script of given) {
        const previous = findRow(existing, 'on-event', script.providerConfigKey, script.name, script.event);
        (previous ? d.updatedOnEventScripts : d.newOnEventScripts).push({ name: script.name, providerConfigKey: script.providerConfigKey, event: script.event });
        plan.upserts.push({
            provider_config_key: script.providerConfigKey,
            type: 'on-event',
            name: script.name,
            event: script.event,
            version: versionFor(previous, undefined, script.fileBody),
            runs: null,
            auto_start: false,
            models: [],
            config: {},
            js: script.fileBody.js,
            ts: script.fileBody.ts
        });
    }
    for (const row of existing) {
        if (row.type !== 'on-event' || mode === 'single' || (scope !== undefined && row.provider_config_key !== scope)) continue;
        if (!given.some((s) => s.name === row.name && s.providerConfigKey === row.provider_config_key && s.event === row.event)) {
            d.deletedOnEventScripts.push({ name: row.name, providerConfigKey: row.provider_config_key, event: row.event });
            plan.deletions.push(row.id);
        }
    }
}

/** The version given; else, as Nango: the previous one when the code is unchanged, bumped when it changed, '1' at first. */
export function versionFor(previous: FunctionRow | undefined, given: string | undefined, body: { js: string; ts: string }): string {
    if (given) return given;
    if (!previous) return '1';
    if (previous.js === body.js && (previous.ts ?? '') === body.ts) return previous.version;
    return increment(previous.version);
}

export function increment(version: string): string {
    const semver = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
    if (semver) return `${semver[1]}.${semver[2]}.${Number(semver[3]) + 1}`;
    const whole = Number.parseInt(version, 10);
    return Number.isNaN(whole) ? '1' : String(whole + 1);
}
