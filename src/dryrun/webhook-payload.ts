/** `dryrun --webhook`: the payload a sync's onWebhook is run with. */
import { ExitCode, FerryError } from '../errors.js';
import type { FunctionRef } from '../project/types.js';
import { parseJsonFlag } from './args.js';

/**
 * --webhook's payload: JSON from a file (relative to cwd) or stdin (`-`). Only syncs have
 * webhook handlers; anything else is a usage error before the platform is asked anything.
 */
export async function readWebhookPayload(source: string, cwd: string, ref: FunctionRef, stdin: NodeJS.ReadableStream = process.stdin): Promise<unknown> {
    if (ref.type !== 'sync') {
        throw new FerryError({ code: 'USAGE', message: `--webhook runs a sync's onWebhook, and ${ref.integration}/${ref.name} is ${ref.type === 'action' ? 'an action' : 'an on-event handler'}`, hint: 'Name a sync that declares onWebhook.', exitCode: ExitCode.Failure });
    }
    if (source !== '-') return parseJsonFlag('--webhook', `@${source}`, cwd);
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.trim() === '') throw new FerryError({ code: 'BAD_FLAG_VALUE', message: '--webhook -: stdin was empty', hint: 'Pipe the payload in, e.g. ferry dryrun issues conn-1 --webhook - < payload.json.', exitCode: ExitCode.Failure });
    try {
        return JSON.parse(text) as unknown;
    } catch {
        throw new FerryError({ code: 'BAD_FLAG_VALUE', message: '--webhook -: stdin is not valid JSON', hint: 'Pipe a JSON payload in, e.g. ferry dryrun issues conn-1 --webhook - < payload.json.', exitCode: ExitCode.Failure });
    }
}
