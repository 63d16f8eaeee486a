/** The identifiers and shapes the API routes share, as Nango's server validates them. */
import { z } from 'zod';
import { CONNECTION_ID_PATTERN, MAX_CONNECTION_ID_LENGTH } from '../../platform/connection-id.js';

/** The same rule the CLI checks a connection id with where it enters (platform/connection-id.ts). */
export const connectionIdSchema = z.string().regex(CONNECTION_ID_PATTERN).max(MAX_CONNECTION_ID_LENGTH);

export const providerConfigKeySchema = z
    .string()
    .regex(/^[a-zA-Z0-9~:.@ _-]+$/)
    .max(255);

export const integrationCredentialsSchema = z.strictObject({
    type: z.enum(['OAUTH1', 'OAUTH2', 'TBA']),
    client_id: z.string().min(1).max(255),
    client_secret: z.string().min(1),
    scopes: z.string().optional(),
    webhook_secret: z.string().max(255).optional()
});

/** A model name, as Nango's record routes take it. */
export const modelSchema = z
    .string()
    .regex(/^[A-Z][a-zA-Z0-9_-]+$/)
    .max(255);

export const variantSchema = z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/)
    .max(255);

/** The headers that name the connection on the record routes. */
export const recordHeadersSchema = z.strictObject({ 'connection-id': connectionIdSchema, 'provider-config-key': providerConfigKeySchema });
