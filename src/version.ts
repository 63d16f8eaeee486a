declare const __FERRY_VERSION__: string;
/** Baked in by the build; the dev fallback only shows when running sources directly. */
export const VERSION: string = typeof __FERRY_VERSION__ === 'string' ? __FERRY_VERSION__ : '0.0.0-dev';
