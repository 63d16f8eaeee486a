/**
 * What the user asked for: the `<integration>[/<type>[/<name>]]` argument and the `--repo` value,
 * parsed and validated before anything touches the network.
 */
import { usageError } from '../errors.js';
import { reservedIntegrationError, type FunctionFolder } from '../project/types.js';

/** Where `ferry clone` looks without --repo or --from. */
export const DEFAULT_TEMPLATES_REPO = 'NangoHQ/integration-templates';

export const FUNCTION_FOLDERS: readonly FunctionFolder[] = ['syncs', 'actions', 'on-events'];

/** Spellings users reach for, mapped to the folder name templates use. */
const FOLDER_ALIASES: Record<string, FunctionFolder> = {
    syncs: 'syncs',
    sync: 'syncs',
    actions: 'actions',
    action: 'actions',
    'on-events': 'on-events',
    'on-event': 'on-events',
    onevent: 'on-events',
    onevents: 'on-events',
    events: 'on-events'
};

export type TemplateSpec =
    | { kind: 'integration'; integration: string }
    | { kind: 'folder'; integration: string; folder: FunctionFolder }
    | { kind: 'function'; integration: string; folder: FunctionFolder; name: string };

/** `github/actions/list-repos` as the user would write it again (canonical folder spelling). */
export function formatSpec(spec: TemplateSpec): string {
    if (spec.kind === 'integration') return spec.integration;
    if (spec.kind === 'folder') return `${spec.integration}/${spec.folder}`;
    return `${spec.integration}/${spec.folder}/${spec.name}`;
}

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * Accepts `github`, `github/actions`, `github/actions/list-repos`, and the forms people paste:
 * a leading `integrations/`, a trailing slash, a `.ts` suffix, a singular type (`action`).
 */
export function parseTemplateSpec(input: string): TemplateSpec {
    const example = 'Use <integration>[/<type>[/<name>]], e.g. `ferry clone github/actions/list-repos`.';
    const cleaned = input
        .trim()
        .replace(/\\/g, '/')
        .replace(/^\.?\/+/, '')
        .replace(/^integrations\//, '')
        .replace(/\/+$/, '');
    const parts = cleaned.split('/').filter((p) => p.length > 0);
    if (parts.length === 0) throw usageError('The template to clone is empty', example);
    if (parts.length > 3) throw usageError(`'${input}' has too many parts for a template`, example);
    for (const part of parts) {
        if (!SEGMENT.test(part) || part === '..' || part === '.') {
            throw usageError(`'${input}' is not a template name ('${part}' is not a valid path segment)`, example);
        }
    }
    const [integration, type, rawName] = parts as [string, string | undefined, string | undefined];
    const reserved = reservedIntegrationError(integration);
    if (reserved) throw usageError(reserved.message, reserved.hint);
    if (type === undefined) return { kind: 'integration', integration };
    const folder = FOLDER_ALIASES[type.toLowerCase()];
    if (!folder) {
        throw usageError(`'${type}' is not a function type`, `The type is one of ${FUNCTION_FOLDERS.join(', ')}, e.g. \`ferry clone ${integration}/actions\`.`);
    }
    if (rawName === undefined) return { kind: 'folder', integration, folder };
    const name = rawName.replace(/\.ts$/, '');
    if (name.length === 0) throw usageError(`'${input}' has an empty function name`, example);
    return { kind: 'function', integration, folder, name };
}

export interface RepoRef {
    owner: string;
    name: string;
}

/** `owner/name`, or a GitHub URL to the repository (`https://github.com/owner/name(.git)`). */
export function parseRepo(input: string): RepoRef {
    const trimmed = input.trim().replace(/\.git$/, '').replace(/\/+$/, '');
    const fromUrl = /^(?:https?:\/\/[^/]+\/|git@[^:]+:)([^/]+)\/([^/]+)$/.exec(trimmed);
    const [owner, name] = fromUrl ? [fromUrl[1]!, fromUrl[2]!] : trimmed.split('/');
    const valid = /^[A-Za-z0-9_.-]+$/;
    if (!owner || !name || !valid.test(owner) || !valid.test(name) || (!fromUrl && trimmed.split('/').length !== 2)) {
        throw usageError(`--repo '${input}' is not a GitHub repository`, 'Use --repo <owner>/<name>, e.g. --repo NangoHQ/integration-templates.');
    }
    return { owner, name };
}
