/** GET /providers and /providers/{provider}: the catalog, as Nango's public API lists it (name and logo added). */
import { z } from 'zod';
import { sendError, sendJson, type Router } from '../http.js';
import { getProvider, listProviders, type ProviderDefinition } from '../providers.js';
import { parseOr400, queryObject } from './validate.js';
import { providerConfigKeySchema } from './schemas.js';

const toPublic = (name: string, provider: ProviderDefinition): Record<string, unknown> => ({ ...provider, name, logo_url: `https://app.nango.dev/images/template-logos/${name}.svg` });

export function registerProviderRoutes(router: Router): void {
    router.add({
        method: 'GET',
        path: '/providers',
        handler: async ({ res, url }) => {
            const query = parseOr400(res, z.strictObject({ search: providerConfigKeySchema.optional() }), queryObject(url), 'invalid_query_params');
            if (!query) return;
            // Nango matches the search as a case-insensitive regular expression; a literal match is the safe subset.
            const search = query.search?.toLowerCase();
            const data = Object.entries(await listProviders())
                .filter(([name]) => search === undefined || name.toLowerCase().includes(search))
                .map(([name, provider]) => toPublic(name, provider));
            sendJson(res, 200, { data });
        }
    });

    router.add({
        method: 'GET',
        path: '/providers/:provider',
        handler: async ({ res, url, params }) => {
            if (!parseOr400(res, z.strictObject({}), queryObject(url), 'invalid_query_params')) return;
            if (!parseOr400(res, z.strictObject({ provider: z.string().regex(/^[a-zA-Z0-9_-]+$/).max(255) }), params, 'invalid_uri_params')) return;
            const provider = await getProvider(params['provider']!);
            if (!provider) return sendError(res, 404, 'not_found', `Unknown provider ${params['provider']}`);
            sendJson(res, 200, { data: toPublic(params['provider']!, provider) });
        }
    });
}
