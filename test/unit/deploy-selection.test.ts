import { describe, expect, it } from 'vitest';
import type { Manifest, ManifestAction, ManifestSync } from '../../src/compiler/types.js';
import { createColors } from 'picocolors';
import { destructiveReason, renderPlan } from '../../src/deploy/render.js';
import { assessPlan, decide } from '../../src/deploy/safety.js';
import { checkVersion, resolveEnvironment, resolveSelection } from '../../src/deploy/selection.js';
import type { DeployPlan } from '../../src/deploy/types.js';
import { FerryError } from '../../src/errors.js';
import { manifestAction, manifestSync } from '../support/manifest.js';

const sync = (name: string, output: string[]): ManifestSync => manifestSync(name, { output });
const action = (name: string): ManifestAction => manifestAction(name);
const noEvents = { 'post-connection-creation': [], 'pre-connection-deletion': [], 'validate-connection': [] };

const manifest: Manifest = [
    { providerConfigKey: 'github', syncs: [sync('issues', ['Issue']), sync('messages', ['GhMessage'])], actions: [action('create-issue')], onEventScripts: noEvents },
    { providerConfigKey: 'slack', syncs: [sync('messages', ['Message'])], actions: [action('send-message')], onEventScripts: noEvents }
];

function errorOf(fn: () => unknown): FerryError {
    try {
        fn();
    } catch (error) {
        if (error instanceof FerryError) return error;
        throw error;
    }
    throw new Error('expected a FerryError');
}

describe('deploy selection flags', () => {
    it('maps no flags to all, -i to integration, -s/-a to single', () => {
        expect(resolveSelection(manifest, {})).toEqual({ mode: 'all' });
        expect(resolveSelection(manifest, { integration: 'slack' })).toEqual({ mode: 'integration', integration: 'slack' });
        expect(resolveSelection(manifest, { sync: 'issues' })).toEqual({ mode: 'single', integration: 'github', function: { type: 'sync', name: 'issues' } });
        expect(resolveSelection(manifest, { action: 'send-message' })).toEqual({
            mode: 'single',
            integration: 'slack',
            function: { type: 'action', name: 'send-message' }
        });
        expect(resolveSelection(manifest, { sync: 'messages', integration: 'slack' })).toMatchObject({ mode: 'single', integration: 'slack' });
    });

    it('rejects bad combinations and unknown names in one line with a suggestion', () => {
        const both = errorOf(() => resolveSelection(manifest, { sync: 'issues', action: 'create-issue' }));
        expect(both.message).toContain('cannot be used together');
        expect(both.exitCode).toBe(1);

        const typo = errorOf(() => resolveSelection(manifest, { sync: 'isues' }));
        expect(typo.message).toBe("No sync named 'isues' in this project");
        expect(typo.hint).toContain("'issues'");

        const wrongKind = errorOf(() => resolveSelection(manifest, { sync: 'create-issue' }));
        expect(wrongKind.message).toContain('is an action');
        expect(wrongKind.hint).toBe('Use -a create-issue.');

        const ambiguous = errorOf(() => resolveSelection(manifest, { sync: 'messages' }));
        expect(ambiguous.message).toContain('github and slack');
        expect(ambiguous.hint).toContain('-i github');

        const integration = errorOf(() => resolveSelection(manifest, { integration: 'githb' }));
        expect(integration.hint).toContain("'github'");

        for (const error of [both, typo, wrongKind, ambiguous, integration]) expect(error.message).not.toContain('\n');
    });

    it('takes the environment from either form, and refuses two different ones', () => {
        expect(resolveEnvironment(undefined, undefined)).toBe('dev');
        expect(resolveEnvironment('prod', undefined)).toBe('prod');
        expect(resolveEnvironment(undefined, 'prod')).toBe('prod');
        expect(resolveEnvironment('prod', 'prod')).toBe('prod');
        const clash = errorOf(() => resolveEnvironment('prod', 'dev'));
        expect(clash.message).toBe("Two environments given: 'prod' and -e 'dev'");
        expect(errorOf(() => resolveEnvironment('pr od', undefined)).message).toContain('not an environment name');
        expect(checkVersion('1.2.0')).toBe('1.2.0');
        expect(errorOf(() => checkVersion('1 2')).message).toContain('is not a version');
    });
});

