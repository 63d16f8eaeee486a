/**
 * `--out <file.jsonl>`: every record as one JSON line, streamed to a temporary file beside the
 * target and renamed into place only when the run is done, so a failed run never leaves half a
 * file and memory stays bounded whatever the number of records (writes wait for the disk).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { ExitCode, FerryError, errnoCode, usageError } from '../errors.js';
import { cleanStaleTemps, tempPathFor } from '../util/fs.js';
import type { RecordEvent, RecordSink } from '../runtime/run-types.js';

export interface JsonlSink extends RecordSink {
    /** Lines written so far. */
    readonly count: number;
    /**
     * Flush and move the file into place. `beforeRename` is the last word (an interrupt): when it
     * throws, the temporary file is removed and the target left as it was.
     */
    commit(beforeRename?: () => void): Promise<void>;
    /** Remove the temporary file; the target is left as it was. */
    abort(): Promise<void>;
}

interface JsonlSinkOptions {
    /** Applied to each serialized line before it is written (the dry run masks secrets there). */
    scrub?: (line: string) => string;
}

/**
 * `--out <flag>` resolved to `target`: refuses a folder (or a path written as one, `newdir/`) and
 * a place that cannot be written, as usage errors, then opens the sink. Called before the
 * platform is contacted, so a bad target costs no run.
 */
export async function openOutSink(flag: string, target: string, options: JsonlSinkOptions = {}): Promise<JsonlSink> {
    const example = `e.g. --out ${/[\\/]$/.test(flag) ? flag : `${flag}/`}records.jsonl`;
    if (/[\\/]$/.test(flag) || /(^|[\\/])\.{1,2}$/.test(flag)) throw usageError(`--out ${flag} names a folder`, `Give a file path, ${example}.`);
    const existing = await stat(target).catch(() => undefined);
    if (existing?.isDirectory()) throw usageError(`--out ${flag} is a folder`, `Give a file path, ${example}.`);
    try {
        return await openJsonlSink(target, options);
    } catch (error) {
        const code = errnoCode(error);
        const reason = error instanceof Error ? error.message.replace(/^E[A-Z]+: /, '').split(',')[0] : String(error);
        const inTheWay = code === 'ENOTDIR' || code === 'EEXIST';
        throw new FerryError({
            code: 'OUT_NOT_WRITABLE',
            message: `cannot write --out ${flag} in ${dirname(target)} (${code ? `${code}: ` : ''}${reason})`,
            hint: inTheWay
                ? 'A file is in the way of that folder: pick another path, e.g. --out records.jsonl. Nothing was run.'
                : 'Check that you may write in that folder (or create it), or pick another path. Nothing was run.',
            exitCode: ExitCode.Failure,
            details: { flag: '--out', path: target, ...(code ? { errno: code } : {}) }
        });
    }
}

export async function openJsonlSink(target: string, { scrub }: JsonlSinkOptions = {}): Promise<JsonlSink> {
    await mkdir(dirname(target), { recursive: true });
    // A run killed before its rename left its temporary file (it can be gigabytes): gone now.
    await cleanStaleTemps(dirname(target), basename(target));
    // Streamed, not util/fs.ts's writeFileAtomic (which takes the whole content): a million-record
    // --out never sits in memory. The same temporary name and rename keep it atomic.
    const temp = tempPathFor(target);
    const stream: WriteStream = createWriteStream(temp, { flags: 'wx', highWaterMark: 1 << 20 });
    await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', reject);
    });
    let failure: Error | undefined;
    stream.on('error', (error) => {
        failure = error;
    });
    let count = 0;

    const end = (): Promise<void> =>
        new Promise<void>((resolve, reject) => {
            if (stream.closed) return resolve();
            stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
        });

    return {
        get count() {
            return count;
        },
        write(event: RecordEvent): Promise<void> | void {
            if (failure) throw failure;
            count++;
            const line = JSON.stringify({ model: event.model, op: event.op, record: event.record });
            const ok = stream.write(`${scrub ? scrub(line) : line}\n`);
            if (ok) return;
            return new Promise<void>((resolve, reject) => {
                const onDrain = (): void => {
                    stream.off('error', onError);
                    resolve();
                };
                const onError = (error: Error): void => {
                    stream.off('drain', onDrain);
                    reject(error);
                };
                stream.once('drain', onDrain);
                stream.once('error', onError);
            });
        },
        async commit(beforeRename) {
            try {
                await end();
                if (failure) throw failure;
                beforeRename?.();
                await rename(temp, target);
            } catch (error) {
                // A failed write, an interrupt, a target that cannot take the file (a folder, a
                // read-only place): leave nothing behind.
                await rm(temp, { force: true });
                throw error;
            }
        },
        async abort() {
            await end().catch(() => {});
            await rm(temp, { force: true });
        }
    };
}
