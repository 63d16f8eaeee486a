/**
 * The `nango` members about the run itself: logging and the logger level, calls that would start
 * other work on the platform (triggerAction, triggerSync, startSync: reported, never sent), input
 * validation with zod, locks (held for this run), and the properties Nango's runner sets (as its
 * CLI sets them for a dry run).
 */
import type { NangoContext } from './nango-context.js';
import { toRealm } from './nango-context.js';
import type { LogLevel } from './types.js';

/** Nango's level names, its aliases included; anything else logs at info. */
const LEVELS: Record<string, LogLevel> = { debug: 'debug', info: 'info', warn: 'warn', error: 'error', http: 'info', verbose: 'debug', silly: 'debug' };
const RANK: Record<string, number> = { debug: 0, info: 1, warn: 2, error: 3, off: 4 };

function log(ctx: NangoContext, args: unknown[]): Promise<void> | undefined {
    if (args.length === 0) return undefined;
    const last = args[args.length - 1];
    let level: LogLevel = 'info';
    // As Nango: a last argument with a `level` key is the options, whatever else it holds.
    if (last && typeof last === 'object' && 'level' in last) {
        level = LEVELS[String((last as { level: unknown }).level)] ?? 'info';
        args = args.slice(0, -1);
    }
    return ctx.log(level, args);
}

function zodValidateInput(ctx: NangoContext, args: unknown): Promise<unknown> {
    const { zodSchema, input } = (args ?? {}) as { zodSchema?: { safeParse?: (value: unknown) => unknown }; input?: unknown };
    if (!zodSchema || typeof zodSchema.safeParse !== 'function') throw ctx.fail('nango.zodValidateInput({ zodSchema, input }): zodSchema must be a zod schema');
    const parsed = zodSchema.safeParse(input) as { success: boolean; error?: { issues: { message: string; path: PropertyKey[] }[] } };
    if (parsed.success) return Promise.resolve(parsed);
    return (async () => {
        for (const issue of parsed.error?.issues ?? []) {
            await ctx.log('error', [`Invalid input provided: ${issue.message} at path ${issue.path.map(String).join('.')}`]);
        }
        throw new ctx.realm.ActionError({ message: 'Invalid input provided' });
    })();
}

function locks(ctx: NangoContext): Record<string, unknown> {
    // Key -> when it expires (ms since the epoch, real time: the function's own clock may be frozen).
    const held = new Map<string, number>();
    const isHeld = (key: string): boolean => {
        const until = held.get(key);
        if (until === undefined) return false;
        if (until > Date.now()) return true;
        held.delete(key);
        return false;
    };
    return {
        async tryAcquireLock(args: unknown) {
            const { key, ttlMs } = (args ?? {}) as { key?: unknown; ttlMs?: unknown };
            if (typeof key !== 'string' || key === '') throw ctx.fail('nango.tryAcquireLock({ key, ttlMs }): key must be a non-empty string');
            if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) throw ctx.fail('nango.tryAcquireLock({ key, ttlMs }): ttlMs must be a positive number of milliseconds');
            if (isHeld(key)) return false;
            held.set(key, Date.now() + ttlMs);
            return true;
        },
        async releaseLock(args: unknown) {
            const key = ((args ?? {}) as { key?: unknown }).key;
            if (typeof key !== 'string' || key === '') throw ctx.fail('nango.releaseLock({ key }): key must be a non-empty string');
            const was = isHeld(key);
            held.delete(key);
            return was;
        },
        async releaseAllLocks() {
            held.clear();
        }
    };
}

function triggers(ctx: NangoContext): Record<string, unknown> {
    return {
        async triggerAction(providerConfigKey: string, connectionId: string, actionName: string, input?: unknown) {
            ctx.write('triggerAction', { providerConfigKey, connectionId, action: actionName, input: input ?? null });
            return undefined;
        },
        async triggerSync(providerConfigKey: string, connectionId: string, sync: unknown, syncMode?: unknown) {
            const ref = typeof sync === 'string' ? { sync } : { sync: (sync as { name?: unknown })?.name, variant: (sync as { variant?: unknown })?.variant };
            ctx.write('triggerSync', { providerConfigKey, connectionId, ...ref, ...(syncMode !== undefined ? { syncMode } : {}) });
            return undefined;
        },
        async startSync(providerConfigKey: string, syncs: unknown, connectionId?: string) {
            ctx.write('startSync', { providerConfigKey, syncs: Array.isArray(syncs) ? syncs : [], ...(connectionId !== undefined ? { connectionId } : {}) });
        }
    };
}

