import { z } from 'zod';
import { toApiList } from '../../http/pagination.ts';
import { type RouteModule, scopeOf } from '../../http/routing.ts';
import { cursors, errorResponses, listOf, pathId, tenantParams } from '../../http/schemas.ts';
import type { PaymentDeps } from '../common.ts';
import {
  disputeListQuery,
  disputeSchema,
  EVIDENCE_BODY_MAX_BYTES,
  evidenceBody,
  toApiDispute,
} from './schemas.ts';
import * as disputes from './service.ts';

const disputeParams = z.strictObject({ id: pathId, dispute_id: pathId });

export const disputeRoutes: RouteModule = (app, deps) => {
  const pdeps: PaymentDeps = { stripe: deps.services.stripe };

  // GET /v1/tenants/:id/disputes
  app.get(
    '/v1/tenants/:id/disputes',
    {
      config: { access: { tenant: 'disputes:read' } },
      schema: {
        tags: ['payments'],
        params: tenantParams,
        querystring: disputeListQuery,
        response: { 200: listOf(disputeSchema), ...errorResponses },
      },
    },
    async (req) => {
      const page = await disputes.listDisputes(scopeOf(req, deps), {
        ...cursors('dispute', req.query),
        status: req.query.status,
      });
      return toApiList(page, `/v1/tenants/${req.params.id}/disputes`, toApiDispute);
    },
  );

  // GET /v1/tenants/:id/disputes/:dispute_id
  app.get(
    '/v1/tenants/:id/disputes/:dispute_id',
    {
      config: { access: { tenant: 'disputes:read' } },
      schema: {
        tags: ['payments'],
        params: disputeParams,
        response: { 200: disputeSchema, ...errorResponses },
      },
    },
    async (req) => toApiDispute(await disputes.getDispute(scopeOf(req, deps), req.params.dispute_id)),
  );

  // POST /v1/tenants/:id/disputes/:dispute_id/evidence — text and documents, sent to Stripe (and submitted)
  app.post(
    '/v1/tenants/:id/disputes/:dispute_id/evidence',
    {
      // a document up to Stripe's limit, base64 in JSON, is larger than the API's usual body limit
      bodyLimit: EVIDENCE_BODY_MAX_BYTES,
      config: { dunning: 'allowed', access: { tenant: 'disputes:write' } },
      schema: {
        tags: ['payments'],
        params: disputeParams,
        body: evidenceBody,
        response: { 200: disputeSchema, ...errorResponses },
      },
    },
    async (req) =>
      toApiDispute(
        await disputes.submitEvidence(scopeOf(req, deps), pdeps, {
          ...(req.body as disputes.EvidenceInput),
          dispute: req.params.dispute_id,
        }),
      ),
  );
};
