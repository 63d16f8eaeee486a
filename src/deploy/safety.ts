/**
 * What a plan does to live data, and whether it may go ahead. A plan is destructive when it deletes
 * a sync that still runs on connections (its records go with it) or deletes a model.
 */
import type { DeployPlan, PlanAssessment, PlanSync } from './types.js';

export function assessPlan(plan: DeployPlan): PlanAssessment {
    // A deleted sync whose connections the platform does not report is assumed to have some.
    const deletedSyncsWithConnections = plan.syncs.deleted.filter((sync) => sync.connections === null || sync.connections > 0);
    const count = (sum: number, sync: PlanSync): number => sum + (sync.connections ?? 0);
    const connectionsLosingData = deletedSyncsWithConnections.reduce(count, 0);
    const starting = plan.syncs.new.filter((sync) => sync.autoStart).reduce(count, 0);
    const changing = plan.syncs.updated.reduce(count, 0);
    return {
        destructive: deletedSyncsWithConnections.length > 0 || plan.deletedModels.length > 0,
        deletedSyncsWithConnections,
        deletedModels: plan.deletedModels,
        connectionsAffected: starting + changing + connectionsLosingData,
        connectionsLosingData
    };
}

interface SafetyInput {
    assessment: PlanAssessment;
    /** A person can answer a prompt (a TTY, not CI, not --no-interactive). */
    interactive: boolean;
    autoConfirm: boolean;
    allowDestructive: boolean;
}

type SafetyDecision =
    | { kind: 'proceed'; reason: 'not-destructive' | 'flags' }
    | { kind: 'ask' }
    | { kind: 'refuse'; missingFlags: string[] };

/**
 * A non-destructive plan goes ahead. A destructive one needs both --auto-confirm and
 * --allow-destructive, or else a person's yes; with nobody to ask it is refused, naming the
 * missing flags.
 */
export function decide(input: SafetyInput): SafetyDecision {
    if (!input.assessment.destructive) return { kind: 'proceed', reason: 'not-destructive' };
    if (input.autoConfirm && input.allowDestructive) return { kind: 'proceed', reason: 'flags' };
    if (input.interactive) return { kind: 'ask' };
    const missingFlags = [...(input.autoConfirm ? [] : ['--auto-confirm']), ...(input.allowDestructive ? [] : ['--allow-destructive'])];
    return { kind: 'refuse', missingFlags };
}
