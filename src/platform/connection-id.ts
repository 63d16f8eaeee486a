/**
 * Which connection ids a platform accepts: Nango's server takes these characters, up to 255 (it
 * allows quotes, braces and `@` because some apps pass emails or JSON as ids). An id outside this
 * set would pass a lookup URL-encoded, then fail every proxy call as an invalid Connection-Id
 * header, retried, so it is refused where it enters.
 */
import { ExitCode, FerryError } from '../errors.js';

const CONNECTION_ID = /^[a-zA-Z0-9,.;:=+~[\]|@${}"'\\/_ -]+$/;
const MAX_LENGTH = 255;

export function isValidConnectionId(id: string): boolean {
    return id.length <= MAX_LENGTH && CONNECTION_ID.test(id);
}

export function checkConnectionId(id: string, exitCode: ExitCode = ExitCode.Failure): void {
    if (isValidConnectionId(id)) return;
    const why = id.length > MAX_LENGTH ? `it is ${id.length} characters long (at most ${MAX_LENGTH})` : 'it has characters a platform does not accept in a connection id';
    throw new FerryError({
        code: 'CONNECTION_ID_INVALID',
        message: `${JSON.stringify(id)} is not a connection id: ${why}`,
        hint: 'Use the id the connection was created with: letters, digits, spaces and , . ; : = + ~ [ ] | @ $ { } " \' \\ / _ -',
        exitCode
    });
}
