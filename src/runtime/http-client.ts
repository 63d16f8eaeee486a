/**
 * One provider call as the function sees it: attempts through the transport, retried by the
 * policy of retry.ts (waits on the injected clock), reported as one RequestReport and, when asked,
 * recorded as one exchange without credential headers. Runs in the main thread.
 */
import { performance } from 'node:perf_hooks';
import { withoutSecretHeaders } from '../secrets/names.js';
import type { ProxyReply, WireBody } from './protocol.js';
import { decideRetry, type ResolvedRetry } from './retry.js';
import type { HttpTransport, ProxyRequest, ProxyResponse, RequestReport } from './types.js';
import type { ProviderDefaults, RecordedExchange } from './run-types.js';

interface HttpClientOptions {
    transport: HttpTransport;
    provider: ProviderDefaults | null;
    retry: ResolvedRetry;
    onRequest(report: RequestReport): void;
    onRetry(message: string): void;
    /** Called with each final exchange when exchanges are recorded. */
    onExchange?(exchange: RecordedExchange): void;
    /** A transport error marked `fatal` (e.g. a replay with no recorded answer) is remembered here. */
    onFatal(error: Error): void;
}

/** Marks an error thrown by a transport that must not be retried and must fail the run. */
export function isFatalTransportError(error: unknown): boolean {
    return typeof error === 'object' && error !== null && (error as { fatal?: unknown }).fatal === true;
}

function encodeBody(data: unknown): WireBody {
    if (data === undefined || data === null || data === '') return data === null ? { json: 'null' } : { none: true };
    if (typeof data === 'string' || ArrayBuffer.isView(data) || data instanceof ArrayBuffer) return { raw: data };
    if (typeof data === 'object' || typeof data === 'number' || typeof data === 'boolean') {
        try {
            return { json: JSON.stringify(data) };
        } catch {
            return { raw: String(data) };
        }
    }
    return { raw: String(data) };
}

/** What the transport gets: one attempt, so the retry settings stay here. */
function attemptOf(request: ProxyRequest): ProxyRequest {
    const { retries: _retries, retryOn: _retryOn, ...attempt } = request;
    return attempt;
}

function recordable(request: ProxyRequest, response: ProxyResponse): RecordedExchange {
    const { retries: _retries, retryOn: _retryOn, ...rest } = request;
    const cleanRequest: ProxyRequest = { ...rest };
    if (request.headers) cleanRequest.headers = withoutSecretHeaders(request.headers);
    return { request: cleanRequest, response: { status: response.status, headers: withoutSecretHeaders(response.headers), data: response.data } };
}

export function createHttpClient(options: HttpClientOptions): { send(request: ProxyRequest): Promise<ProxyReply> } {
    const { transport, provider, retry } = options;
    return {
        async send(request) {
            const started = performance.now();
            const retries = Number.isFinite(request.retries) ? Math.max(0, Math.floor(request.retries!)) : 0;
            const attempt = attemptOf(request);
            for (let n = 1; ; n++) {
                let response: ProxyResponse | undefined;
                let failure: Error | undefined;
                try {
                    response = await transport.send(attempt);
                } catch (error) {
                    failure = error instanceof Error ? error : new Error(String(error));
                }
                const report = (status: number): void =>
                    options.onRequest({ method: request.method, endpoint: request.endpoint, status, durationMs: Math.round(performance.now() - started), attempts: n });
                // A call refused before it was sent (uncontrolledFetch to a local address): no retry helps; the caller answers it.
                if (failure && 'refusal' in failure) {
                    report(0);
                    throw failure;
                }
                if (failure && isFatalTransportError(failure)) {
                    report(0);
                    options.onFatal(failure);
                    throw failure;
                }
                const decision = decideRetry({ attempt: n, retries, ...(response ? { response } : {}), ...(request.retryOn ? { retryOn: request.retryOn } : {}), provider, retry });
                if (decision.retry) {
                    const what = response ? String(response.status) : `failed (${failure!.message})`;
                    options.onRetry(`${request.method} ${request.endpoint} ${what}: retrying in ${decision.waitMs} ms (attempt ${n + 1} of ${retries + 1})`);
                    await retry.clock.sleep(decision.waitMs);
                    continue;
                }
                if (!response) {
                    report(0);
                    throw new Error(`${request.method} ${request.endpoint} failed: ${failure!.message}`);
                }
                if (decision.tooLong) options.onRetry(`${request.method} ${request.endpoint} ${response.status}: the server asked to wait ${Math.round(decision.waitMs / 1000)} s, longer than allowed; giving up`);
                report(response.status);
                options.onExchange?.(recordable(request, response));
                const headers: Record<string, string> = {};
                for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = String(value);
                return { response: { status: response.status, headers, body: encodeBody(response.data) }, attempts: n };
            }
        }
    };
}
