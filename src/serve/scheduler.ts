/**
 * Runs deployed syncs when they are due. Every second (and at once when poked: a trigger, a
 * start) it gives new deploys and new connections their schedules, then starts the due ones that
 * are not already running, no more than the free run slots (--concurrency). Runs that a stopped
 * server left RUNNING are failed on start; their schedules are still due, so they run again.
 */
import type { ServeContext } from './context.js';
import { runLimits } from './runner.js';
import { failInterruptedRuns } from './runs-store.js';
import { runSync } from './sync-run.js';
import { dueSyncs, reconcileSyncs } from './sync-store.js';

const TICK_MS = 1_000;
/** How long a stop waits for runs in progress before the storage closes under them. */
const STOP_GRACE_MS = 3_000;

class Scheduler {
    private readonly busy = new Map<number, Promise<unknown>>();
    private timer: ReturnType<typeof setTimeout> | undefined;
    private ticking: Promise<void> | undefined;
    private again = false;
    private stopped = false;

    constructor(private readonly ctx: ServeContext) {}

    async start(): Promise<void> {
        const failed = await failInterruptedRuns(this.ctx.storage);
        if (failed > 0) this.ctx.log(`${failed} run(s) were interrupted by the last stop; their syncs run again`);
        this.poke();
    }

    /** Looks for work now rather than at the next tick. */
    poke(): void {
        if (this.stopped) return;
        if (this.ticking) {
            this.again = true;
            return;
        }
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
        this.ticking = this.tick()
            .catch((error: unknown) => this.ctx.log(`scheduler: ${(error as Error)?.message ?? String(error)}`))
            .finally(() => {
                this.ticking = undefined;
                if (this.stopped) return;
                if (this.again) {
                    this.again = false;
                    this.poke();
                } else {
                    this.timer = setTimeout(() => this.poke(), TICK_MS);
                    this.timer.unref();
                }
            });
    }

    /** Sync schedules running now. */
    running(): number[] {
        return [...this.busy.keys()];
    }

    private async tick(): Promise<void> {
        await reconcileSyncs(this.ctx.storage);
        const free = runLimits().concurrency - this.busy.size;
        if (free <= 0) return;
        for (const sync of await dueSyncs(this.ctx.storage, this.busy.keys(), free)) {
            const run = runSync(this.ctx, sync)
                .catch((error: unknown) => this.ctx.log(`sync ${sync.provider_config_key}/${sync.name} on ${sync.connection_id} could not run: ${(error as Error)?.message ?? String(error)}`))
                .finally(() => {
                    this.busy.delete(sync.id);
                    this.poke();
                });
            this.busy.set(sync.id, run);
        }
    }

    async stop(): Promise<void> {
        this.stopped = true;
        if (this.timer) clearTimeout(this.timer);
        await this.ticking;
        const grace = new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref());
        await Promise.race([Promise.allSettled([...this.busy.values()]), grace]);
    }
}

const schedulers = new WeakMap<ServeContext, Scheduler>();

export function schedulerOf(ctx: ServeContext): Scheduler | undefined {
    return schedulers.get(ctx);
}

export async function startScheduler(ctx: ServeContext): Promise<Scheduler> {
    const scheduler = new Scheduler(ctx);
    schedulers.set(ctx, scheduler);
    await scheduler.start();
    return scheduler;
}