const emptyPlan = (): DeployPlan => ({
    syncs: { new: [], updated: [], deleted: [] },
    actions: { new: [], updated: [], deleted: [] },
    onEventScripts: { new: [], updated: [], deleted: [] },
    deletedModels: []
});

describe('deploy safety', () => {
    it('treats deletions of unused syncs and actions as safe', () => {
        const plan = emptyPlan();
        plan.syncs.deleted.push({ name: 'old', integration: 'github', connections: 0, autoStart: true });
        plan.actions.deleted.push({ name: 'gone', integration: 'github' });
        plan.syncs.new.push({ name: 'issues', integration: 'github', connections: 3, autoStart: true });
        plan.syncs.updated.push({ name: 'prs', integration: 'github', connections: 2, autoStart: true });
        const assessment = assessPlan(plan);
        expect(assessment.destructive).toBe(false);
        expect(assessment.connectionsAffected).toBe(5);
        expect(decide({ assessment, interactive: false, autoConfirm: false, allowDestructive: false })).toEqual({ kind: 'proceed', reason: 'not-destructive' });
    });

    it('needs both flags, or a person, for a deleted sync with connections or a deleted model', () => {
        const withConnections = emptyPlan();
        withConnections.syncs.deleted.push({ name: 'issues', integration: 'github', connections: 4, autoStart: true });
        const deletedModel = emptyPlan();
        deletedModel.deletedModels.push('Issue');
        for (const plan of [withConnections, deletedModel]) {
            const assessment = assessPlan(plan);
            expect(assessment.destructive).toBe(true);
            expect(decide({ assessment, interactive: false, autoConfirm: false, allowDestructive: false })).toEqual({
                kind: 'refuse',
                missingFlags: ['--auto-confirm', '--allow-destructive']
            });
            expect(decide({ assessment, interactive: false, autoConfirm: true, allowDestructive: false })).toEqual({ kind: 'refuse', missingFlags: ['--allow-destructive'] });
            expect(decide({ assessment, interactive: false, autoConfirm: false, allowDestructive: true })).toEqual({ kind: 'refuse', missingFlags: ['--auto-confirm'] });
            expect(decide({ assessment, interactive: true, autoConfirm: false, allowDestructive: true })).toEqual({ kind: 'ask' });
            expect(decide({ assessment, interactive: false, autoConfirm: true, allowDestructive: true })).toEqual({ kind: 'proceed', reason: 'flags' });
        }
        expect(assessPlan(withConnections).connectionsLosingData).toBe(4);
    });

    it('treats a deleted sync whose connections the platform does not report as in use', () => {
        const plan = emptyPlan();
        plan.syncs.deleted.push({ name: 'issues', integration: 'github', connections: null, autoStart: true });
        const assessment = assessPlan(plan);
        expect(assessment.destructive).toBe(true);
        expect(destructiveReason(assessment)).toBe('deletes a sync that may have connections (github/issues)');
        expect(decide({ assessment, interactive: false, autoConfirm: true, allowDestructive: false })).toEqual({ kind: 'refuse', missingFlags: ['--allow-destructive'] });
    });

    it('renders a plan as plain lines', () => {
        const plan = emptyPlan();
        plan.syncs.new.push({ name: 'issues', integration: 'github', connections: 2, autoStart: true });
        plan.syncs.deleted.push({ name: 'old', integration: 'github', connections: 1, autoStart: true });
        plan.actions.updated.push({ name: 'create-issue', integration: 'github' });
        plan.deletedModels.push('OldModel');
        const lines = renderPlan(plan, assessPlan(plan), 'prod', createColors(false));
        expect(lines).toEqual([
            "Plan for environment 'prod':",
            '  Syncs: 1 new, 0 updated, 1 deleted',
            '    + github/issues  (starts on 2 connections)',
            '    - github/old  (deletes the records of 1 connection)',
            '  Actions: 0 new, 1 updated, 0 deleted',
            '    ~ github/create-issue',
            '  Deleted models: OldModel',
            '    Their records are removed; renaming a model counts as deleting it.',
            '  Connections affected: 3 (1 connection loses synced data)'
        ]);
        expect(renderPlan(emptyPlan(), assessPlan(emptyPlan()), 'dev', createColors(false))).toContain('  No changes.');
    });
});
