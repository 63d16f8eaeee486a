/** The names users type for integrations and functions, and the identifiers templates derive from them. */

/** Lower-case letters and digits in dash-separated words: `github`, `pull-requests`, `google-calendar-2`. */
export const KEBAB_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Function names also start with a letter: they become model and schema names. */
export const FUNCTION_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** A suggestion for a name that is not kebab-case, e.g. `PullRequests` -> `pull-requests`. */
export function toKebabCase(text: string): string {
    return text
        .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '');
}

/** `pull-requests` -> `PullRequests` */
export function toPascalCase(kebab: string): string {
    return kebab
        .split('-')
        .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
        .join('');
}

/** `pull-requests` -> `pull requests` */
export function toWords(kebab: string): string {
    return kebab.split('-').join(' ');
}

/**
 * A model name for the records of a sync called `kebab`: PascalCase, with a plural last word made
 * singular the simple way (`issues` -> `Issue`, `companies` -> `Company`), since a model names one record.
 */
export function toModelName(kebab: string): string {
    const pascal = toPascalCase(kebab);
    const singular = /ies$/.test(pascal) && pascal.length > 4 ? `${pascal.slice(0, -3)}y` : /[^sui]s$/.test(pascal) ? pascal.slice(0, -1) : pascal;
    // Model names need at least two characters and start with a capital letter (compile's BAD_MODEL_NAME rule).
    return /^[A-Z][a-zA-Z0-9_]+$/.test(singular) ? singular : `${pascal}Record`;
}
