/**
 * The real effects behind the deploy flow: the file system, the platform over HTTP, the terminal
 * prompt and the clock. Loaded only when `ferry deploy` runs.
 */
import { readFile, realpath } from 'node:fs/promises';
import type { CompileOptions, ProjectCompileResult } from '../compiler/types.js';
import { ExitCode } from '../errors.js';
import { PlatformClient } from '../platform/client.js';
import { createDeployApi } from '../platform/deploy.js';
import { readDotEnv, resolvePlatformSettings } from '../platform/env.js';
import { findProjectRoot, loadProject } from '../project/project.js';
import { VERSION } from '../version.js';
import type { DeployDeps, DeployEvent } from './deploy.js';

export interface NodeDeployDepsInput {
    compileProject: (options: CompileOptions) => Promise<ProjectCompileResult>;
    processEnv: NodeJS.ProcessEnv;
    confirm: (question: string) => Promise<boolean>;
    onEvent: (event: DeployEvent) => void;
    onCompileProgress?: CompileOptions['onProgress'];
    onCompileWait?: CompileOptions['onWait'];
    /** Per-call timeouts; the deploy uploads every bundle, so it gets longer. */
    previewTimeoutMs?: number;
    deployTimeoutMs?: number;
}

export const PREVIEW_TIMEOUT_MS = 60_000;
export const DEPLOY_TIMEOUT_MS = 180_000;

export function nodeDeployDeps(input: NodeDeployDepsInput): DeployDeps {
    return {
        findRoot: findProjectRoot,
        settings: (root, environment) => resolvePlatformSettings(root, environment, input.processEnv, ExitCode.Deploy),
        deploySourceVariable: input.processEnv['NANGO_DEPLOY_SOURCE'],
        secretSources: (root) => [readDotEnv(root), input.processEnv],
        entries: async (root) => {
            const project = await loadProject(root);
            return { functions: project.entries, complete: project.problems.length === 0 };
        },
        compile: (root) =>
            input.compileProject({
                cwd: root,
                ...(input.onCompileProgress ? { onProgress: input.onCompileProgress } : {}),
                ...(input.onCompileWait ? { onWait: input.onCompileWait } : {})
            }),
        readFile: (path) => readFile(path, 'utf8'),
        realpath: (path) => realpath(path),
        createApi: (settings, onRetry) =>
            createDeployApi({
                newClient: () =>
                    new PlatformClient({ host: settings.host, secretKey: settings.secretKey, keyVariable: settings.keyVariable, keySource: settings.keySource, exitCode: ExitCode.Deploy, tlsEnv: { ...settings.dotEnv, ...input.processEnv } }),
                previewTimeoutMs: input.previewTimeoutMs ?? PREVIEW_TIMEOUT_MS,
                deployTimeoutMs: input.deployTimeoutMs ?? DEPLOY_TIMEOUT_MS,
                onRetry
            }),
        confirm: input.confirm,
        now: () => Date.now(),
        sdkVersion: `${VERSION}-zero`,
        onEvent: input.onEvent
    };
}
