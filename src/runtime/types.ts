/**
 * The runtime's contracts, shared by live dry runs (`dryrun`) and offline replays (`test`):
 * user code talks to the `nango` object, which sends ProxyRequests through an HttpTransport.
 * Live, the transport is the platform's /proxy; in replay, it answers from a fixture.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'PROPFIND' | 'REPORT';

/** One provider call as the function asked for it (or, for uncontrolledFetch, a URL as `endpoint`). */
export interface ProxyRequest {
    method: HttpMethod;
    /** Provider path, e.g. /repos/o/r/issues */
    endpoint: string;
    params?: Record<string, string | number | boolean | (string | number)[]>;
    headers?: Record<string, string>;
    data?: unknown;
    baseUrlOverride?: string;
    retries?: number;
    retryOn?: number[];
    decompress?: boolean;
    responseType?: 'json' | 'text' | 'arraybuffer' | 'stream' | 'blob';
    providerConfigKey?: string;
    connectionId?: string;
    /** Keep the request's headers when the provider redirects (the platform's Forward-Headers-On-Redirect). */
    forwardHeadersOnRedirect?: boolean;
}

/** Axios-like answer handed to user code. */
export interface ProxyResponse {
    status: number;
    headers: Record<string, string>;
    data: unknown;
}

/**
 * Sends one attempt; retries, pagination and recording live above it (`retries`/`retryOn` are
 * removed from what `send` receives). A thrown error is a network failure and may be retried,
 * unless it has `fatal: true` (e.g. a replay with no recorded answer): then it is not retried and
 * the run fails with it even if the function catches it.
 */
export interface HttpTransport {
    send(request: ProxyRequest): Promise<ProxyResponse>;
}

/** What the platform says about a connection (credentials stay server-side). */
export interface Connection {
    connection_id: string;
    provider_config_key: string;
    provider: string;
    metadata: Record<string, unknown> | null;
    [key: string]: unknown;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry {
    level: LogLevel;
    message: string;
    time: string;
}

/** One request as reported to the user: method, path, status, duration. */
export interface RequestReport {
    method: HttpMethod;
    endpoint: string;
    status: number;
    durationMs: number;
    /** Attempts made, counting retries. */
    attempts: number;
}

/** Writes a dry run did not send: metadata writes, calls that start other work, deletion tracking. */
export interface WouldBeWrite {
    /**
     * trackDeletes: a sync ended deletion tracking; the platform would delete records not saved
     * since the start. setFieldMapping replaces the metadata, as setMetadata does.
     */
    kind: 'setMetadata' | 'updateMetadata' | 'setFieldMapping' | 'triggerAction' | 'triggerSync' | 'startSync' | 'trackDeletes';
    args: unknown;
}

export interface ModelRecords {
    saved: number;
    updated: number;
    deleted: number;
    /** The first N records saved (for display and --json). */
    first: unknown[];
}
