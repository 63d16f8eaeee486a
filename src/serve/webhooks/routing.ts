/**
 * Which connections a provider's webhook is about, and its type (what syncs subscribe to), as
 * Nango's routing scripts decide for the providers here: GitHub apps by `installation.id`
 * (connection config `installation_id`) and the `X-GitHub-Event` header, Linear by
 * `organizationId` (connection config `organizationId`) and the body's `type`. Any other provider
 * (Nango would not route it): every connection of the integration, and the body's `type`.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface Route {
    /** The connection-config key and the value it must have; undefined: every connection. */
    match?: { key: string; value: string } | null;
    type: string | undefined;
}

function at(body: unknown, path: string): unknown {
    let value: unknown = body;
    for (const part of path.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
    return value;
}

const scalar = (value: unknown): string | undefined => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);

export function routeOf(provider: string, headers: IncomingHttpHeaders, body: unknown): Route {
    if (provider.startsWith('github-app')) {
        const value = scalar(at(body, 'installation.id'));
        const header = headers['x-github-event'];
        return { match: value === undefined ? null : { key: 'installation_id', value }, type: typeof header === 'string' ? header : undefined };
    }
    if (provider === 'linear') {
        const value = scalar(at(body, 'organizationId'));
        return { match: value === undefined ? null : { key: 'organizationId', value }, type: scalar(at(body, 'type')) };
    }
    const header = headers['x-github-event'];
    return { type: typeof header === 'string' ? header : scalar(at(body, 'type')) };
}
