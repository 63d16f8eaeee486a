/**
 * `ferry mcp` over stdio. stdout is the transport: one stray line there (a dependency's console.log,
 * a forwarded worker's output) would corrupt the protocol. So the transport gets its own handle on
 * stdout, and everything else that writes to process.stdout for the life of the server is sent to
 * stderr instead, where a client shows it as the server's log.
 */
import { Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createFerryMcpServer, type FerryMcpOptions } from './server.js';

interface StdioOptions extends FerryMcpOptions {
    stdin?: NodeJS.ReadableStream;
    stdout?: NodeJS.WriteStream;
    stderr?: NodeJS.WriteStream;
}

/** Serves until the client closes stdin; resolves then. */
export async function serveStdio(options: StdioOptions): Promise<void> {
    const stdin = options.stdin ?? process.stdin;
    const stdout = options.stdout ?? process.stdout;
    const stderr = options.stderr ?? process.stderr;
    const release = keepStdoutForFrames(stdout, stderr);
    const frames = framesTo(release.write);
    const ferry = createFerryMcpServer(options);
    const transport = new StdioServerTransport(stdin as never, frames as never);
    const closed = new Promise<void>((resolve) => {
        transport.onclose = () => resolve();
        stdin.once('end', resolve);
        stdin.once('close', resolve);
    });
    await ferry.server.connect(transport);
    try {
        await closed;
        await ferry.close();
    } finally {
        release.restore();
    }
}

interface StdoutHold {
    /** Writes to the real stdout. */
    write: (chunk: string | Uint8Array, callback: (error?: Error | null) => void) => void;
    restore(): void;
}

/** process.stdout.write (and console.log, which uses it) goes to stderr until restore(). */
function keepStdoutForFrames(stdout: NodeJS.WriteStream, stderr: NodeJS.WriteStream): StdoutHold {
    const original = stdout.write;
    const realWrite = original.bind(stdout);
    stdout.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => stderr.write(chunk as never, encoding as never, callback as never)) as typeof stdout.write;
    return {
        write: (chunk, callback) => {
            realWrite(chunk, (error?: Error | null) => callback(error));
        },
        restore: () => {
            stdout.write = original;
        }
    };
}

function framesTo(write: StdoutHold['write']): Writable {
    return new Writable({
        write(chunk: Buffer, _encoding, callback) {
            write(chunk, callback);
        }
    });
}
