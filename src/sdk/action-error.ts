/**
 * Thrown by an action to fail with a payload the caller receives as is. Same run-time shape as
 * the shim bundled into functions (src/sdk/shim-source.ts): `type` and `payload` are own fields.
 */
export class ActionError<T = Record<string, unknown>> extends Error {
    declare readonly type: 'action_error';
    declare payload: T;

    constructor(payload?: T) {
        const message = (payload as { message?: unknown } | undefined)?.message;
        super(payload && typeof payload === 'object' && typeof message === 'string' ? message : 'Action failed');
        this.name = 'ActionError';
        this.type = 'action_error';
        this.payload = payload as T;
    }
}
