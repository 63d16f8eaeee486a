/**
 * The SDK as a bundle sees it at run time. `import ... from 'ferry'` (or `'nango'`) in a function
 * resolves to this tiny CommonJS-compatible module, so a bundle never needs the CLI installed.
 * Kept as source text: the compiler hands it to esbuild as a virtual module. The one helper with
 * logic of its own is taken from the SDK's source, so the two cannot drift apart.
 */
import { deriveFunctionCapabilities } from './function.js';

export const SDK_SHIM_SOURCE = `
class ActionError extends Error {
    constructor(payload) {
        super(payload && typeof payload === 'object' && typeof payload.message === 'string' ? payload.message : 'Action failed');
        this.name = 'ActionError';
        this.type = 'action_error';
        this.payload = payload;
    }
}
const createSync = (props) => ({ type: 'sync', ...props });
const createAction = (props) => ({ type: 'action', ...props });
const createOnEvent = (props) => ({ type: 'onEvent', ...props });
const deriveFunctionCapabilities = ${deriveFunctionCapabilities.toString()};
const createFunction = (params) => ({ type: 'function', ...params, capabilities: deriveFunctionCapabilities(params) });
export { ActionError, createSync, createAction, createOnEvent, createFunction, deriveFunctionCapabilities };
`;

/** Specifiers that resolve to the SDK shim. */
export const SDK_SPECIFIERS = ['ferry', 'nango'] as const;
