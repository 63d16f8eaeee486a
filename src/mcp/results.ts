/**
 * What a tool call returns: the same JSON document the command prints with --json, as MCP
 * structured content and as its text (clients that read only text get it too), with the exit code
 * the command would have ended with. Every document passes one redactor on its way out, so no
 * tool can return a secret of the project's `.env` or of the environment, whatever produced it.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createRedactor, type Redactor } from '../secrets/redact.js';
import { secretsToCheck } from '../secrets/values.js';
import { ExitCode, FerryError, fileSystemError } from '../errors.js';
import { readDotEnv } from '../platform/env.js';

export type ToolDocument = Record<string, unknown>;

/** A redactor that knows every secret-looking value of the project's `.env` and of `env`. */
export function projectRedactor(root: string | undefined, env: NodeJS.ProcessEnv): Redactor {
    const redactor = createRedactor();
    let dotEnv: Record<string, string> = {};
    try {
        if (root) dotEnv = readDotEnv(root);
    } catch {
        // An unreadable .env holds nothing this server read: there is nothing of it to hide.
    }
    redactor.add(secretsToCheck({ name: '', value: '' }, dotEnv, env).map(({ value }) => value));
    return redactor;
}

export function documentResult(document: ToolDocument, redactor: Redactor, isError = false): CallToolResult {
    const scrubbed = redactor.value(document);
    return {
        content: [{ type: 'text', text: JSON.stringify(scrubbed) }],
        structuredContent: scrubbed,
        ...(isError ? { isError: true } : {})
    };
}

/**
 * A call that failed the way the command fails (exit code and `{ error: { code, message, hint } }`),
 * marked as a tool error so the agent reads it as one.
 */
export function errorDocument(error: unknown): ToolDocument {
    const known = error instanceof FerryError ? error : fileSystemError(error);
    if (known) return { ok: false, exitCode: known.exitCode, error: known.toJSON() };
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, exitCode: ExitCode.Failure, error: { code: 'INTERNAL', message, hint: 'This is a bug in Ferry: report it with the tool call that caused it.' } };
}
