// `ms` 3.0.0-canary.1 (the version Nango's parser pins) ships types, but its `exports` map names
// none, so TypeScript's nodenext resolution cannot find them: this is the part Ferry calls.
declare module 'ms' {
    /** Milliseconds of a text such as '5m' or '1.5 hours'; NaN when unreadable; throws on '' or over 100 characters. */
    export default function ms(value: string): number;
}
