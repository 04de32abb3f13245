import { z } from 'zod';
import { listQuerySchema, toApiList } from '../http/pagination.ts';
import { ctxOf, type RouteModule, scopeOf } from '../http/routing.ts';
import { cursors, errorResponses, listOf, pathId, tenantParams } from '../http/schemas.ts';
import { brandingRoutes } from './branding-routes.ts';
import {
  customerEmailPreferencesSchema,
  memberAlertPreferencesSchema,
  toApiCustomerEmailPreferences,
  toApiMemberAlertPreferences,
  updateCustomerEmailPreferencesBody,
  updateMemberAlertPreferencesBody,
} from './preference-schemas.ts';
import {
  notificationSchema,
  notificationStatusSchema,
  toApiNotification,
  toApiNotificationStatus,
} from './schemas.ts';
import * as notifications from './service.ts';

export const notificationRoutes: RouteModule = (app, deps) => {
  brandingRoutes(app, deps);

  // GET /v1/tenants/:id/notifications — the tenant's e-mails, newest first, as rendered
  app.get(
    '/v1/tenants/:id/notifications',
    {
      config: { access: { tenant: 'notifications:read' } },
      schema: {
        tags: ['notifications'],
        params: tenantParams,
        querystring: listQuerySchema,
        response: { 200: listOf(notificationSchema), ...errorResponses },
      },
    },
    async (req) => {
      const page = await notifications.listNotifications(
        scopeOf(req, deps),
        cursors('notification', req.query),
      );
      return toApiList(page, `/v1/tenants/${req.params.id}/notifications`, (row) =>
        toApiNotification(deps.config, row),
      );
    },
  );

  // GET /v1/tenants/:id/notifications/:notification_id — one of the tenant's e-mails, as rendered
  app.get(
    '/v1/tenants/:id/notifications/:notification_id',
    {
      config: { access: { tenant: 'notifications:read' } },
      schema: {
        tags: ['notifications'],
        params: z.strictObject({ id: pathId, notification_id: pathId }),
        response: { 200: notificationSchema, ...errorResponses },
      },
    },
    async (req) =>
      toApiNotification(
        deps.config,
        await notifications.getNotification(scopeOf(req, deps), req.params.notification_id),
      ),
  );

  // GET /v1/notifications — the operator's mailbox: every tenant's e-mails, newest first
  app.get(
    '/v1/notifications',
    {
      config: { access: { platform: 'notifications:read' } },
      schema: {
        tags: ['notifications'],
        querystring: listQuerySchema,
        response: { 200: listOf(notificationSchema), ...errorResponses },
      },
    },
    async (req) => {
      const page = await notifications.listAllNotifications(
        ctxOf(req, deps),
        cursors('notification', req.query),
      );
      return toApiList(page, '/v1/notifications', (row) => toApiNotification(deps.config, row, 'platform'));
    },
  );

  // GET /v1/tenants/:id/notification_status — who sends owner alerts, and whether the tenant's address bounces
  app.get(
    '/v1/tenants/:id/notification_status',
    {
      config: { access: { tenant: 'notifications:read' } },
      schema: {
        tags: ['notifications'],
        params: tenantParams,
        response: { 200: notificationStatusSchema, ...errorResponses },
      },
    },
    async (req) => toApiNotificationStatus(await notifications.notificationStatus(scopeOf(req, deps))),
  );

  // POST /v1/tenants/:id/notifications/:notification_id/resend — once more, same content and Message-ID
  app.post(
    '/v1/tenants/:id/notifications/:notification_id/resend',
    {
      config: { dunning: 'allowed', access: { tenant: 'notifications:write' } },
      schema: {
        tags: ['notifications'],
        params: z.strictObject({ id: pathId, notification_id: pathId }),
        response: { 200: notificationSchema, ...errorResponses },
      },
    },
    async (req) =>
      toApiNotification(
        deps.config,
        await notifications.resendNotification(
          scopeOf(req, deps),
          await deps.services.jobs(),
          req.params.notification_id,
        ),
      ),
  );

  // GET /v1/tenants/:id/notification_preferences — which e-mails the tenant sends its customers
  app.get(
    '/v1/tenants/:id/notification_preferences',
    {
      config: { access: { tenant: 'notifications:read' } },
      schema: {
        tags: ['notifications'],
        params: tenantParams,
        response: { 200: customerEmailPreferencesSchema, ...errorResponses },
      },
    },
    async (req) =>
      toApiCustomerEmailPreferences(await notifications.customerEmailSettings(scopeOf(req, deps))),
  );

  // POST /v1/tenants/:id/notification_preferences — turn customer e-mails on or off
  app.post(
    '/v1/tenants/:id/notification_preferences',
    {
      config: { dunning: 'allowed', access: { tenant: 'notifications:write' } },
      schema: {
        tags: ['notifications'],
        params: tenantParams,
        body: updateCustomerEmailPreferencesBody,
        response: { 200: customerEmailPreferencesSchema, ...errorResponses },
      },
    },
    async (req) =>
      toApiCustomerEmailPreferences(
        await notifications.updateCustomerEmailSettings(scopeOf(req, deps), req.body.customer_emails),
      ),
  );

  // GET /v1/tenants/:id/members/me/notification_preferences — the signed-in user's owner alerts
  app.get(
    '/v1/tenants/:id/members/me/notification_preferences',
    {
      config: { access: { tenant: 'notifications:read' } },
      schema: {
        tags: ['notifications'],
        params: tenantParams,
        response: { 200: memberAlertPreferencesSchema, ...errorResponses },
      },
    },
    async (req) => toApiMemberAlertPreferences(await notifications.myAlertSettings(scopeOf(req, deps))),
  );

  // POST /v1/tenants/:id/members/me/notification_preferences — turn the user's own alerts on or off
  app.post(
    '/v1/tenants/:id/members/me/notification_preferences',
    {
      config: { dunning: 'allowed', access: { tenant: 'notifications:write' } },
      schema: {
        tags: ['notifications'],
        params: tenantParams,
        body: updateMemberAlertPreferencesBody,
        response: { 200: memberAlertPreferencesSchema, ...errorResponses },
      },
    },
    async (req) =>
      toApiMemberAlertPreferences(
        await notifications.updateMyAlertSettings(scopeOf(req, deps), req.body.owner_alerts),
      ),
  );
};
