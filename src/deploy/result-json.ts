/** The document a deploy reports (`ferry deploy --json`, and `ferry mcp`'s deploy tool). */
import { diagnosticJson } from '../compiler/diagnostic-json.js';
import type { DeployResult } from './deploy.js';

/** Compile errors are named relative to `root`. */
export function deployResultJson(result: DeployResult, root: string): Record<string, unknown> {
    return {
        environment: result.environment,
        plan: result.plan && result.assessment ? { ...result.plan, connectionsAffected: result.assessment.connectionsAffected } : null,
        destructive: result.destructive,
        deployed: result.deployed,
        payloadBytes: result.payloadBytes,
        dryRun: result.dryRun,
        ...(result.compileErrors.length > 0 ? { compileErrors: result.compileErrors.map((d) => diagnosticJson(d, root)) } : {}),
        ...(result.error ? { error: result.error.toJSON() } : {})
    };
}
