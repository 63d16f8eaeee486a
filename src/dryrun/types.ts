/**
 * The runtime's contracts, shared by live dry runs (`dryrun`) and offline replays (`test`):
 * user code talks to the `nango` object, which sends ProxyRequests through an HttpTransport.
 * Live, the transport is the platform's /proxy; in replay, it answers from a fixture.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One provider call as the function asked for it (reference §3 config fields). */
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
}

/** Axios-like answer handed to user code. */
export interface ProxyResponse {
    status: number;
    headers: Record<string, string>;
    data: unknown;
}

/** Sends one attempt; retries, pagination and recording live above it. */
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

/** Writes a dry run did not send: setMetadata, updateMetadata, triggerAction. */
export interface WouldBeWrite {
    kind: 'setMetadata' | 'updateMetadata' | 'triggerAction';
    args: unknown;
}

export interface ModelRecords {
    saved: number;
    updated: number;
    deleted: number;
    /** The first N records saved (for display and --json). */
    first: unknown[];
}
