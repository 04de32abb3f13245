// Billing work that happens later: renewals, trial ends, payment retries, incomplete expiry, checkout
// expiry. A job belongs to a test clock (run when the clock advances, in time order, with "now" pinned to
// the job's time) or to real time (run by a timer). Handlers register by kind, so resources stay decoupled.
import type { App } from '../app.ts';
import { atTime, newId, nowSeconds } from '../wire/ids.ts';

export interface Job {
  id: string;
  at: number;
  owner: string;
  clock: string | null;
  kind: string;
  target: string;
  seq: number;
}

type JobHandler = (app: App, job: Job) => void;

const handlers = new Map<string, JobHandler>();
let seq = 0;

export function onJob(kind: string, fn: JobHandler): void {
  handlers.set(kind, fn);
}

function jobs(app: App) {
  return app.store.table<Job>('billing_jobs');
}

/** The test clock an object's customer is attached to (null: real time). */
export function clockOfCustomer(app: App, owner: string, customer: unknown): string | null {
  if (typeof customer !== 'string') return null;
  const c = app.store.get(owner, customer, 'customer');
  return c?.test_clock ?? null;
}

/** "Now" for a customer: its test clock's frozen time, else the real time. */
export function customerNow(app: App, owner: string, customer: unknown): number {
  const clock = clockOfCustomer(app, owner, customer);
  if (!clock) return nowSeconds();
  const c = app.store.get(owner, clock, 'test_helpers.test_clock');
  return c?.frozen_time ?? nowSeconds();
}

/** Run `fn` at the customer's time (its test clock's frozen time), so objects and events carry it. */
export function atCustomerTime<T>(app: App, owner: string, customer: unknown, fn: () => T): T {
  return clockOfCustomer(app, owner, customer) ? atTime(customerNow(app, owner, customer), fn) : fn();
}

/** The clock time for an API request naming a clocked customer (`customer` param or a `cus_` path id). */
export function requestClockTime(app: App, owner: string, ids: unknown[]): number | null {
  for (const id of ids) {
    if (typeof id === 'string' && id.startsWith('cus_') && clockOfCustomer(app, owner, id)) {
      return customerNow(app, owner, id);
    }
  }
  return null;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

function arm(app: App, job: Job): void {
  const ms = Math.max(0, (job.at - Math.floor(Date.now() / 1000)) * 1000);
  app.timers.after(Math.min(ms, MAX_TIMER_MS), () => {
    const j = jobs(app).get(job.id);
    if (!j) return;
    if (j.at * 1000 > Date.now()) return arm(app, j);
    runJob(app, j);
  });
}

export function schedule(app: App, j: Omit<Job, 'id' | 'seq'>): Job {
  const job: Job = { ...j, id: newId('job'), seq: seq++ };
  jobs(app).set(job.id, job);
  app.store.changed();
  if (!job.clock) arm(app, job);
  return job;
}

/** Drop pending jobs of a kind for a target (e.g. retries of a paid invoice). */
export function unschedule(app: App, target: string, kind?: string): void {
  for (const [id, j] of jobs(app))
    if (j.target === target && (!kind || j.kind === kind)) jobs(app).delete(id);
}

/** Forget every job of a test clock (the clock is deleted). */
export function dropClock(app: App, clock: string): void {
  for (const [id, j] of jobs(app)) if (j.clock === clock) jobs(app).delete(id);
}

export function pending(app: App, target: string, kind: string): Job | undefined {
  for (const j of jobs(app).values()) if (j.target === target && j.kind === kind) return j;
  return undefined;
}

function runJob(app: App, job: Job): void {
  jobs(app).delete(job.id);
  const fn = handlers.get(job.kind);
  if (!fn) return;
  try {
    atTime(job.clock ? job.at : null, () => fn(app, job));
  } catch (e) {
    console.error(`[sandbox] billing job ${job.kind} ${job.target} failed`, e);
  }
  app.store.changed();
}

/** Run every job of `clock` due at or before `until`, oldest first (jobs may schedule more jobs). */
export function runClock(app: App, clock: string, until: number): void {
  for (;;) {
    let next: Job | undefined;
    for (const j of jobs(app).values()) {
      if (j.clock !== clock || j.at > until) continue;
      if (!next || j.at < next.at || (j.at === next.at && j.seq < next.seq)) next = j;
    }
    if (!next) return;
    runJob(app, next);
  }
}

/** Run every pending job of these kinds now (optionally only for one target), oldest first, whatever its
 * time or clock: the admin routes settle things without waiting. Returns the targets run. */
export function runNow(app: App, kinds: string[], target?: string): string[] {
  const due = [...jobs(app).values()]
    .filter((j) => kinds.includes(j.kind) && (!target || j.target === target))
    .sort((a, b) => a.at - b.at || a.seq - b.seq);
  for (const j of due) runJob(app, j);
  return due.map((j) => j.target);
}

/** Re-arm real-time jobs after a snapshot load. */
export function rearm(app: App): void {
  for (const j of jobs(app).values()) if (!j.clock) arm(app, j);
}

export interface BillingSettings {
  /** Days after the first failed attempt at which payment is retried. */
  retry_days: number[];
  /** The subscription's state after the last retry fails. */
  final_subscription_status: 'canceled' | 'unpaid' | 'past_due';
  /** The invoice's state after the last retry fails. */
  final_invoice_status: 'open' | 'uncollectible';
  /** Days before a renewal at which `invoice.upcoming` is sent (0: never). */
  upcoming_days: number;
}

export const DEFAULT_BILLING: BillingSettings = {
  retry_days: [1, 3, 5],
  final_subscription_status: 'canceled',
  final_invoice_status: 'open',
  upcoming_days: 3,
};

export function billingSettings(app: App): BillingSettings {
  return { ...DEFAULT_BILLING, ...app.store.table<BillingSettings>('billing_settings').get('settings') };
}

export function setBillingSettings(app: App, patch: Partial<BillingSettings>): BillingSettings {
  const next = { ...billingSettings(app), ...patch };
  app.store.table<BillingSettings>('billing_settings').set('settings', next);
  app.store.changed();
  return next;
}
