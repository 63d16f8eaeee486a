/**
 * MCP progress notifications for long tool calls: sent only when the client asked for them by
 * giving its request a progressToken, each one counting up as the protocol requires.
 */
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Reports one step: `message`, optionally with where it stands out of `total`. */
export type Progress = (message: string, done?: number, total?: number) => void;

interface ProgressChannel {
    report: Progress;
    /**
     * Waits until the last notification is written, then one turn of the event loop, so the answer
     * does not travel in the same read as it: the SDK's client handles a notification a microtask
     * after it reads it but an answer at once, and a notification it handles after the answer is
     * reported to it as an error (progress for a finished call). This narrows that window; only
     * the client can close it.
     */
    flush(): Promise<void>;
}

export function progressOf(extra: ToolExtra): ProgressChannel {
    const token = extra._meta?.progressToken;
    if (token === undefined) return { report: () => {}, flush: async () => {} };
    let last = 0;
    let sent: Promise<void> | undefined;
    return {
        report: (message, done, total) => {
            // The protocol wants progress to grow with every notification, whatever the caller counts.
            last = done !== undefined && done > last ? done : last + 1;
            sent = extra
                .sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: last, ...(total !== undefined ? { total: Math.max(total, last) } : {}), message } })
                // A client that went away gets its answer (or not) without the notifications.
                .catch(() => undefined);
        },
        flush: async () => {
            if (!sent) return;
            await sent;
            await new Promise<void>((resolve) => setTimeout(resolve, 5));
        }
    };
}
