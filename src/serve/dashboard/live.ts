/**
 * The dashboard's live runs: `GET /dashboard/api/events`, a Server-Sent Events stream that sends
 * each run when it starts and again when it finishes (status, duration, records added, updated and
 * deleted per model, error), as the run list shows it. The page opens it on the Runs tab and goes
 * back to polling when it drops. Streams are bounded in number, kept alive with a comment line, and
 * ended when the server stops (so a tab left open does not hold the shutdown).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServeContext } from '../context.js';
import { runEvents, type RunEvent } from '../run-events.js';
import { dashboardRun } from './runs.js';

const MAX_STREAMS = 32;
const KEEP_ALIVE_MS = 20_000;

export class LiveRuns {
    private readonly open = new Set<ServerResponse>();

    constructor(private readonly ctx: ServeContext) {}

    /** Answers the request with the stream (or 503 when too many are open). */
    stream(req: IncomingMessage, res: ServerResponse): void {
        if (this.open.size >= MAX_STREAMS) {
            res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
            res.end(JSON.stringify({ error: { code: 'too_many_streams', message: 'Too many dashboard tabs are following the runs' } }));
            return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
        // How long the browser waits before it reconnects on its own.
        res.write('retry: 3000\n\nevent: ready\ndata: {}\n\n');
        this.open.add(res);
        const emitter = runEvents(this.ctx.storage);
        // Events are sent one after the other, so a start never arrives after its own finish.
        let queue = Promise.resolve();
        const onRun = (event: RunEvent): void => {
            queue = queue.then(() => this.send(res, event)).catch(() => undefined);
        };
        const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
        keepAlive.unref();
        emitter.on('run', onRun);
        const done = (): void => {
            clearInterval(keepAlive);
            emitter.off('run', onRun);
            this.open.delete(res);
        };
        req.on('close', done);
        res.on('close', done);
    }

    /** Ends every stream: the server is stopping. */
    close(): void {
        for (const res of this.open) res.end();
        this.open.clear();
    }

    private async send(res: ServerResponse, event: RunEvent): Promise<void> {
        const run = await dashboardRun(this.ctx, event.id);
        if (!run || res.writableEnded) return;
        const { logs: _logs, logs_dropped: _dropped, ...listed } = run;
        res.write(`event: run\ndata: ${JSON.stringify({ phase: event.phase, run: listed })}\n\n`);
    }
}
