import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { sendCsv } from '../http/csv.ts';
import { ctxOf, type RouteDeps, type RouteModule, scopeOf } from '../http/routing.ts';
import { errorResponses, tenantParams, unixTime } from '../http/schemas.ts';
import { mrrDefinitions } from './definitions.ts';
import { latestLedgerCheck } from './ledger-check.ts';
import { periodStart } from './periods.ts';
import { parsePeriod, parseRange, type RangeQuery } from './range.ts';
import {
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
import { platformMrrHistory, platformMrrSeries, tenantMrrHistory, tenantMrrSeries } from './service.ts';
import type { MrrChange, PeriodMetrics } from './types.ts';

// The subscription analytics routes (docs/analytics.md, "API"): the platform's (its tenants' plans) under
// /v1/analytics, each tenant's (its own customers) under /v1/tenants/:id/analytics. Read-only.

const tags = ['analytics'];

type Audience = {
  prefix: string;
  access: { platform: 'analytics:read' } | { tenant: 'analytics:read' };
  params?: typeof tenantParams;
  head: (req: FastifyRequest) => { scope: 'platform' | 'tenant'; tenant: string | null };
  history: (req: FastifyRequest, deps: RouteDeps) => Promise<MrrChange[]>;
  /** the figures of a range from the snapshots (refreshed first if stale), the range given the report's clock */
  series: (
    req: FastifyRequest,
    deps: RouteDeps,
    rangeOf: (clock: Date) => ReportRange,
  ) => Promise<{ periods: PeriodMetrics[]; range: ReportRange; clock: Date }>;
};

const audiences: Audience[] = [
  {
    prefix: '/v1/analytics',
    access: { platform: 'analytics:read' },
    head: () => ({ scope: 'platform', tenant: null }),
    history: (req, deps) => platformMrrHistory(ctxOf(req, deps)),
    series: (req, deps, rangeOf) => platformMrrSeries(ctxOf(req, deps), rangeOf),
  },
  {
    prefix: '/v1/tenants/:id/analytics',
    access: { tenant: 'analytics:read' },
    params: tenantParams,
    head: (req) => ({ scope: 'tenant', tenant: (req.params as { id: string }).id }),
    history: (req, deps) => tenantMrrHistory(scopeOf(req, deps)),
    series: (req, deps, rangeOf) => tenantMrrSeries(scopeOf(req, deps), rangeOf),
  },
];

/**
 * The instant a report is as of: now, or the history's latest change when that is later (Stripe's time runs
 * ahead of the clock on the wall under test clocks, in the sandbox and in tests).
 */
function reportTime(history: readonly MrrChange[]): Date {
  let latest = Date.now();
  for (const c of history) if (c.at.getTime() > latest) latest = c.at.getTime();
  return new Date(latest);
}

/** The head of a range report's answer. */
const headOf = (req: FastifyRequest, audience: Audience, range: ReportRange, now: Date) => ({
  ...audience.head(req),
  interval: range.unit,
  from: unixTime(range.from) as number,
  to: unixTime(range.to) as number,
  as_of: unixTime(now) as number,
});

/** A range report's history, its time and range, and the head of its answer. */
async function rangedReport(req: FastifyRequest, deps: RouteDeps, audience: Audience) {
  const history = await audience.history(req, deps);
  const now = reportTime(history);
  const range = parseRange(req.query as RangeQuery, now);
  return { history, range, head: headOf(req, audience, range, now) };
}

const wantsCsv = (req: FastifyRequest) => /\btext\/csv\b/i.test(req.headers.accept ?? '');

export const analyticsRoutes: RouteModule = (app, deps) => {
  for (const audience of audiences) {
    const params = audience.params ? { params: audience.params } : {};

    // GET …/analytics/mrr — MRR, its movements and every ratio per currency and period (CSV on Accept: text/csv)
    app.get(
      `${audience.prefix}/mrr`,
      {
        config: { access: audience.access },
        schema: {
          tags,
          ...params,
          querystring: rangeQuery,
          response: { 200: metricsResult, ...errorResponses },
        },
      },
      async (req, reply: FastifyReply) => {
        // from the snapshots: the same clock (now, or the latest change if later) and figures as the engine's
        const { periods, range, clock } = await audience.series(req, deps, (now) =>
          parseRange(req.query as RangeQuery, now),
        );
        const head = headOf(req, audience, range, clock);
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
      `${audience.prefix}/movements`,
      {
        config: { access: audience.access },
        schema: {
          tags,
          ...params,
          querystring: movementsQuery,
          response: { 200: movementsResult, ...errorResponses },
        },
      },
      async (req, reply: FastifyReply) => {
        const q = req.query as z.infer<typeof movementsQuery>;
        const history = await audience.history(req, deps);
        const now = reportTime(history);
        const unit = q.interval ?? 'month';
        const period = q.period ?? periodLabel(periodStart(now, unit), unit);
        const { totals, data } = movementsReport(history, {
          ...parsePeriod(period, unit, now),
          ...(q.currency ? { currency: q.currency } : {}),
          ...(q.kind ? { kind: q.kind } : {}),
          ...(q.churn_kind ? { churnKind: q.churn_kind } : {}),
        });
        reply.header('cache-control', 'no-store');
        return {
          object: 'analytics.movements' as const,
          ...audience.head(req),
          interval: unit,
          period,
          currency: q.currency ?? null,
          kind: q.kind ?? null,
          churn_kind: q.churn_kind ?? null,
          as_of: unixTime(now) as number,
          totals,
          data,
        };
      },
    );

    // GET …/analytics/cohorts — customers by the period of their first payment, retained after
    app.get(
      `${audience.prefix}/cohorts`,
      {
        config: { access: audience.access },
        schema: {
          tags,
          ...params,
          querystring: rangeQuery,
          response: { 200: cohortsResult, ...errorResponses },
        },
      },
      async (req, reply: FastifyReply) => {
        const { history, range, head } = await rangedReport(req, deps, audience);
        reply.header('cache-control', 'no-store');
        return {
          object: 'analytics.cohorts' as const,
          ...head,
          data: cohortsReport(history, range),
          definitions: mrrDefinitions,
        };
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
