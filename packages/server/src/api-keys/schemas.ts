import { z } from 'zod';
import { toPublicId } from '../http/ids.ts';
import { shownOnce, unixTime } from '../http/schemas.ts';
import type { ApiKeyRow } from './repo.ts';

export const apiKeySchema = z
  .object({
    id: z.string(),
    object: z.literal('api_key'),
    name: z.string(),
    type: z.enum(['secret', 'restricted']),
    prefix: z.string(),
    scopes: z.array(z.string()),
    tenant: z.string().nullable(),
    last_used_at: z.number().int().nullable(),
    revoked_at: z.number().int().nullable(),
    created: z.number().int(),
  })
  .meta({ id: 'ApiKey' });

export const newApiKeySchema = apiKeySchema.extend({ secret: shownOnce }).meta({ id: 'NewApiKey' });

export const createApiKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  type: z.enum(['secret', 'restricted']).default('secret'),
  scopes: z.array(z.string().max(64)).max(64).optional(),
});

export function toApiKey(row: ApiKeyRow): z.infer<typeof apiKeySchema> {
  return {
    id: toPublicId('apiKey', row.id),
    object: 'api_key',
    name: row.name,
    type: row.type,
    prefix: row.prefix,
    scopes: row.scopes,
    tenant: row.tenantId ? toPublicId('tenant', row.tenantId) : null,
    last_used_at: unixTime(row.lastUsedAt),
    revoked_at: unixTime(row.revokedAt),
    created: unixTime(row.createdAt)!,
  };
}
