/**
 * `ferry pull <integration> <name> -e <env>`: the TypeScript source of a deployed function, from
 * the platform's `GET /integrations/{integration}/functions/{name}/code` (`?type=` to choose
 * among same-named functions), written to `<integration>/<syncs|actions|on-events>/<name>.ts` and
 * registered in index.ts. The answer is `{ type: 'sync' | 'action' | 'on-event', code }`.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode, FerryError } from '../errors.js';
import type { PlatformClient } from '../platform/client.js';
import { withImports } from '../project/index-file.js';
import { writeFilesAtomic } from '../util/fs.js';

export type PullType = 'sync' | 'action' | 'on-event';
const FOLDER: Record<PullType, string> = { sync: 'syncs', action: 'actions', 'on-event': 'on-events' };

interface PullOptions {
    root: string;
    integration: string;
    name: string;
    type?: PullType | undefined;
    /** Overwrite a file that differs (else PULL_CONFLICT). */
    force: boolean;
}

interface PullResult {
    /** Project-relative path of the function file. */
    file: string;
    type: PullType;
    status: 'written' | 'unchanged';
    registered: boolean;
}

/** A name that could leave its folder (`..`, a slash) is refused before anything is asked. */
export function checkPullName(kind: 'integration' | 'function', value: string): void {
    if (!value || value === '.' || value === '..' || /[\\/]/.test(value)) {
        throw new FerryError({ code: 'USAGE', message: `'${value}' is not a valid ${kind} name`, hint: 'Names are single path segments, e.g. ferry pull github issues.' });
    }
}

interface CodeAnswer {
    type: PullType;
    code: string;
}

async function fetchCode(client: PlatformClient, options: PullOptions): Promise<CodeAnswer> {
    const path = `/integrations/${encodeURIComponent(options.integration)}/functions/${encodeURIComponent(options.name)}/code`;
    const response = await client.raw({ method: 'GET', path, query: { type: options.type } });
    let body: unknown = null;
    try {
        body = JSON.parse(response.body.toString('utf8'));
    } catch {
        body = null;
    }
    const error = typeof body === 'object' && body !== null && 'error' in body ? (body as { error: { code?: string; message?: string } }).error : undefined;
    if (response.status === 401 || response.status === 403 || response.status === 429 || response.status >= 500) throw client.statusError(response, { method: 'GET', path });
    if (response.status < 200 || response.status >= 300 || error) {
        const ambiguous = error?.code === 'ambiguous_function';
        throw new FerryError({
            code: ambiguous ? 'PULL_AMBIGUOUS' : response.status === 404 ? 'PULL_NOT_FOUND' : 'PULL_REFUSED',
            message: `The platform has no deployed source for ${options.integration}/${options.name}: ${error?.message ?? `status ${response.status}`}${error?.code ? ` (${error.code})` : ''}`,
            hint: ambiguous ? 'Several functions share the name: run again with --sync, --action or --on-event.' : 'Check the integration, the name and the environment (-e).',
            exitCode: ExitCode.Failure,
            details: { status: response.status }
        });
    }
    const answer = body as Partial<CodeAnswer> | null;
    if (!answer || typeof answer.code !== 'string' || !answer.type || !(answer.type in FOLDER)) {
        throw new FerryError({ code: 'PLATFORM_BAD_ANSWER', message: `The platform's answer to GET ${path} is not { type, code }`, hint: 'Check NANGO_HOSTPORT points at a Nango-compatible platform.' });
    }
    return { type: answer.type, code: answer.code };
}

export async function pullDeployed(client: PlatformClient, options: PullOptions): Promise<PullResult> {
    checkPullName('integration', options.integration);
    checkPullName('function', options.name);
    const answer = await fetchCode(client, options);
    const file = `${options.integration}/${FOLDER[answer.type]}/${options.name}.ts`;
    const target = join(options.root, file);
    const current = existsSync(target) ? await readFile(target, 'utf8') : undefined;
    if (current !== undefined && current !== answer.code && !options.force) {
        throw new FerryError({ code: 'PULL_CONFLICT', message: `${file} exists with different content`, hint: 'Run again with -f to overwrite it (nothing was written).' });
    }
    const indexPath = join(options.root, 'index.ts');
    const index = await readFile(indexPath, 'utf8');
    const nextIndex = withImports(index, [file]);
    const writes = [...(current === answer.code ? [] : [{ path: target, content: answer.code }]), ...(nextIndex === index ? [] : [{ path: indexPath, content: nextIndex }])];
    await writeFilesAtomic(writes);
    return { file, type: answer.type, status: current === answer.code ? 'unchanged' : 'written', registered: nextIndex !== index };
}
