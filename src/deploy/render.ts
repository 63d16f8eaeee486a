/** Human renderings of a plan and of a deploy's result. Pure: they return lines, the command prints them. */
import type { Colors } from '../context.js';
import type { DeployedFunction, DeployPlan, PlanAssessment, PlanChanges, PlanEntry, PlanSync } from './types.js';

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

export function formatBytes(bytes: number): string {
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
    return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function renderPlan(plan: DeployPlan, assessment: PlanAssessment, environment: string, c: Colors): string[] {
    const lines: string[] = [`Plan for environment '${environment}':`];
    const section = <T extends PlanEntry>(title: string, changes: PlanChanges<T>, note: (item: T, kind: 'new' | 'updated' | 'deleted') => string): void => {
        const total = changes.new.length + changes.updated.length + changes.deleted.length;
        if (total === 0) return;
        lines.push(`  ${title}: ${c.green(`${changes.new.length} new`)}, ${c.cyan(`${changes.updated.length} updated`)}, ${c.red(`${changes.deleted.length} deleted`)}`);
        const row = (mark: string, item: T, kind: 'new' | 'updated' | 'deleted'): void => {
            const extra = note(item, kind);
            lines.push(`    ${mark} ${item.integration}/${item.name}${extra ? `  ${extra}` : ''}`);
        };
        for (const item of changes.new) row(c.green('+'), item, 'new');
        for (const item of changes.updated) row(c.cyan('~'), item, 'updated');
        for (const item of changes.deleted) row(c.red('-'), item, 'deleted');
    };

    section<PlanSync>('Syncs', plan.syncs, (sync, kind) => syncNote(sync, kind, c));
    section('Actions', plan.actions, () => '');
    section('On-event scripts', plan.onEventScripts, (script) => c.dim(`(${script.event})`));

    if (plan.deletedModels.length > 0) {
        lines.push(`  ${c.red(`Deleted models: ${plan.deletedModels.join(', ')}`)}`);
        lines.push(`    ${c.dim('Their records are removed; renaming a model counts as deleting it.')}`);
    }
    const nothing =
        [plan.syncs, plan.actions, plan.onEventScripts].every((changes) => changes.new.length + changes.updated.length + changes.deleted.length === 0) &&
        plan.deletedModels.length === 0;
    if (nothing) lines.push(`  ${c.dim('No changes.')}`);

    const affected = assessment.connectionsAffected;
    lines.push(
        `  Connections affected: ${affected}${assessment.connectionsLosingData > 0 ? c.red(` (${plural(assessment.connectionsLosingData, 'connection')} ${assessment.connectionsLosingData === 1 ? 'loses' : 'lose'} synced data)`) : ''}`
    );
    return lines;
}

function syncNote(sync: PlanSync, kind: 'new' | 'updated' | 'deleted', c: Colors): string {
    const connections = sync.connections ?? 0;
    if (kind === 'deleted') {
        if (sync.connections === null) return c.red('(the platform did not say how many connections run it: treated as in use)');
        return connections > 0 ? c.red(`(deletes the records of ${plural(connections, 'connection')})`) : c.dim('(no connections)');
    }
    if (kind === 'new') {
        if (!sync.autoStart) return c.dim('(does not start automatically)');
        return connections > 0 ? c.yellow(`(starts on ${plural(connections, 'connection')})`) : c.dim('(no connections yet)');
    }
    return connections > 0 ? c.dim(`(${plural(connections, 'connection')})`) : '';
}

/** What makes a plan destructive, as a verb phrase: "deletes a sync with connections (github/issues) and the model Issue". */
export function destructiveReason(assessment: PlanAssessment): string {
    const parts: string[] = [];
    if (assessment.deletedSyncsWithConnections.length > 0) {
        const names = assessment.deletedSyncsWithConnections.map((sync) => `${sync.integration}/${sync.name}`).join(', ');
        const known = assessment.deletedSyncsWithConnections.every((sync) => sync.connections !== null);
        parts.push(`${assessment.deletedSyncsWithConnections.length === 1 ? 'a sync' : 'syncs'} ${known ? 'with' : 'that may have'} connections (${names})`);
    }
    if (assessment.deletedModels.length > 0) {
        parts.push(`${assessment.deletedModels.length === 1 ? 'the model' : 'the models'} ${assessment.deletedModels.join(', ')}`);
    }
    return `deletes ${parts.join(' and ')}`;
}

export function renderDeployed(deployed: readonly DeployedFunction[], c: Colors): string[] {
    const label = { sync: 'sync', action: 'action', onEvent: 'on-event' } as const;
    return deployed.map((fn) => `${c.green('✓')} ${fn.name}${fn.version ? `@${fn.version}` : ''}  ${c.dim(`${label[fn.type]}, ${fn.integration}`)}`);
}

