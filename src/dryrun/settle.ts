/**
 * A live dry run's last step: the --out file moves into place (or is discarded) and --save writes
 * the fixture, after the run, whose outcome neither may throw away.
 */
import { FerryError, errnoCode } from '../errors.js';
import type { RunResult } from '../runtime/run-types.js';
import { allSecrets, namedCredentials, type NamedSecret } from '../secrets/values.js';
import type { Connected } from './connect.js';
import type { JsonlSink } from './jsonl-sink.js';
import type { DryrunOutcome } from './options.js';
import type { Prepared } from './prepare.js';
import { fixturePath, saveFixture, whyNotSavable, type FixtureSource } from './save.js';

/**
 * A successful run's records move into place; a failed run's are discarded, the target untouched.
 * `beforeRename` throws to stop the move (an interrupt); the records are discarded then too.
 */
export async function settleOut(sink: JsonlSink, file: string, ok: boolean, beforeRename: () => void): Promise<Pick<DryrunOutcome, 'out' | 'outDiscarded'>> {
    if (!ok) {
        await sink.abort();
        return { outDiscarded: file };
    }
    await sink.commit(beforeRename);
    return { out: { file, records: sink.count } };
}

/**
 * --save: the fixture, scanned for the key and secret-looking variables, what the platform served
 * as environment variables, and the connection's credentials.
 */
export function saveRun(
    result: RunResult,
    prepared: Prepared,
    connected: Connected,
    recordedAt: Date | undefined,
    servedVariables: Record<string, string>
): Promise<Pick<DryrunOutcome, 'savedTo' | 'replaced' | 'notSaved'>> {
    const source: FixtureSource = {
        result,
        connection: connected.connection,
        input: prepared.input,
        ...(prepared.metadata !== undefined ? { metadata: prepared.metadata } : {}),
        ...(prepared.checkpoint ? { checkpoint: prepared.checkpoint } : {}),
        ...(prepared.lastSyncDate ? { lastSyncDate: prepared.lastSyncDate } : {}),
        ...(recordedAt ? { recordedAt } : {}),
        ...(prepared.webhook !== undefined ? { webhook: prepared.webhook } : {})
    };
    const secrets = [
        ...prepared.secrets,
        ...allSecrets(servedVariables, 'platform environment variable'),
        ...namedCredentials(connected.secrets, "the connection's credentials")
    ];
    return trySave(source, prepared.root, secrets);
}

/**
 * A fixture that cannot or must not be written is reported (notSaved), it does not throw away
 * the run that was just made.
 */
async function trySave(source: FixtureSource, root: string, secrets: readonly NamedSecret[]): Promise<Pick<DryrunOutcome, 'savedTo' | 'replaced' | 'notSaved'>> {
    const why = whyNotSavable(source.result);
    if (why) return { notSaved: why };
    try {
        const saved = await saveFixture(source, { root, secrets });
        return { savedTo: saved.file, replaced: saved.replaced };
    } catch (error) {
        const leaked = error instanceof FerryError && error.code === 'FIXTURE_HAS_SECRET' ? error.details?.['variables'] : undefined;
        if (Array.isArray(leaked)) return { notSaved: `the recording contains the value of ${leaked.join(', ')} (a response or a log echoes it: keep it out of what the function returns or logs)` };
        if (error instanceof FerryError) return { notSaved: error.message };
        const code = errnoCode(error);
        const reason = error instanceof Error ? error.message.replace(/^E[A-Z]+: /, '').split(',')[0] : String(error);
        return { notSaved: `cannot write ${fixturePath(root, source.result.integration, source.result.function)} (${code ? `${code}: ` : ''}${reason})` };
    }
}
