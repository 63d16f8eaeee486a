// Shared by the runtime-*.test.ts files: a small functions project bundled once, fake transports
// and a fake clock, so runtime tests need no HTTP and never wait.
import { afterAll, beforeAll } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { bundleFunctions } from '../../src/compiler/bundle.js';
import { createSandbox, runFunction } from '../../src/runtime/run.js';
import { toFunctionRef } from '../../src/project/project.js';
import type { Connection, HttpTransport, ProxyRequest, ProxyResponse } from '../../src/runtime/types.js';
import type { RetryClock, RunOptions, RunResult } from '../../src/runtime/run-types.js';
import { makeTempDir } from '../support/cli.js';

export interface Bundle {
    code: string;
    filename: string;
    ref: { integration: string; name: string; type: 'sync' | 'action' | 'onEvent' };
}

/** Writes `files` (relative path -> source) under `root` and bundles every function file among them. */
export async function bundleProject(root: string, files: Record<string, string>): Promise<Record<string, Bundle>> {
    for (const [rel, source] of Object.entries(files)) {
        await mkdir(dirname(join(root, rel)), { recursive: true });
        await writeFile(join(root, rel), source);
    }
    const refs = Object.keys(files)
        .map((rel, i) => toFunctionRef(root, rel, i + 1))
        .filter((ref): ref is NonNullable<typeof ref> => ref !== undefined);
    const output = await bundleFunctions(root, refs);
    if (output.errors.length > 0) throw new Error(output.errors.map((e) => e.message).join('\n'));
    const bundles: Record<string, Bundle> = {};
    for (const bundle of output.bundles) {
        bundles[`${bundle.ref.integration}/${bundle.ref.name}`] = {
            code: bundle.code,
            filename: join(root, 'build', `${bundle.ref.id}.cjs`),
            ref: { integration: bundle.ref.integration, name: bundle.ref.name, type: bundle.ref.type }
        };
    }
    return bundles;
}

export type Route = (request: ProxyRequest, call: number) => ProxyResponse | undefined;

/** A transport answering from `route`; every attempt is kept in `sent`. */
export function fakeTransport(route: Route): HttpTransport & { sent: ProxyRequest[] } {
    const sent: ProxyRequest[] = [];
    return {
        sent,
        async send(request) {
            sent.push(request);
            const response = route(request, sent.length);
            if (!response) return { status: 404, headers: {}, data: { message: `no route for ${request.method} ${request.endpoint}` } };
            return response;
        }
    };
}

export function json(data: unknown, status = 200, headers: Record<string, string> = {}): ProxyResponse {
    return { status, headers: { 'content-type': 'application/json', ...headers }, data };
}

/** A clock that never waits but remembers what it was asked to wait. */
export function fakeClock(): RetryClock & { slept: number[] } {
    let now = 1_700_000_000_000;
    const slept: number[] = [];
    return {
        slept,
        now: () => now,
        random: () => 0.5,
        async sleep(ms) {
            slept.push(ms);
            now += ms;
        }
    };
}

export const connection: Connection = {
    connection_id: 'conn-1',
    provider_config_key: 'github',
    provider: 'github',
    metadata: { owner: 'octo', repo: 'hello' },
    connection_config: {},
    credentials: { type: 'OAUTH2', access_token: 'gho_SECRET_TOKEN' }
};

export interface RuntimeProject {
    /** The project's folder (set once beforeAll has run). */
    dir: string;
    bundles: Record<string, Bundle>;
    /** One worker shared by the file's runs. */
    sandbox: ReturnType<typeof createSandbox>;
    /** Runs a bundle (`integration/name`) on the shared sandbox with `connection`, no provider calls answered unless `transport` says so. */
    run(name: string, options?: Partial<RunOptions>): Promise<RunResult>;
}

/** For a test file: bundles `files` in a temporary folder before its tests, and cleans up after. */
export function useRuntimeProject(prefix: string, files: Record<string, string>, defaults: Partial<RunOptions> = {}): RuntimeProject {
    let cleanup: (() => Promise<void>) | undefined;
    const project: RuntimeProject = {
        dir: '',
        bundles: {},
        sandbox: createSandbox(),
        run: (name, options = {}) => runFunction({ ...project.bundles[name]!, connection, provider: null, sandbox: project.sandbox, transport: fakeTransport(() => undefined), ...defaults, ...options })
    };
    beforeAll(async () => {
        const temp = await makeTempDir(prefix);
        cleanup = temp.cleanup;
        project.dir = temp.dir;
        project.bundles = await bundleProject(temp.dir, files);
    }, 30_000);
    afterAll(async () => {
        await project.sandbox.close();
        await cleanup?.();
    });
    return project;
}
