/**
 * Webhooks to the app go through a table before they go on the wire: a webhook is written
 * (one row per URL) in the same moment the event happens, then a delivery loop sends the due
 * rows. A network error or a 5xx schedules the row again with exponential backoff; a 2xx marks
 * it delivered; a 3xx or 4xx is the receiver's answer and is not retried (as Nango). Rows left
 * pending by a stopped server are sent by the next start, so nothing queued is lost.
 */
import { VERSION } from '../../version.js';
import type { Queryable } from '../storage.js';
import { signatureHeaders } from './sign.js';

interface OutboxRow {
    id: number;
    url: string;
    kind: string;
    body: string;
    headers: Record<string, string>;
    attempts: number;
}

interface OutboxOptions {
    db: Queryable;
    signingKey(): Promise<string>;
    fetch: typeof fetch;
    log(line: string): void;
    /** First retry after this; doubled on each attempt up to maxDelayMs. */
    baseDelayMs?: number;
    maxDelayMs?: number;
    maxAttempts?: number;
    timeoutMs?: number;
}

type Outcome = { done: true; status: number } | { done: false; retry: boolean; reason: string };

export class Outbox {
    private timer: NodeJS.Timeout | undefined;
    private running: Promise<void> | undefined;
    private again = false;
    private stopped = false;
    private readonly base: number;
    private readonly max: number;
    private readonly attempts: number;

    constructor(private readonly options: OutboxOptions) {
        this.base = options.baseDelayMs ?? 1_000;
        this.max = options.maxDelayMs ?? 5 * 60_000;
        this.attempts = options.maxAttempts ?? 10;
    }

    async enqueue(entries: { url: string; kind: string; body: string; headers?: Record<string, string> }[]): Promise<void> {
        for (const entry of entries) {
            await this.options.db.query('insert into ferry_webhook_outbox (url, kind, body, headers) values ($1, $2, $3, $4::jsonb)', [
                entry.url,
                entry.kind,
                entry.body,
                JSON.stringify(entry.headers ?? {})
            ]);
        }
        if (entries.length) this.wake();
    }

    /** Sends what is due now, then sleeps until the next retry is due. */
    wake(): void {
        if (this.stopped) return;
        if (this.running) {
            this.again = true;
            return;
        }
        clearTimeout(this.timer);
        this.running = this.drain()
            .catch((error: unknown) => this.options.log(`webhooks: delivery loop failed: ${(error as Error)?.message ?? String(error)}`))
            .finally(() => {
                this.running = undefined;
                if (this.again) {
                    this.again = false;
                    this.wake();
                } else void this.schedule();
            });
    }

    async stop(): Promise<void> {
        this.stopped = true;
        clearTimeout(this.timer);
        await this.running;
    }

    private async schedule(): Promise<void> {
        if (this.stopped) return;
        // Sent and abandoned deliveries are history (the dashboard lists them): the newest 5,000 are kept.
        await this.options.db
            .query(`delete from ferry_webhook_outbox where status <> 'pending' and id <= (select max(id) from ferry_webhook_outbox) - 5000`)
            .catch(() => undefined);
        const rows = await this.options.db
            .query<{ wait: number }>(`select greatest(0, extract(epoch from (min(next_attempt_at) - now())) * 1000)::float8 as wait from ferry_webhook_outbox where status = 'pending'`)
            .catch(() => []);
        const wait = rows[0]?.wait;
        if (wait === null || wait === undefined || this.stopped) return;
        this.timer = setTimeout(() => this.wake(), Math.min(Number(wait), this.max) + 10);
        this.timer.unref();
    }

    private async drain(): Promise<void> {
        for (;;) {
            if (this.stopped) return;
            const due = await this.options.db.query<OutboxRow>(
                `select id, url, kind, body, headers, attempts from ferry_webhook_outbox where status = 'pending' and next_attempt_at <= now() order by id limit 20`
            );
            if (due.length === 0) return;
            const key = await this.options.signingKey();
            await Promise.all(due.map((row) => this.deliver(row, key)));
        }
    }

    private async deliver(row: OutboxRow, key: string): Promise<void> {
        const outcome = await this.send(row, key);
        const attempts = row.attempts + 1;
        if (outcome.done) {
            await this.options.db.query(`update ferry_webhook_outbox set status = 'delivered', attempts = $2, delivered_at = now(), last_error = null where id = $1`, [row.id, attempts]);
            this.options.log(`webhook ${row.kind} delivered (${outcome.status}, attempt ${attempts})`);
            return;
        }
        if (outcome.retry && attempts < this.attempts) {
            const delay = Math.min(this.base * 2 ** (attempts - 1), this.max);
            await this.options.db.query(
                `update ferry_webhook_outbox set attempts = $2, last_error = $3, next_attempt_at = now() + ($4::float8 * interval '1 millisecond') where id = $1`,
                [row.id, attempts, outcome.reason, delay]
            );
            this.options.log(`webhook ${row.kind}: ${outcome.reason}; retrying in ${Math.round(delay / 100) / 10} s (attempt ${attempts} of ${this.attempts})`);
            return;
        }
        await this.options.db.query(`update ferry_webhook_outbox set status = 'failed', attempts = $2, last_error = $3 where id = $1`, [row.id, attempts, outcome.reason]);
        this.options.log(`webhook ${row.kind} not delivered: ${outcome.reason}${outcome.retry ? ` after ${attempts} attempts` : ' (not retried)'}`);
    }

    private async send(row: OutboxRow, key: string): Promise<Outcome> {
        let response: Response;
        try {
            response = await this.options.fetch(row.url, {
                method: 'POST',
                // Redirects are answers like any 3xx: not followed, not retried (as Nango's).
                redirect: 'manual',
                headers: { ...row.headers, ...signatureHeaders(key, row.body), 'content-type': 'application/json', 'user-agent': `ferry-serve/${VERSION}` },
                body: row.body,
                signal: AbortSignal.timeout(this.options.timeoutMs ?? 20_000)
            });
            await response.arrayBuffer().catch(() => undefined);
        } catch (error) {
            const cause = (error as { cause?: { code?: string } })?.cause?.code ?? (error as Error)?.name ?? 'network error';
            return { done: false, retry: true, reason: `network error (${cause})` };
        }
        if (response.status >= 200 && response.status < 300) return { done: true, status: response.status };
        return { done: false, retry: response.status >= 500 || response.status < 300, reason: `status ${response.status}` };
    }
}
