/** Manifest entries for tests: complete and neutral, with only what a test cares about set. */
import type { ManifestAction, ManifestSync } from '../../src/compiler/types.js';

export function manifestSync(name: string, overrides: Partial<ManifestSync> = {}): ManifestSync {
    const output = overrides.output ?? [];
    return {
        type: 'sync',
        name,
        description: '',
        endpoints: [],
        sync_type: 'full',
        track_deletes: false,
        auto_start: true,
        runs: 'every hour',
        scopes: [],
        input: null,
        output,
        usedModels: output,
        webhookSubscriptions: [],
        version: '',
        json_schema: { definitions: {} },
        features: [],
        ...overrides
    };
}

export function manifestAction(name: string, overrides: Partial<ManifestAction> = {}): ManifestAction {
    return {
        type: 'action',
        name,
        description: '',
        endpoint: null,
        scopes: [],
        input: null,
        output: null,
        usedModels: [],
        version: '',
        json_schema: { definitions: {} },
        features: [],
        ...overrides
    };
}
