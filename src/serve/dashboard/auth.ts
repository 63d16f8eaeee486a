/**
 * Who may use the dashboard: a browser that logged in with the secret key (it then holds only a
 * random session id in an HttpOnly, SameSite=Strict cookie, never the key), or a client sending
 * `Authorization: Bearer <secret key>` as for every other route. Sessions live in memory: a
 * restart logs everyone out, which is what a local tool should do.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const COOKIE = 'ferry_dashboard';
const SESSION_MS = 12 * 60 * 60 * 1000;
const MAX_SESSIONS = 100;

export class Sessions {
    private readonly sessions = new Map<string, number>();

    constructor(private readonly secretKey: string) {}

    /** A new session for the right key; undefined otherwise. */
    login(given: unknown): string | undefined {
        if (typeof given !== 'string' || !sameText(given.trim(), this.secretKey)) return undefined;
        const now = Date.now();
        for (const [old, expires] of this.sessions) if (expires < now) this.sessions.delete(old);
        // A bound, so logging in in a loop cannot grow the map: the oldest session goes first.
        if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
        const id = randomBytes(32).toString('base64url');
        this.sessions.set(id, now + SESSION_MS);
        return id;
    }

    logout(req: IncomingMessage): void {
        const id = cookieOf(req);
        if (id) this.sessions.delete(id);
    }

    allowed(req: IncomingMessage): boolean {
        const bearer = /^Bearer (.+)$/.exec(req.headers['authorization'] ?? '')?.[1];
        if (bearer !== undefined) return sameText(bearer, this.secretKey);
        const id = cookieOf(req);
        const expires = id === undefined ? undefined : this.sessions.get(id);
        if (expires === undefined) return false;
        if (expires < Date.now()) {
            this.sessions.delete(id!);
            return false;
        }
        return true;
    }
}

export function sessionCookie(id: string): string {
    return `${COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_MS / 1000}`;
}

export const CLEARED_COOKIE = `${COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;

/**
 * A state-changing request must be JSON (a cross-site form cannot send that without a preflight)
 * and, when the browser names its origin, come from this server's own page.
 */
export function sameOriginJson(req: IncomingMessage): boolean {
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) return false;
    const origin = req.headers['origin'];
    return origin === undefined || origin === `http://${req.headers['host'] ?? ''}`;
}

export function unauthorized(res: ServerResponse): void {
    const body = JSON.stringify({ error: { code: 'unauthorized', message: 'Log in with the secret key first' } });
    res.writeHead(401, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(body);
}

function cookieOf(req: IncomingMessage): string | undefined {
    for (const part of (req.headers['cookie'] ?? '').split(';')) {
        const [name, ...value] = part.trim().split('=');
        if (name === COOKIE) return value.join('=') || undefined;
    }
    return undefined;
}

function sameText(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
}
