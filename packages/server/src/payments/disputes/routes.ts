import { z } from 'zod';
import { ApiError } from '../../http/errors.ts';
import { parsePathId, tenantOf } from '../../http/ids.ts';
import { toApiList } from '../../http/pagination.ts';
import { ctxOf, type RouteModule } from '../../http/routing.ts';
import { cursors, errorResponses, listOf, pathId, tenantParams } from '../../http/schemas.ts';
import type { PaymentDeps } from '../common.ts';
import { disputeListQuery, disputeSchema, evidenceBody, toApiDispute } from './schemas.ts';
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
      const page = await disputes.listDisputes(ctxOf(req, deps), tenantOf(req.params.id), req.params.id, {
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
    async (req) => {
      const id = parsePathId('dispute', req.params.dispute_id);
      return toApiDispute(
        await disputes.getDispute(
          ctxOf(req, deps),
          tenantOf(req.params.id),
          req.params.id,
          id,
          req.params.dispute_id,
        ),
      );
    },
  );

  // POST /v1/tenants/:id/disputes/:dispute_id/evidence — text and documents, sent to Stripe (and submitted)
  app.post(
    '/v1/tenants/:id/disputes/:dispute_id/evidence',
    {
      config: { access: { tenant: 'disputes:write' } },
      schema: {
        tags: ['payments'],
        params: disputeParams,
        body: evidenceBody,
        response: { 200: disputeSchema, ...errorResponses },
      },
    },
    async (req) => {
      const id = parsePathId('dispute', req.params.dispute_id);
      const body = req.body;
      if (!body.files.length && !Object.keys(body.evidence).length) {
        throw new ApiError('parameter_missing', 'Give some evidence: text fields or files.', {
          param: 'evidence',
        });
      }
      return toApiDispute(
        await disputes.submitEvidence(
          ctxOf(req, deps),
          pdeps,
          tenantOf(req.params.id),
          req.params.id,
          id,
          req.params.dispute_id,
          body as disputes.EvidenceInput,
        ),
      );
    },
  );
};
