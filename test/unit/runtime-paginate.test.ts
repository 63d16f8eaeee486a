// The pure parts of pagination: Link headers, next-page links, merging over provider defaults.
import { describe, expect, it } from 'vitest';
import { getPath, linkFromHeader, mergePagination, paginatePages, requestFromLink, resolveBaseUrl } from '../../src/dryrun/paginate.js';

describe('pagination helpers', () => {
    it('finds a rel in a Link header', () => {
        const header = '<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last"';
        expect(linkFromHeader(header, 'next')).toBe('https://api.github.com/x?page=2');
        expect(linkFromHeader(header, 'last')).toBe('https://api.github.com/x?page=5');
        expect(linkFromHeader(header, 'prev')).toBeUndefined();
        expect(linkFromHeader('<https://a/b?c=1,2>; rel="prev next"', 'next')).toBe('https://a/b?c=1,2');
    });

    it('turns a next link into a request relative to the base URL', () => {
        const request = { method: 'GET' as const, endpoint: '/v1/items', params: { a: '1' } };
        expect(requestFromLink('https://api.x.com/v1/items?page=2&tag=a&tag=b', request, [undefined, 'https://api.x.com/v1'])).toEqual({ method: 'GET', endpoint: '/items', params: { page: '2', tag: ['a', 'b'] } });
        // A link naming another host (a local stand-in for the provider) keeps its path.
        expect(requestFromLink('http://127.0.0.1:4000/repos/o/r/issues?page=3', request, ['https://api.github.com']).endpoint).toBe('/repos/o/r/issues');
        expect(requestFromLink('/items?page=4', request, []).params).toEqual({ page: '4' });
    });

    it('merges the function pagination over the provider default unless the type differs', () => {
        const github = { type: 'link', limit_name_in_request: 'per_page', link_rel_in_response_header: 'next' };
        expect(mergePagination(github, { limit: 50 })).toEqual({ ...github, limit: 50 });
        expect(mergePagination(github, { type: 'cursor', cursor_path_in_response: 'c', cursor_name_in_request: 'c' })).toEqual({ type: 'cursor', cursor_path_in_response: 'c', cursor_name_in_request: 'c' });
    });

    it('reads dotted paths and fills base URL placeholders', () => {
        expect(getPath({ a: { b: [{ c: 1 }] } }, 'a.b[0].c')).toBe(1);
        expect(getPath({ a: 1 }, 'a.b.c')).toBeUndefined();
        expect(resolveBaseUrl('https://${connectionConfig.subdomain}.example.com', { subdomain: 'acme' })).toBe('https://acme.example.com');
    });

    it('pages by offset per page and explains a missing type or a non-array response', async () => {
        const seen: unknown[] = [];
        const pages = paginatePages({ method: 'GET', endpoint: '/p' }, { type: 'offset', offset_name_in_request: 'page', offset_start_value: 1, offset_calculation_method: 'per-page' }, async (req) => {
            seen.push(req.params?.['page']);
            return { status: 200, headers: {}, data: Number(req.params?.['page']) < 3 ? [1] : [] };
        });
        const got: unknown[] = [];
        for await (const page of pages) got.push(...page);
        expect(seen).toEqual([1, 2, 3]);
        expect(got).toEqual([1, 1]);
        await expect(paginatePages({ method: 'GET', endpoint: '/p' }, {}, async () => ({ status: 200, headers: {}, data: [] })).next()).rejects.toThrow(/no pagination type/);
        await expect(
            paginatePages({ method: 'GET', endpoint: '/p' }, { type: 'link', link_rel_in_response_header: 'next' }, async () => ({ status: 200, headers: {}, data: { items: [] } })).next()
        ).rejects.toThrow(/response_path/);
    });
});
