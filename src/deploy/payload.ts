/**
 * Builds the deploy body of reference §5 from the manifest and the functions' files. Pure: the
 * files are read by the caller (only the selected functions' bundles and entry sources), so
 * nothing else in the project can end up in the payload.
 */
import { ON_EVENT_NAMES, type Manifest, type ManifestAction, type ManifestSync } from '../compiler/types.js';
import { FOLDER_OF, type FunctionType } from '../project/types.js';
import type { DeployPayload, FileBody, FlowConfig, OnEventScriptsByProvider, Selection } from './types.js';

/** A function the selection covers, and the bundle id (`<integration>_<folder>_<name>`) its files are found by. */
export interface SelectedFunction {
    id: string;
    type: FunctionType;
    name: string;
    integration: string;
    /** For on-event scripts. */
    event?: string;
}

export function functionId(integration: string, type: FunctionType, name: string): string {
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

export interface PayloadInput {
    manifest: Manifest;
    selection: Selection;
    /** Files of every selected function, by id. */
    files: ReadonlyMap<string, FileBody>;
    /** --version: stamped on every flow instead of the functions' own versions. */
    version?: string | undefined;
    debug: boolean;
    /** e.g. `0.1.0-zero` */
    sdkVersion: string;
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
        sdkVersion: input.sdkVersion,
        nangoYamlBody: ''
    };
}

/** The same body, as the preview call sends it: the preview must not change anything. */
export function previewBody(payload: DeployPayload): Omit<DeployPayload, 'nangoYamlBody'> {
    const { nangoYamlBody: _unused, ...rest } = payload;
    return { ...rest, reconcile: false };
}

function metadataOf(fn: { description: string; scopes: string[] }): FlowConfig['metadata'] {
    return {
        ...(fn.description ? { description: fn.description } : {}),
        ...(fn.scopes.length > 0 ? { scopes: fn.scopes } : {})
    };
}

function versionOf(own: string, override: string | undefined): { version?: string } {
    const version = override ?? own;
    return version ? { version } : {};
}

function syncFlow(integration: string, sync: ManifestSync, fileBody: FileBody, version: string | undefined): FlowConfig {
    return {
        type: 'sync',
        syncName: sync.name,
        providerConfigKey: integration,
        models: sync.output,
        ...versionOf(sync.version, version),
        runs: sync.runs,
        track_deletes: sync.track_deletes,
        auto_start: sync.auto_start,
        attributes: {},
        metadata: metadataOf(sync),
        ...(sync.input ? { input: sync.input } : {}),
        sync_type: sync.sync_type,
        fileBody,
        endpoints: sync.endpoints,
        webhookSubscriptions: sync.webhookSubscriptions,
        models_json_schema: sync.json_schema,
        features: sync.features
    };
}

function actionFlow(integration: string, action: ManifestAction, fileBody: FileBody, version: string | undefined): FlowConfig {
    return {
        type: 'action',
        syncName: action.name,
        providerConfigKey: integration,
        models: action.output ?? [],
        ...versionOf(action.version, version),
        runs: null,
        track_deletes: false,
        attributes: {},
        metadata: metadataOf(action),
        ...(action.input ? { input: action.input } : {}),
        fileBody,
        endpoints: action.endpoint ? [action.endpoint] : [],
        models_json_schema: action.json_schema,
        features: action.features
    };
}
