/** ferry serve's deploy plan: what is new, updated or removed, and the versions, as Nango decides them. */
import { describe, expect, it } from 'vitest';
import { increment, planDeploy, versionFor, type Flow } from '../../src/serve/deploy-plan.js';
import type { FunctionRow } from '../../src/serve/functions-store.js';

const row = (over: Partial<FunctionRow>): FunctionRow => ({
    id: 1,
    provider_config_key: 'gh',
    type: 'sync',
    name: 'issues',
    event: '',
    version: '1',
    runs: 'every hour',
    auto_start: true,
    models: ['Issue', 'Label'],
    config: {},
    js: 'js-1',
    ts: 'ts-1',
    deployed_at: new Date(0),
    ...over
});
const flow = (over: Partial<Flow>): Flow => ({
    type: 'sync',
    syncName: 'issues',
    providerConfigKey: 'gh',
    models: ['Issue'],
    runs: 'every hour',
    auto_start: true,
    fileBody: { js: 'js-1', ts: 'ts-1' },
    ...over
});

describe('planDeploy', () => {
    const existing = [row({}), row({ id: 2, type: 'action', name: 'old-action', models: [] }), row({ id: 3, provider_config_key: 'other', name: 'elsewhere' }), row({ id: 4, type: 'on-event', name: 'hello', event: 'post-connection-creation' })];
    const connections = new Map([['gh', 2]]);

    it('lists new, updated and removed functions and dropped models (all mode)', () => {
        const plan = planDeploy(existing, [flow({}), flow({ type: 'action', syncName: 'new-action', models: [] })], [{ providerConfigKey: 'gh', scripts: [] }], 'all', connections);
        expect(plan.differences).toMatchObject({
            newSyncs: [],
            updatedSyncs: [{ name: 'issues', providerConfigKey: 'gh', connections: 2, auto_start: true }],
            newActions: [{ name: 'new-action' }],
            deletedActions: [{ name: 'old-action' }],
            deletedSyncs: [{ name: 'elsewhere', providerConfigKey: 'other', connections: 0, auto_start: false }],
            deletedModels: ['Label'],
            deletedOnEventScripts: [{ name: 'hello', event: 'post-connection-creation' }]
        });
        expect(plan.deletions.sort()).toEqual([2, 3, 4]);
    });

    it('removes nothing in single mode, and only the integration\'s in integration mode', () => {
        expect(planDeploy(existing, [flow({})], undefined, 'single', connections).deletions).toEqual([]);
        const scoped = planDeploy(existing, [flow({})], undefined, 'integration', connections);
        expect(scoped.differences.deletedSyncs).toEqual([]);
        expect(scoped.differences.deletedActions).toEqual([{ name: 'old-action', providerConfigKey: 'gh' }]);
        expect(scoped.differences.deletedOnEventScripts).toEqual([]);
    });
});

describe('versions', () => {
    it('keeps an unchanged function\'s version, bumps a changed one, starts at 1, and takes a given one', () => {
        expect(versionFor(undefined, undefined, { js: 'a', ts: 'b' })).toBe('1');
        expect(versionFor(row({ version: '0.0.3' }), undefined, { js: 'js-1', ts: 'ts-1' })).toBe('0.0.3');
        expect(versionFor(row({ version: '0.0.3' }), undefined, { js: 'changed', ts: 'ts-1' })).toBe('0.0.4');
        expect(versionFor(row({ version: '7' }), undefined, { js: 'changed', ts: 'ts-1' })).toBe('8');
        expect(versionFor(row({}), '2.0.0', { js: 'js-1', ts: 'ts-1' })).toBe('2.0.0');
        expect(increment('1.2.9')).toBe('1.2.10');
    });
});
