import { z } from 'zod';
import { createDashboardLink, listInvitations, revokeInvitation } from '../auth/service.ts';
import { toPublicId } from '../http/ids.ts';
import { type RouteModule, scopeOf } from '../http/routing.ts';
import { errorResponses, pathId, roleSchema, shownOnce, tenantParams, unixTime } from '../http/schemas.ts';
import { readScopes } from '../scope/scopes.ts';

// Team invitations (docs/security.md): dashboard links valid INVITATION_TTL_DAYS, listed while pending, revocable.

const invitationParams = z.strictObject({ id: pathId, invitation_id: pathId });

const pendingSchema = z.object({
  object: z.literal('invitation'),
  id: z.string(),
  email: z.string().nullable(),
  role: roleSchema,
  expires_at: z.number().int(),
  created: z.number().int(),
});

export const invitationRoutes: RouteModule = (app, deps) => {
  // POST /v1/tenants/:id/invitations — a team invitation: a single-use sign-in URL valid for days
  app.post(
    '/v1/tenants/:id/invitations',
    {
      // like a dashboard link: every invitation grants at least a member's powers (the role may ask more)
      config: {
        dunning: 'growth',
        access: { tenant: 'members:write', also: readScopes },
        secretFields: ['url'],
      },
      schema: {
        tags: ['team'],
        params: tenantParams,
        body: z.strictObject({
          email: z.email().max(254),
          name: z.string().trim().min(1).max(200).optional(),
          role: roleSchema.optional(),
        }),
        response: {
          200: pendingSchema.omit({ created: true }).extend({ url: shownOnce, email: z.string() }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const link = await createDashboardLink(scopeOf(req, deps), req.body, { invitation: true });
      return {
        object: 'invitation' as const,
        id: toPublicId('dashboardLink', link.id),
        url: link.url,
        expires_at: unixTime(link.expiresAt)!,
        email: link.email,
        role: link.role,
      };
    },
  );

  // GET /v1/tenants/:id/invitations — pending invitations (not used, revoked or expired), newest first
  app.get(
    '/v1/tenants/:id/invitations',
    {
      config: { access: { tenant: 'members:read' } },
      schema: {
        tags: ['team'],
        params: tenantParams,
        response: {
          200: z.object({ object: z.literal('list'), data: z.array(pendingSchema) }),
          ...errorResponses,
        },
      },
    },
    async (req) => ({
      object: 'list' as const,
      data: (await listInvitations(scopeOf(req, deps))).map((i) => ({
        object: 'invitation' as const,
        id: toPublicId('dashboardLink', i.id),
        email: i.email,
        role: i.role,
        expires_at: unixTime(i.expiresAt)!,
        created: unixTime(i.createdAt)!,
      })),
    }),
  );

  // DELETE /v1/tenants/:id/invitations/:invitation_id — revoke a pending invitation: its link no longer opens
  app.delete(
    '/v1/tenants/:id/invitations/:invitation_id',
    {
      // as to make one: the powers of the invitation's role (the service checks roles above a member's)
      config: { dunning: 'allowed', access: { tenant: 'members:write', also: readScopes } },
      schema: {
        tags: ['team'],
        params: invitationParams,
        response: {
          200: z.object({ object: z.literal('invitation'), id: z.string(), revoked: z.literal(true) }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      await revokeInvitation(scopeOf(req, deps), req.params.invitation_id);
      return { object: 'invitation' as const, id: req.params.invitation_id, revoked: true as const };
    },
  );
};
