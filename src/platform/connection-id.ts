/**
 * Which connection ids a platform accepts: Nango's server takes these characters, up to 255 (it
 * allows quotes, braces and `@` because some apps pass emails or JSON as ids). An id outside this
 * set would pass a lookup URL-encoded, then fail every proxy call as an invalid Connection-Id
 * header, retried, so it is refused where it enters.
 */
import { ExitCode, FerryError } from '../errors.js';

export const CONNECTION_ID_PATTERN = /^[a-zA-Z0-9,.;:=+~[\]|@${}"'\\/_ -]+$/;
export const MAX_CONNECTION_ID_LENGTH = 255;

export function isValidConnectionId(id: string): boolean {
    return id.length <= MAX_CONNECTION_ID_LENGTH && CONNECTION_ID_PATTERN.test(id);
}

export function checkConnectionId(id: string, exitCode: ExitCode = ExitCode.Failure): void {
    if (isValidConnectionId(id)) return;
    const why = id.length > MAX_CONNECTION_ID_LENGTH ? `it is ${id.length} characters long (at most ${MAX_CONNECTION_ID_LENGTH})` : 'it has characters a platform does not accept in a connection id';
    throw new FerryError({
        code: 'CONNECTION_ID_INVALID',
        message: `${JSON.stringify(id)} is not a connection id: ${why}`,
        hint: 'Use the id the connection was created with: letters, digits, spaces and , . ; : = + ~ [ ] | @ $ { } " \' \\ / _ -',
        exitCode
    });
}
