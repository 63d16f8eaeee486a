// Pagination as Nango's runner does it: the merge over provider defaults, the requests of each
// style page by page (query or body), next-page links, on_page, and the checks before the first call.
import { describe, expect, it } from 'vitest';
import { getPath, linkFromHeader, mergePagination, paginatePages, requestFromLink, resolveBaseUrl, validatePagination, type PageResponse, type PaginateConfig } from '../../src/runtime/paginate.js';
import type { ProxyRequest } from '../../src/runtime/types.js';

/** Runs a pager to its end; every request it made and every page it yielded. */
async function drain(first: ProxyRequest, config: PaginateConfig, answer: (request: ProxyRequest, n: number) => PageResponse, options: Parameters<typeof paginatePages>[3] = { inBody: false }) {
    const sent: ProxyRequest[] = [];
    const pages: unknown[] = [];
    for await (const page of paginatePages(first, config, async (request) => (sent.push(request), answer(request, sent.length)), options)) pages.push(page);
    return { sent, pages };
}

const ok = (data: unknown, headers: Record<string, string> = {}): PageResponse => ({ status: 200, headers, data });

describe('mergePagination', () => {
    const github = { type: 'link', limit_name_in_request: 'per_page', link_rel_in_response_header: 'next' };

    it("keeps the provider's fields under the function's, whatever their types", () => {
        expect(mergePagination(github, { limit: 50 })).toEqual({ ...github, limit: 50 });
        // A function paging GitHub by cursor still names its limit per_page, as on the platform.
        expect(mergePagination(github, { type: 'cursor', cursor_path_in_response: 'c', cursor_name_in_request: 'c', limit: 10 })).toEqual({
            type: 'cursor',
            limit_name_in_request: 'per_page',
            link_rel_in_response_header: 'next',
            cursor_path_in_response: 'c',
            cursor_name_in_request: 'c',
            limit: 10
        });
        expect(mergePagination(undefined, { type: 'offset', offset_name_in_request: 'o' })).toEqual({ type: 'offset', offset_name_in_request: 'o' });
        expect(mergePagination(github, undefined)).toEqual(github);
    });

    it('sends the merged limit under the provider limit name, and no limit when none is set', async () => {
        const config = mergePagination({ type: 'cursor', cursor_name_in_request: 'cursor', cursor_path_in_response: 'next', limit_name_in_request: 'per_page' }, { limit: 100 });
        const withLimit = await drain({ method: 'GET', endpoint: '/items' }, config, () => ok({ items: [1], next: '' }));
        expect(withLimit.sent[0]!.params).toEqual({ per_page: 100 });
        const noLimit = await drain({ method: 'GET', endpoint: '/items' }, { ...config, limit: undefined }, () => ok([1]));
        expect(noLimit.sent[0]!.params).toEqual({});
    });
});

describe('validatePagination', () => {
    it("makes Nango's checks", () => {
        expect(() => validatePagination({})).toThrow(/no pagination type/);
        expect(() => validatePagination({ type: 'pages' })).toThrow(/unknown pagination type 'pages'/);
        expect(() => validatePagination({ type: 'cursor', cursor_name_in_request: 'c' })).toThrow(/cursor_path_in_response/);
        expect(() => validatePagination({ type: 'cursor', cursor_name_in_request: 'c', cursor_path_in_response: 'c', limit: 5 })).toThrow(/limit_name_in_request/);
        expect(() => validatePagination({ type: 'link' })).toThrow(/link_rel_in_response_header/);
        expect(() => validatePagination({ type: 'offset' })).toThrow(/offset_name_in_request/);
        expect(() => validatePagination({ type: 'link', link_path_in_response_body: 'next' })).not.toThrow();
    });
});

describe('cursor pagination', () => {
    const config = { type: 'cursor', cursor_name_in_request: 'cursor', cursor_path_in_response: 'meta.next', response_path: 'items', limit_name_in_request: 'limit', limit: 2 };

    it('sends the trimmed cursor until it is empty, calling on_page after each page', async () => {
        const cursors = [' abc ', 7, '  '];
        const seen: unknown[] = [];
        const { sent, pages } = await drain({ method: 'GET', endpoint: '/items', params: { q: 'x' } }, config, (_r, n) => ok({ items: [n], meta: { next: cursors[n - 1] } }), {
            inBody: false,
            onPage: ({ nextPageParam }) => void seen.push(nextPageParam)
        });
        expect(sent.map((r) => r.params)).toEqual([{ q: 'x', limit: 2 }, { q: 'x', limit: 2, cursor: 'abc' }, { q: 'x', limit: 2, cursor: 7 }]);
        expect(pages).toEqual([[1], [2], [3]]);
        expect(seen).toEqual(['abc', 7, undefined]);
    });

    it('puts the fields in the body, dotted names nested, and writes them into the function own object', async () => {
        const own: Record<string, unknown> = { filter: 'open' };
        const { sent } = await drain(
            { method: 'POST', endpoint: '/search', data: { filter: 'open' } },
            { ...config, cursor_name_in_request: 'page.after', limit_name_in_request: 'page.size' },
            (_r, n) => ok({ items: [n], meta: { next: n === 1 ? 'c2' : null } }),
            { inBody: true, fieldsInto: own }
        );
        expect(sent.map((r) => r.data)).toEqual([{ filter: 'open', page: { size: 2 } }, { filter: 'open', page: { size: 2, after: 'c2' } }]);
        expect(sent[0]!.params).toBeUndefined();
        expect(own).toEqual({ filter: 'open', 'page.size': 2, 'page.after': 'c2' });
    });

    it('stops on an empty page or a missing records path without yielding it', async () => {
        const { pages, sent } = await drain({ method: 'GET', endpoint: '/items' }, config, () => ok({ meta: { next: 'again' } }));
        expect(pages).toEqual([]);
        expect(sent).toHaveLength(1);
    });
});

