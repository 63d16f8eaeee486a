/**
 * `nango/experimental` when the project has no `nango` package installed: what the nango
 * package's experimental entry exports (`createFunction`, `deriveFunctionCapabilities` and the
 * types `CreateFunctionProps`, `CreateFunctionResponse`, `FunctionTriggerDefinition`), taken from
 * Ferry's SDK. With `nango` installed, the project's own package is used for both the types and
 * the run time (platform-require.ts, typecheck-config.ts).
 */
import { createFunction, deriveFunctionCapabilities } from '../sdk/function.js';

/** The module a bundle's `require('nango/experimental')` gets. */
export const NANGO_EXPERIMENTAL_MODULE = Object.freeze({ createFunction, deriveFunctionCapabilities });

/** File name of the declarations in the type-check's cache folder. */
export const NANGO_EXPERIMENTAL_DECLARATIONS_FILE = 'nango-experimental.d.ts';

/** Declarations of the module: the same names, re-exported from the SDK declarations at `sdk`. */
export function nangoExperimentalDeclarations(sdk: string): string {
    const from = JSON.stringify(sdk.replace(/(\.d)?\.ts$/, '.js'));
    return [
        "// Written by Ferry: the types of 'nango/experimental' for a project without the nango package.",
        `export { createFunction, deriveFunctionCapabilities } from ${from};`,
        `export type { CreateFunctionProps, CreateFunctionResponse, FunctionTriggerDefinition } from ${from};`,
        ''
    ].join('\n');
}
