// Connection ids as Nango's server accepts them: checked where an id enters (dryrun, connections create).
import { describe, expect, it } from 'vitest';
import { checkConnectionId, isValidConnectionId } from '../../src/platform/connection-id.js';

describe('connection ids', () => {
    it("accepts what Nango's server accepts: plain ids, emails, JSON-ish text, paths", () => {
        for (const id of ['conn-42', 'user@example.com', '{"tenant":"a b"}', 'org/repo', 'a.b;c:d=e+f~g[h]|$\\\'_', 'x'.repeat(255)]) {
            expect(isValidConnectionId(id), id).toBe(true);
        }
    });

    it('refuses what it would refuse, or what no header can carry, with a one-line error', () => {
        for (const id of ['', 'cönn', 'tab\there', 'line\nbreak', 'emoji-😀', 'x'.repeat(256), 'a#b', 'a?b', 'a%b']) {
            expect(isValidConnectionId(id), JSON.stringify(id)).toBe(false);
        }
        expect(() => checkConnectionId('cönn')).toThrow(expect.objectContaining({ code: 'CONNECTION_ID_INVALID', message: '"cönn" is not a connection id: it has characters a platform does not accept in a connection id' }));
        expect(() => checkConnectionId('x'.repeat(300))).toThrow(/it is 300 characters long \(at most 255\)/);
    });
});
