/**
 * Builds the deploy body from the manifest and the functions' files: every field `nango deploy`
 * sends, with the same values and in the same order, so the platform cannot tell the two apart.
 * Pure: the files are read by the caller (only the selected functions' bundles and entry sources),
 * so nothing else in the project can end up in the payload.
 */
import { ON_EVENT_NAMES, type Manifest, type ManifestAction, type ManifestSync } from '../compiler/types.js';
import { FOLDER_OF, type FunctionType } from '../project/types.js';
import type { DeployPayload, DeploySource, FileBody, FlowConfig, OnEventScriptsByProvider, Selection } from './types.js';

/** A function the selection covers, and the bundle id (`<integration>_<folder>_<name>`) its files are found by. */
export interface SelectedFunction {
    id: string;
    type: FunctionType;
    name: string;
    integration: string;
    /** For on-event scripts. */
    event?: string;
}

function functionId(integration: string, type: FunctionType, name: string): string {
    return `${integration}_${FOLDER_OF[type]}_${name}`;
}

/** The functions a deploy with this selection sends, in manifest order. */
export function selectFunctions(manifest: Manifest, selection: Selection): SelectedFunction[] {
    const selected: SelectedFunction[] = [];
    for (const entry of manifest) {
        const integration = entry.providerConfigKey;
        if (selection.integration !== undefined && integration !== selection.integration) continue;
        const add = (type: FunctionType, name: string, event?: string): void => {
            selected.push({ id: functionId(integration, type, name), type, name, integration, ...(event ? { event } : {}) });
        };
        if (selection.mode === 'single') {
            const fn = selection.function!;
            const list: { name: string }[] = fn.type === 'sync' ? entry.syncs : entry.actions;
            if (list.some((item) => item.name === fn.name)) add(fn.type, fn.name);
            continue;
        }
        for (const sync of entry.syncs) add('sync', sync.name);
        for (const action of entry.actions) add('action', action.name);
        for (const event of ON_EVENT_NAMES) {
            for (const name of entry.onEventScripts[event] ?? []) add('onEvent', name, event);
        }
    }
    return selected;
}

interface PayloadInput {
    manifest: Manifest;
    selection: Selection;
    /** Files of every selected function, by id. */
    files: ReadonlyMap<string, FileBody>;
    /** --version: stamped on every flow instead of the functions' own versions. */
    version?: string | undefined;
    debug: boolean;
    /** e.g. `0.1.0-zero` */
    sdkVersion: string;
    /** Where the deploy comes from (deploySource). */
    source: DeploySource;
}

/** `NANGO_DEPLOY_SOURCE`: 'standalone' says so, anything else (or nothing) is a deploy from a repository. */
export function deploySource(value: string | undefined): DeploySource {
    return value === 'standalone' ? 'standalone' : 'repo';
}

export function buildPayload(input: PayloadInput): DeployPayload {
    const { manifest, selection } = input;
    const wanted = new Set(selectFunctions(manifest, selection).map((fn) => fn.id));
    const flowConfigs: FlowConfig[] = [];
    const onEventScriptsByProvider: OnEventScriptsByProvider[] = [];

    for (const entry of manifest) {
        const integration = entry.providerConfigKey;
        const filesOf = (type: FunctionType, name: string): FileBody | undefined => {
            const id = functionId(integration, type, name);
            if (!wanted.has(id)) return undefined;
            const files = input.files.get(id);
            if (!files) throw new Error(`the files of ${id} were not loaded before building the deploy payload`);
            return files;
        };
        for (const sync of entry.syncs) {
            const fileBody = filesOf('sync', sync.name);
            if (fileBody) flowConfigs.push(syncFlow(integration, sync, fileBody, input.version));
        }
        for (const action of entry.actions) {
            const fileBody = filesOf('action', action.name);
            if (fileBody) flowConfigs.push(actionFlow(integration, action, fileBody, input.version));
        }
        const scripts: OnEventScriptsByProvider['scripts'] = [];
        for (const event of ON_EVENT_NAMES) {
            for (const name of entry.onEventScripts[event] ?? []) {
                const fileBody = filesOf('onEvent', name);
                if (fileBody) scripts.push({ name, fileBody, event });
            }
        }
        if (scripts.length > 0) onEventScriptsByProvider.push({ providerConfigKey: integration, scripts });
    }

    return {
        flowConfigs,
        // A single-function deploy leaves the on-event scripts as they are on the platform.
        ...(selection.mode === 'single' ? {} : { onEventScriptsByProvider }),
        deployMode: selection.mode,
        reconcile: true,
        debug: input.debug,
        nangoYamlBody: '',
        sdkVersion: input.sdkVersion,
        source: input.source
    };
}

/** The body the preview call sends: the same functions, reconciling nothing, without the deploy-only fields. */
export function previewBody(payload: DeployPayload): PreviewBody {
    const { flowConfigs, onEventScriptsByProvider, deployMode, debug, sdkVersion } = payload;
    return { flowConfigs, ...(onEventScriptsByProvider ? { onEventScriptsByProvider } : {}), deployMode, reconcile: false, debug, sdkVersion };
}

type PreviewBody = Omit<DeployPayload, 'nangoYamlBody' | 'source'>;

/** The description when there is one; the scopes always, an empty list included. */
function metadataOf(fn: { description: string; scopes: string[] }): FlowConfig['metadata'] {
    return { ...(fn.description ? { description: fn.description } : {}), scopes: fn.scopes };
}

/** --version wins; a function without a version sends '' and the platform numbers it. */
function versionOf(own: string, override: string | undefined): string {
    return override || own;
}

function syncFlow(integration: string, sync: ManifestSync, fileBody: FileBody, version: string | undefined): FlowConfig {
    return {
        syncName: sync.name,
        providerConfigKey: integration,
        models: sync.output,
        version: versionOf(sync.version, version),
        runs: sync.runs,
        track_deletes: sync.track_deletes,
        auto_start: sync.auto_start,
        attributes: {},
        metadata: metadataOf(sync),
        ...(sync.input ? { input: sync.input } : {}),
        sync_type: sync.sync_type,
        type: 'sync',
        fileBody,
        endpoints: sync.endpoints,
        webhookSubscriptions: sync.webhookSubscriptions,
        models_json_schema: sync.json_schema,
        features: sync.features
    };
}

function actionFlow(integration: string, action: ManifestAction, fileBody: FileBody, version: string | undefined): FlowConfig {
    return {
        syncName: action.name,
        providerConfigKey: integration,
        models: action.output ?? [],
        version: versionOf(action.version, version),
        runs: null,
        metadata: metadataOf(action),
        ...(action.input ? { input: action.input } : {}),
        type: 'action',
        fileBody,
        endpoints: action.endpoint ? [action.endpoint] : [],
        track_deletes: false,
        models_json_schema: action.json_schema,
        features: action.features
    };
}
