/** The deploy domain: what is sent to the platform (POST /sync/deploy and its confirmation, docs/platform-api.md) and what it answers. */
import type { Endpoint, JsonSchemaDefinitions, OnEventName } from '../compiler/types.js';
import type { FunctionType } from '../project/types.js';

/** Which part of the project a deploy covers; the platform only reconciles deletions inside it. */
type DeployMode = 'all' | 'single' | 'integration';

export interface Selection {
    mode: DeployMode;
    /** Only this integration (with -i, or the one the single function belongs to). */
    integration?: string;
    /** The single function, for mode 'single'. */
    function?: { type: 'sync' | 'action'; name: string };
}

export interface FileBody {
    /** The bundle, with its inline source map. */
    js: string;
    /** The entry's TypeScript source. */
    ts: string;
}

/** One sync or action as the deploy API receives it. */
export interface FlowConfig {
    type: 'sync' | 'action';
    syncName: string;
    providerConfigKey: string;
    models: string[];
    /** '' when neither the function nor --version sets one: the platform numbers it. */
    version: string;
    runs: string | null;
    track_deletes: boolean;
    auto_start?: boolean;
    /** Syncs only. */
    attributes?: Record<string, unknown>;
    metadata: { description?: string; scopes?: string[] };
    input?: string;
    sync_type?: 'full' | 'incremental';
    fileBody: FileBody;
    endpoints: Endpoint[];
    webhookSubscriptions?: string[];
    models_json_schema: JsonSchemaDefinitions;
    features: string[];
}

interface OnEventScript {
    name: string;
    fileBody: FileBody;
    event: OnEventName;
}

export interface OnEventScriptsByProvider {
    providerConfigKey: string;
    scripts: OnEventScript[];
}

export interface DeployPayload {
    flowConfigs: FlowConfig[];
    /** Left out in single mode, so a one-function deploy never touches on-event scripts. */
    onEventScriptsByProvider?: OnEventScriptsByProvider[];
    deployMode: DeployMode;
    reconcile: boolean;
    debug: boolean;
    nangoYamlBody: string;
    sdkVersion: string;
    /** `repo`, or `standalone` when NANGO_DEPLOY_SOURCE says so; only the deploy call sends it. */
    source: DeploySource;
}

export type DeploySource = 'repo' | 'standalone';

/** A function as the plan names it. */
export interface PlanEntry {
    name: string;
    integration: string;
}

export interface PlanSync extends PlanEntry {
    /** Connections that run this sync; null when the platform does not say (a deletion then counts as destructive). */
    connections: number | null;
    autoStart: boolean;
}

interface PlanOnEvent extends PlanEntry {
    event: string;
}

export interface PlanChanges<T> {
    new: T[];
    updated: T[];
    deleted: T[];
}

/** The platform's answer to /sync/deploy/confirmation, normalised. */
export interface DeployPlan {
    syncs: PlanChanges<PlanSync>;
    actions: PlanChanges<PlanEntry>;
    onEventScripts: PlanChanges<PlanOnEvent>;
    deletedModels: string[];
}

/** Why a plan needs an explicit yes. */
export interface PlanAssessment {
    destructive: boolean;
    /** Deleted syncs that still run on connections. */
    deletedSyncsWithConnections: PlanSync[];
    deletedModels: string[];
    /** Sum over the syncs the plan starts, changes or deletes of the connections they run on. */
    connectionsAffected: number;
    /** Connections whose synced records the deletions remove. */
    connectionsLosingData: number;
}

export interface DeployedFunction {
    name: string;
    /** Null when the platform did not report one (on-event scripts). */
    version: string | null;
    type: FunctionType;
    integration: string;
}
