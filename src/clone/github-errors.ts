/**
 * What an answer of GitHub that is not the one asked for means to the user: a used-up rate limit
 * (and when it resets), a rejected token, a refused repository, a listing that is not one.
 */
import { FerryError } from '../errors.js';
import { maskValue } from '../secrets/redact.js';
import { API_URL_VARIABLE, type Answer } from './github-http.js';

/** The first line of GitHub's message in an error answer (JSON from the API, plain text from the raw host). */
export function serverMessage(body: Buffer): string | undefined {
    const text = body.toString('utf8').trim();
    if (!text) return undefined;
    try {
        const json = JSON.parse(text) as { message?: unknown };
        if (typeof json.message === 'string') return json.message.split('\n')[0]!.slice(0, 200);
    } catch {
        // Raw host answers in plain text.
    }
    return text.split('\n')[0]!.slice(0, 200);
}

/** `14:05 UTC (in 12 min)` from an epoch-seconds header. */
export function describeReset(resetEpochSeconds: string | undefined, now = Date.now()): string | undefined {
    const seconds = Number(resetEpochSeconds);
    if (!resetEpochSeconds || !Number.isFinite(seconds) || seconds <= 0) return undefined;
    const at = new Date(seconds * 1000);
    const minutes = Math.max(0, Math.ceil((at.getTime() - now) / 60_000));
    const clock = at.toISOString().slice(11, 16);
    return `${clock} UTC (in ${minutes} min)`;
}

function rateLimitError(answer: Answer, tokenVariable: string | undefined): FerryError {
    const { status, headers } = answer;
    const reset = describeReset(headers['x-ratelimit-reset']);
    const retryAfter = headers['retry-after'];
    const when = reset ? `; it resets at ${reset}` : retryAfter ? `; retry after ${retryAfter} s` : '';
    return new FerryError({
        code: 'GITHUB_RATE_LIMITED',
        message: `GitHub's API rate limit is used up${when}`,
        hint: tokenVariable
            ? `The limit applies to the token in ${tokenVariable}: wait for the reset, or clone from a local checkout with --from <folder>.`
            : 'Set GITHUB_TOKEN to a GitHub token to raise the limit from 60 to 5,000 requests an hour, or clone from a local checkout with --from <folder>.',
        details: {
            status,
            ...(headers['x-ratelimit-reset'] ? { resetAt: new Date(Number(headers['x-ratelimit-reset']) * 1000).toISOString() } : {}),
            ...(retryAfter ? { retryAfterSeconds: Number(retryAfter) } : {})
        }
    });
}

export function statusError(answer: Answer, what: string, repoName: string, tokenVariable: string | undefined, token?: string): FerryError {
    const { status, headers } = answer;
    // A server (an enterprise proxy) may echo the Authorization header back: never print the token.
    const message = maskValue(serverMessage(answer.body), token);
    const limited = (status === 403 || status === 429) && (headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined);
    if (limited) return rateLimitError(answer, tokenVariable);
    if (status === 401) {
        return new FerryError({
            code: 'GITHUB_BAD_TOKEN',
            message: `GitHub rejected the token in ${tokenVariable ?? 'GITHUB_TOKEN'} (401${message ? `: ${message}` : ''})`,
            hint: `Set ${tokenVariable ?? 'GITHUB_TOKEN'} to a valid token, or unset it for public repositories.`,
            details: { status }
        });
    }
    if (status === 403) {
        return new FerryError({
            code: 'GITHUB_FORBIDDEN',
            message: `GitHub refused access to ${what} in ${repoName} (403${message ? `: ${message}` : ''})`,
            hint: tokenVariable ? `Check that ${tokenVariable} can read ${repoName}.` : `For a private repository set GITHUB_TOKEN to a token that can read ${repoName}.`,
            details: { status }
        });
    }
    return new FerryError({
        code: 'GITHUB_ERROR',
        message: `GitHub answered ${status} for ${what} in ${repoName}${message ? `: ${message}` : ''}`,
        hint: status >= 500 ? 'This is on GitHub\'s side; try again in a moment, or clone from a local checkout with --from <folder>.' : 'Check --repo and --ref.',
        details: { status }
    });
}

export function badAnswer(apiUrl: string, dir: string, why: string): FerryError {
    return new FerryError({
        code: 'GITHUB_BAD_RESPONSE',
        message: `The answer of ${apiUrl} for the listing of ${dir} is not a GitHub contents listing (${why})`,
        hint: `Check ${API_URL_VARIABLE}: it must point at the GitHub REST API (https://<host>/api/v3 for GitHub Enterprise).`
    });
}
