import { z } from 'zod';
import { toPublicId } from '../http/ids.ts';
import { listQuerySchema, toApiList } from '../http/pagination.ts';
import { ctxOf, type RouteModule } from '../http/routing.ts';
import { cursors, errorResponses, listOf, pathId, shownOnce, unixTime } from '../http/schemas.ts';
import { setSessionCookie } from './routes.ts';
import { openSession } from './service.ts';
import {
  acceptSupportInvitation,
  inviteSupportUser,
  listSupportUsers,
  revokeSupportUser,
  type SupportUser,
} from './support-users.ts';

// The operator's support users (docs/security.md#roles): invited from the operator dashboard, they read every
// tenant's customers and their money and change nothing.

const supportUserSchema = z.object({
  object: z.literal('support_user'),
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  /** invited: the password is not set yet; active: signs in; revoked: only in the answer to DELETE */
  status: z.enum(['invited', 'active', 'revoked']),
  /** the pending invitation's expiry (null when none is pending) */
  invitation_expires_at: z.number().int().nullable(),
  created: z.number().int(),
});

function toSupportUser(s: SupportUser): z.infer<typeof supportUserSchema> {
  const status = s.user.operatorRole !== 'support' ? 'revoked' : s.user.passwordHash ? 'active' : 'invited';
  return {
    object: 'support_user',
    id: toPublicId('user', s.user.id),
    email: s.user.email,
    name: s.user.name,
    status,
    invitation_expires_at: unixTime(s.invitationExpiresAt),
    created: unixTime(s.user.createdAt)!,
  };
}

const password = z.string().min(12, 'at least 12 characters').max(256);

export const supportUserRoutes: RouteModule = (app, deps) => {
  // GET /v1/support_users — the operator's support users, newest first
  app.get(
    '/v1/support_users',
    {
      config: { access: { platform: 'members:read', secretOnly: true } },
      schema: {
        tags: ['support users'],
        querystring: listQuerySchema,
        response: { 200: listOf(supportUserSchema), ...errorResponses },
      },
    },
    async (req) => {
      const page = await listSupportUsers(ctxOf(req, deps), cursors('user', req.query));
      return toApiList(page, '/v1/support_users', toSupportUser);
    },
  );

  // POST /v1/support_users — invite a support user: the link to set a password is in `url`, shown once
  app.post(
    '/v1/support_users',
    {
      config: { access: { platform: 'members:write', secretOnly: true }, secretFields: ['url'] },
      schema: {
        tags: ['support users'],
        body: z.strictObject({
          email: z.email().max(254),
          name: z.string().trim().min(1).max(200).optional(),
        }),
        response: { 200: supportUserSchema.extend({ url: shownOnce }), ...errorResponses },
      },
    },
    async (req) => {
      const { user, url } = await inviteSupportUser(ctxOf(req, deps), req.body);
      return { ...toSupportUser(user), url };
    },
  );

  // DELETE /v1/support_users/:support_user_id — revoke: their sessions and pending invitation end now
  app.delete(
    '/v1/support_users/:support_user_id',
    {
      config: { access: { platform: 'members:write', secretOnly: true } },
      schema: {
        tags: ['support users'],
        params: z.strictObject({ support_user_id: pathId }),
        response: { 200: supportUserSchema, ...errorResponses },
      },
    },
    async (req) => toSupportUser(await revokeSupportUser(ctxOf(req, deps), req.params.support_user_id)),
  );

  // POST /v1/auth/support_invitation — the invitation's page: set the password, and be signed in
  app.post(
    '/v1/auth/support_invitation',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        body: z.strictObject({
          token: z.string().min(1).max(200),
          password,
          name: z.string().trim().min(1).max(200).optional(),
        }),
        response: {
          200: z.object({ object: z.literal('session'), created: z.literal(true) }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const userId = await acceptSupportInvitation(deps.db, req.body, req.id);
      setSessionCookie(reply, deps.config, await openSession(deps.db, deps.config, userId));
      return { object: 'session' as const, created: true as const };
    },
  );
};
