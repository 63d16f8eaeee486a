/** The ways a deploy stops on purpose, each one line saying that nothing was sent or deployed. */
import type { CompileDiagnostic } from '../compiler/types.js';
import { ExitCode, FerryError } from '../errors.js';
import { destructiveReason } from './render.js';
import type { PlanAssessment } from './types.js';

export function compileFailed(errors: readonly CompileDiagnostic[]): FerryError {
    return new FerryError({
        code: 'COMPILE_FAILED',
        message: `Compile failed with ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was sent to the platform`,
        hint: 'Fix the errors above and deploy again (`ferry compile` shows them on their own).',
        exitCode: ExitCode.Compile,
        details: { errors: errors.length }
    });
}

export function secretInPayload(variables: readonly string[]): FerryError {
    const list = variables.join(', ');
    return new FerryError({
        code: 'SECRET_IN_PAYLOAD',
        message: `Refusing to deploy: the bundles contain the value of ${list}; nothing was sent to the platform`,
        hint: `Remove it from the function code (or from what it imports) and read it at run time instead, e.g. with nango.getEnvironmentVariables().`,
        exitCode: ExitCode.Deploy,
        details: { variables: [...variables] }
    });
}

export function refused(assessment: PlanAssessment, environment: string, missingFlags: readonly string[]): FerryError {
    return new FerryError({
        code: 'DEPLOY_REFUSED',
        message: `Refusing to deploy to '${environment}': the plan ${destructiveReason(assessment)}, and ${missingFlags.join(' and ')} ${missingFlags.length === 1 ? 'is' : 'are'} missing; nothing was deployed`,
        hint: 'Review the plan above, then rerun with --auto-confirm --allow-destructive, or in a terminal to confirm it.',
        exitCode: ExitCode.Deploy,
        details: { missingFlags: [...missingFlags] }
    });
}

export function cancelled(): FerryError {
    return new FerryError({
        code: 'DEPLOY_CANCELLED',
        message: 'Deploy cancelled at the prompt; nothing was deployed',
        hint: 'Change the functions, or deploy only some of them with -s, -a or -i.',
        exitCode: ExitCode.Deploy
    });
}
