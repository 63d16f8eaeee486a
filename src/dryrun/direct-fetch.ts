/**
 * Where a live dry run sends `nango.uncontrolledFetch`: straight to the URL, as Nango's runner
 * does (no proxy, no credentials, no retries), from the main thread. Ferry adds nothing to the
 * request: not its secret key, not the connection's credentials, so the function gets no more
 * than a plain fetch of its own would give it.
 */
import type { HttpTransport, ProxyRequest, ProxyResponse } from './types.js';

const TEXT = /json|text|xml|csv|javascript|x-www-form-urlencoded/i;
const MAX_REDIRECTS = 5;

/** JSON or text when the answer says it is (so a saved fixture is readable), else the bytes. */
function decode(bytes: Buffer, contentType: string): unknown {
    if (contentType !== '' && !TEXT.test(contentType)) return new Uint8Array(bytes);
    const text = bytes.toString('utf8');
    if (/[/+]json\b/i.test(contentType) && text.trim() !== '') {
        try {
            return JSON.parse(text);
        } catch {
            return text;
        }
    }
    return text;
}

export function createDirectFetchTransport(options: { timeoutMs?: number; fetch?: typeof fetch } = {}): HttpTransport {
    const doFetch = options.fetch ?? fetch;
    return {
        async send(request: ProxyRequest): Promise<ProxyResponse> {
            let url = new URL(request.endpoint);
            const body = typeof request.data === 'string' ? request.data : request.data === undefined ? undefined : JSON.stringify(request.data);
            let method = request.method;
            for (let redirects = 0; ; redirects++) {
                const response = await doFetch(url, {
                    method,
                    headers: request.headers ?? {},
                    ...(body !== undefined && method !== 'GET' ? { body } : {}),
                    redirect: 'manual',
                    signal: AbortSignal.timeout(options.timeoutMs ?? 60_000)
                });
                const location = response.headers.get('location');
                if ([301, 302, 303, 307, 308].includes(response.status) && location && redirects < MAX_REDIRECTS) {
                    await response.body?.cancel();
                    url = new URL(location, url);
                    // As fetch does: a 303 (and a 301/302 after POST) is followed with GET.
                    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) method = 'GET';
                    continue;
                }
                const headers: Record<string, string> = {};
                response.headers.forEach((value, name) => {
                    headers[name] = value;
                });
                return { status: response.status, headers, data: decode(Buffer.from(await response.arrayBuffer()), headers['content-type'] ?? '') };
            }
        }
    };
}