export function platformMembers(ctx: NangoContext, nango: Record<string, unknown>): Record<string, unknown> {
    // `logger` is an accessor so that `nango.logger = {...}` and setLogger change the same level.
    Object.defineProperty(nango, 'logger', {
        enumerable: true,
        configurable: true,
        get: () => ctx.logger,
        set: (value: unknown) => {
            if (value && typeof value === 'object' && String((value as { level?: unknown }).level) in RANK) ctx.logger = value as NangoContext['logger'];
        }
    });
    return {
        log: (...args: unknown[]) => log(ctx, args),
        setLogger(logger: unknown) {
            // Once off, logging stays off, as on the platform.
            if (ctx.logger.level === 'off') return;
            if (logger && typeof logger === 'object' && String((logger as { level?: unknown }).level) in RANK) ctx.logger = logger as NangoContext['logger'];
        },
        shouldLog: (level: string) => (RANK[level] ?? 1) >= RANK[ctx.logger.level]!,
        ...triggers(ctx),
        zodValidateInput: (args: unknown) => zodValidateInput(ctx, args),
        ...locks(ctx),
        // A dry run is neither cancelled nor given a deadline by the platform: the time limit stops the worker.
        throwIfAbortedOrKilled() {},
        throwIfInterrupted() {}
    };
}

/** The platform's Node client is not handed to functions: each of its methods throws, saying why. */
function noPlatformClient(ctx: NangoContext): Record<string, unknown> {
    return new Proxy({ userAgent: 'ferry-dryrun' } as Record<string | symbol, unknown>, {
        get(target, name) {
            if (name in target || typeof name !== 'string' || name === 'then' || name === 'toJSON') return target[name];
            return () => {
                throw ctx.fail(`nango.nango.${name}: the platform's Node client (with the environment's secret key) is not available to functions run by Ferry; use the nango methods instead`);
            };
        }
    });
}

/** The run's properties, as Nango's CLI sets them for a dry run. */
export function platformProperties(ctx: NangoContext): Record<string, unknown> {
    const { job, connection, realm } = ctx;
    const isSync = job.ref.type === 'sync';
    const models = ctx.definition.models && typeof ctx.definition.models === 'object' ? Object.keys(ctx.definition.models) : [];
    return {
        connectionId: connection.connection_id,
        providerConfigKey: ctx.providerConfigKey,
        provider: connection.provider,
        ActionError: realm.ActionError,
        nango: noPlatformClient(ctx),
        activityLogId: '',
        syncId: 'dryrun-sync',
        nangoConnectionId: typeof connection['id'] === 'number' ? connection['id'] : undefined,
        environmentId: -1,
        environmentName: job.environment,
        syncJobId: isSync ? 1 : undefined,
        abortSignal: undefined,
        syncConfig: toRealm(realm, { sync_name: job.ref.name, type: isSync ? 'sync' : job.ref.type === 'action' ? 'action' : 'on-event', models, attributes: {}, version: '0.0.1' }),
        runnerFlags: toRealm(realm, { validateActionInput: job.validate, validateActionOutput: job.validate, validateSyncRecords: job.validate, validateSyncMetadata: false, exportRunnerTelemetry: false }),
        scriptType: isSync ? 'sync' : job.ref.type === 'action' ? 'action' : 'on-event',
        lifecycle: undefined,
        isCLI: true,
        accountId: 1,
        integrationConfig: undefined,
        telemetryBag: ctx.telemetry,
        memoizedConnections: new realm.Map(),
        memoizedIntegration: new realm.Map(),
        // Sync-only in Nango's types; present on every run, as harmless values.
        variant: job.variant,
        lastSyncDate: job.lastSyncDate === undefined ? undefined : new realm.Date(job.lastSyncDate),
        track_deletes: ctx.definition.trackDeletes === true,
        emptyCache: false
    };
}
