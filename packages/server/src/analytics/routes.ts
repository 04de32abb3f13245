import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { sendCsv, wantsCsv } from '../http/csv.ts';
import { ctxOf, type RouteModule } from '../http/routing.ts';
import { errorResponses, unixTime } from '../http/schemas.ts';
import {
  type Audience,
  analyticsPrefixes,
  audienceOf,
  customerNamesOf,
  headOf,
  historyOf,
  mrrSeriesOf,
  reportTimeOf,
} from './audience.ts';
import { mrrDefinitions } from './definitions.ts';
import { latestLedgerCheck } from './ledger-check.ts';
import { periodStart } from './periods.ts';
import { parsePeriod, parseRange, type RangeQuery } from './range.ts';
import {
  cohortsCsvColumns,
  cohortsCsvRows,
  cohortsReport,
  metricsCsvColumns,
  metricsCsvRows,
  metricsReportOf,
  movementsReport,
  periodLabel,
  type ReportRange,
} from './report.ts';
import {
  cohortsResult,
  ledgerCheckResult,
  metricsResult,
  movementsQuery,
  movementsResult,
  rangeQuery,
} from './schemas.ts';

// The subscription analytics routes (docs/analytics.md, "API"): the platform's (its tenants' plans) under
// /v1/analytics, each tenant's (its own customers) under /v1/tenants/:id/analytics. Read-only.

const tags = ['analytics'];

/** The head of a range report's answer. */
const rangeHead = (a: Audience, range: ReportRange, now: Date) => ({
  ...headOf(a),
  interval: range.unit,
  from: unixTime(range.from) as number,
  to: unixTime(range.to) as number,
  as_of: unixTime(now) as number,
});

export const analyticsRoutes: RouteModule = (app, deps) => {
  for (const { prefix, access, params } of analyticsPrefixes) {
    // GET …/analytics/mrr — MRR, its movements and every ratio per currency and period (CSV on Accept: text/csv)
    app.get(
      `${prefix}/mrr`,
      {
        config: { access },
        schema: {
          tags,
          ...params,
          querystring: rangeQuery,
          response: { 200: metricsResult, ...errorResponses },
        },
      },
      async (req, reply: FastifyReply) => {
        // from the snapshots: the same clock (now, or the latest change if later) and figures as the engine's
        const audience = audienceOf(req, deps);
        const { periods, range, clock } = await mrrSeriesOf(audience, (now) =>
          parseRange(req.query as RangeQuery, now),
        );
        const head = rangeHead(audience, range, clock);
        const data = metricsReportOf(periods, range.unit);
        reply.header('cache-control', 'no-store');
        if (wantsCsv(req))
          return sendCsv(
            reply,
            `mrr-${head.tenant ?? 'platform'}.csv`,
            metricsCsvColumns,
            metricsCsvRows(data),
          );
        return { object: 'analytics.mrr' as const, ...head, data, definitions: mrrDefinitions };
      },
    );

    // GET …/analytics/movements — the customers behind one movement figure of one period
    app.get(
      `${prefix}/movements`,
      {
        config: { access },
        schema: {
          tags,
          ...params,
          querystring: movementsQuery,
          response: { 200: movementsResult, ...errorResponses },
        },
      },
      async (req, reply: FastifyReply) => {
        const q = req.query as z.infer<typeof movementsQuery>;
        const audience = audienceOf(req, deps);
        const now = await reportTimeOf(audience);
        const history = await historyOf(audience);
        const unit = q.interval ?? 'month';
        const period = q.period ?? periodLabel(periodStart(now, unit), unit);
        const { totals, data } = movementsReport(history, {
          ...parsePeriod(period, unit, now),
          ...(q.currency ? { currency: q.currency } : {}),
          ...(q.kind ? { kind: q.kind } : {}),
          ...(q.churn_kind ? { churnKind: q.churn_kind } : {}),
        });
        const names = await customerNamesOf(audience, [...new Set(data.map((r) => r.customer))]);
        reply.header('cache-control', 'no-store');
        return {
          object: 'analytics.movements' as const,
          ...headOf(audience),
          interval: unit,
          period,
          currency: q.currency ?? null,
          kind: q.kind ?? null,
          churn_kind: q.churn_kind ?? null,
          as_of: unixTime(now) as number,
          totals,
          data: data.map((r) => ({ ...r, customer_details: names.get(r.customer) ?? null })),
        };
      },
    );

    // GET …/analytics/cohorts — customers by the period of their first payment, retained after
    app.get(
      `${prefix}/cohorts`,
      {
        config: { access },
        schema: {
          tags,
          ...params,
          querystring: rangeQuery,
          response: { 200: cohortsResult, ...errorResponses },
        },
      },
      async (req, reply: FastifyReply) => {
        const audience = audienceOf(req, deps);
        const now = await reportTimeOf(audience);
        const range = parseRange(req.query as RangeQuery, now);
        const history = await historyOf(audience, range.to);
        const head = rangeHead(audience, range, now);
        const data = cohortsReport(history, range);
        reply.header('cache-control', 'no-store');
        if (wantsCsv(req))
          return sendCsv(
            reply,
            `cohorts-${head.tenant ?? 'platform'}.csv`,
            cohortsCsvColumns,
            cohortsCsvRows(data),
          );
        return { object: 'analytics.cohorts' as const, ...head, data, definitions: mrrDefinitions };
      },
    );
  }

  // GET /v1/analytics/ledger_check — the nightly ledger check's latest run (the platform's operators)
  app.get(
    '/v1/analytics/ledger_check',
    {
      config: { access: { platform: 'analytics:read' } },
      schema: { tags, response: { 200: ledgerCheckResult, ...errorResponses } },
    },
    async (req) => {
      const row = await latestLedgerCheck(ctxOf(req, deps));
      return {
        object: 'analytics.ledger_check' as const,
        checked_at: row ? unixTime(row.checkedAt) : null,
        ok: row ? row.violations.length === 0 : null,
        ledgers: row?.ledgers ?? 0,
        periods: row?.periods ?? 0,
        violations: row?.violations ?? [],
      };
    },
  );
};
