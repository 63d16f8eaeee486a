/**
 * OAuth flows in progress, kept in memory: one per `ferry connect`, found by the `state` the
 * provider sends back (random, 32 bytes) and polled by the CLI under a separate id. A flow lives
 * 15 minutes; its outcome stays readable for as long after it ends. A server restart forgets the
 * flows in progress, which the CLI reports as such.
 */
import { randomBytes } from 'node:crypto';

export interface OAuthSession {
    id: string;
    state: string;
    providerConfigKey: string;
    connectionId: string;
    codeVerifier: string;
    redirectUri: string;
    connectionConfig: Record<string, unknown>;
    webhookUrlOverride: string | null;
    createdAt: number;
    status: 'pending' | 'success' | 'error';
    error?: { code: string; message: string };
}

const LIFETIME_MS = 15 * 60 * 1000;

export class OAuthSessions {
    private readonly byId = new Map<string, OAuthSession>();
    private readonly byState = new Map<string, OAuthSession>();

    create(input: Pick<OAuthSession, 'providerConfigKey' | 'connectionId' | 'redirectUri' | 'connectionConfig' | 'webhookUrlOverride'>): OAuthSession {
        this.prune();
        const session: OAuthSession = {
            ...input,
            id: randomBytes(16).toString('hex'),
            state: randomBytes(32).toString('base64url'),
            // RFC 7636: 43 to 128 characters of the unreserved set; base64url of 48 bytes is 64.
            codeVerifier: randomBytes(48).toString('base64url'),
            createdAt: Date.now(),
            status: 'pending'
        };
        this.byId.set(session.id, session);
        this.byState.set(session.state, session);
        return session;
    }

    get(id: string): OAuthSession | undefined {
        this.prune();
        return this.byId.get(id);
    }

    /** The pending flow this state belongs to; a state is good for one callback only. */
    take(state: string): OAuthSession | undefined {
        this.prune();
        const session = this.byState.get(state);
        if (!session || session.status !== 'pending') return undefined;
        this.byState.delete(state);
        return session;
    }

    private prune(now = Date.now()): void {
        for (const [id, session] of this.byId) {
            if (now - session.createdAt < 2 * LIFETIME_MS) continue;
            this.byId.delete(id);
            this.byState.delete(session.state);
        }
        for (const [state, session] of this.byState) if (now - session.createdAt >= LIFETIME_MS) this.byState.delete(state);
    }
}