describe('link pagination', () => {
    const config = { type: 'link', link_rel_in_response_header: 'next', limit_name_in_request: 'per_page', limit: 50 };

    it('calls a full next URL on its own origin at its path, with its query as the only params', async () => {
        const links = ['<https://api.x.com/v1/items?page=2&tag=a&tag=b>; rel="next"', '</v1/items?page=3>; rel="next"', ''];
        const { sent, pages } = await drain({ method: 'GET', endpoint: '/items', params: { state: 'all' } }, config, (_r, n) => ok([n], { link: links[n - 1]! }));
        expect(sent[0]).toEqual({ method: 'GET', endpoint: '/items', params: { state: 'all', per_page: 50 } });
        expect(sent[1]).toEqual({ method: 'GET', endpoint: '/v1/items', baseUrlOverride: 'https://api.x.com', params: { page: '2', tag: ['a', 'b'] } });
        expect(sent[2]).toEqual({ method: 'GET', endpoint: '/v1/items', baseUrlOverride: 'https://api.x.com', params: { page: '3' } });
        expect(pages).toEqual([[1], [2], [3]]);
    });

    it('reads the link from the body when the header has none, yields empty pages, and stops on a repeated link', async () => {
        const { sent, pages } = await drain(
            { method: 'GET', endpoint: '/items' },
            { ...config, link_path_in_response_body: 'paging.next', response_path: 'data' },
            (_r, n) => ok({ data: n === 1 ? [] : [n], paging: { next: 'https://api.x.com/items?after=z' } })
        );
        // The second answer names the link just followed: the end.
        expect(sent.map((r) => [r.endpoint, r.params])).toEqual([['/items', { per_page: 50 }], ['/items', { after: 'z' }]]);
        expect(pages).toEqual([[], [2]]);
    });

    it('turns links into requests', () => {
        const request: ProxyRequest = { method: 'GET', endpoint: '/v1/items', params: { a: '1' }, data: { keep: true } };
        expect(requestFromLink('https://api.x.com/v1/items?page=2', request)).toEqual({ method: 'GET', endpoint: '/v1/items', baseUrlOverride: 'https://api.x.com', params: { page: '2' }, data: { keep: true } });
        expect(requestFromLink('items?page=4', request)).toEqual({ method: 'GET', endpoint: 'items', params: { page: '4' }, data: { keep: true } });
    });
});

describe('offset pagination', () => {
    it('sends the offset as text in the query and a number in the body, stops on a short page', async () => {
        const config = { type: 'offset', offset_name_in_request: 'offset', limit_name_in_request: 'limit', limit: 2 };
        const query = await drain({ method: 'GET', endpoint: '/p' }, config, (_r, n) => ok(n < 3 ? [n, n] : [n]));
        expect(query.sent.map((r) => r.params)).toEqual([{ limit: 2, offset: '0' }, { limit: 2, offset: '2' }, { limit: 2, offset: '4' }]);
        expect(query.pages).toEqual([[1, 1], [2, 2], [3]]);
        const body = await drain({ method: 'POST', endpoint: '/p' }, config, (_r, n) => ok(n < 2 ? [n, n] : []), { inBody: true });
        expect(body.sent.map((r) => r.data)).toEqual([{ limit: 2, offset: 0 }, { limit: 2, offset: 2 }]);
    });

    it('counts pages per page from the start value, with on_page given the offset just used', async () => {
        const seen: unknown[] = [];
        const { sent } = await drain(
            { method: 'GET', endpoint: '/p' },
            { type: 'offset', offset_name_in_request: 'page', offset_start_value: 1, offset_calculation_method: 'per-page' },
            (request) => ok(Number(request.params?.['page']) < 3 ? [1] : []),
            { inBody: false, onPage: ({ nextPageParam }) => void seen.push(nextPageParam) }
        );
        expect(sent.map((r) => r.params?.['page'])).toEqual(['1', '2', '3']);
        expect(seen).toEqual([1, 2]);
    });
});

describe('pagination helpers', () => {
    it('finds a rel in a Link header', () => {
        const header = '<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last"';
        expect(linkFromHeader(header, 'next')).toBe('https://api.github.com/x?page=2');
        expect(linkFromHeader(header, 'last')).toBe('https://api.github.com/x?page=5');
        expect(linkFromHeader(header, 'prev')).toBeUndefined();
        expect(linkFromHeader('<https://a/b?c=1,2>; rel="prev next"', 'next')).toBe('https://a/b?c=1,2');
    });

    it('reads dotted paths and fills base URL placeholders', () => {
        expect(getPath({ a: { b: [{ c: 1 }] } }, 'a.b[0].c')).toBe(1);
        expect(getPath({ a: 1 }, 'a.b.c')).toBeUndefined();
        expect(resolveBaseUrl('https://${connectionConfig.subdomain}.example.com', { subdomain: 'acme' })).toBe('https://acme.example.com');
    });
});
