/** What every route handler of the server shares. */
import type { Store } from './store.js';
import type { Storage } from './storage.js';

export interface ServeContext {
    store: Store;
    storage: Storage;
    /** The server's base URL, e.g. http://127.0.0.1:3003. */
    url: string;
    /** For the server's own calls to itself (an action's provider calls go through /proxy). */
    secretKey: string;
    /** The one environment a local server has. */
    environment: string;
    /** One line on the server's stderr; never given a secret. */
    log(line: string): void;
    /** Outbound requests (token refresh, proxy) go through this, so tests can point them anywhere. */
    fetch: typeof fetch;
}
