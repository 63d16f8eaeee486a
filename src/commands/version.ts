/**
 * `ferry version`: Ferry's version, and with a secret key for the environment, the platform it
 * would talk to and whether it answers. Nango 0.71's `version` prints its CLI's version and asks
 * nothing; its API publishes no server version, so Ferry reports what it can check: reachability.
 */
import type { CliContext } from '../context.js';
import { FerryError } from '../errors.js';
import { VERSION } from '../version.js';

interface VersionCommandOptions {
    environment?: string;
}

interface PlatformReport {
    environment: string;
    host: string;
    reachable: boolean;
    /** The platform's own version, when it says (ferry serve does, in an x-ferry-version header). */
    version?: string;
    problem?: string;
}

export async function run(options: VersionCommandOptions, ctx: CliContext): Promise<void> {
    const platform = await askPlatform(options.environment ?? 'dev', ctx);
    if (ctx.json) {
        ctx.printJson({ ferry: VERSION, ...(platform ? { platform } : {}) });
        return;
    }
    ctx.out(`Ferry version: ${VERSION}`);
    if (!platform) return;
    const state = platform.reachable ? (platform.version ? `version ${platform.version}` : 'reachable (it does not publish a version)') : `not reachable: ${platform.problem}`;
    ctx.out(`Platform (${platform.environment}, ${platform.host}): ${state}`);
}

/** Undefined when no key is set for the environment: then the platform is not asked. */
async function askPlatform(environment: string, ctx: CliContext): Promise<PlatformReport | undefined> {
    const { adminClient } = await import('../platform/admin.js');
    let client;
    try {
        client = await adminClient(ctx.cwd, ctx.env, environment);
    } catch (error) {
        // No key (or no local platform) is the usual case outside a configured project: Ferry's version is the answer.
        if (error instanceof FerryError && /SECRET_KEY|LOCAL|SERVE/.test(error.code)) return undefined;
        throw error;
    }
    try {
        const response = await client.raw({ method: 'GET', path: '/health', timeoutMs: 5_000 });
        const version = response.headers['x-ferry-version'] ?? response.headers['x-nango-version'];
        return { environment, host: client.host, reachable: response.status < 500, ...(version ? { version } : {}) };
    } catch (error) {
        return { environment, host: client.host, reachable: false, problem: error instanceof Error ? error.message : String(error) };
    } finally {
        await client.close();
    }
}
