// Test clocks: customers attached to a clock live in its frozen time; advancing runs their renewals,
// trial ends, retries and expiries in time order with the clock's timestamps, then the clock is ready.
import { type Ctx, systemCtx } from '../app.ts';
import { dropClock, runClock } from '../billing/scheduler.ts';
import { emit } from '../events.ts';
import { requireOwn } from '../lookup.ts';
import type { TestClock } from '../objects/subscriptions.ts';
import type { Router } from '../router.ts';
import { invalidRequest } from '../wire/errors.ts';
import { atTime, newId, nowSeconds } from '../wire/ids.ts';
import { paginate } from '../wire/list.ts';
import { int, listParams, str, validate } from '../wire/schema.ts';

function requireClock(ctx: Ctx, id: string): TestClock {
  return requireOwn(ctx, 'test_helpers.test_clock', id, 'test_clock');
}

export function registerTestClocks(r: Router): void {
  r.post('/v1/test_helpers/test_clocks', (ctx) => {
    const p = validate({ frozen_time: int, name: str }, ctx.params, ['frozen_time']);
    const now = nowSeconds();
    const clock: TestClock = {
      id: newId('clock'),
      object: 'test_helpers.test_clock',
      created: now,
      deletes_after: now + 30 * 86_400,
      frozen_time: p.frozen_time,
      livemode: false,
      name: p.name ?? null,
      status: 'ready',
      status_details: {},
    };
    ctx.app.store.insert(ctx.account, clock);
    emit(ctx, 'test_helpers.test_clock.created', clock);
    return clock;
  });
  r.get('/v1/test_helpers/test_clocks/:id', (ctx) => {
    validate({}, ctx.params);
    return requireClock(ctx, ctx.path[0]!);
  });
  r.get('/v1/test_helpers/test_clocks', (ctx) =>
    paginate(
      ctx.app.store.list(ctx.account, 'test_helpers.test_clock'),
      validate(listParams, ctx.params),
      '/v1/test_helpers/test_clocks',
    ),
  );
  r.delete('/v1/test_helpers/test_clocks/:id', (ctx) => {
    validate({}, ctx.params);
    const clock = requireClock(ctx, ctx.path[0]!);
    // Deleting a clock deletes the customers attached to it and their subscriptions.
    dropClock(ctx.app, clock.id);
    const { store } = ctx.app;
    for (const cus of [...store.list(ctx.account, 'customer')]) {
      if (cus.test_clock !== clock.id) continue;
      for (const sub of [...store.list(ctx.account, 'subscription')]) {
        if (sub.customer !== cus.id) continue;
        for (const it of sub.items ? sub.items.data : []) store.remove(it.id);
        store.remove(sub.id);
      }
      store.remove(cus.id);
      store.table<boolean>('deleted_customers').set(cus.id, true);
    }
    store.remove(clock.id);
    emit(ctx, 'test_helpers.test_clock.deleted', clock);
    return { id: clock.id, object: 'test_helpers.test_clock', deleted: true };
  });
  r.post('/v1/test_helpers/test_clocks/:id/advance', (ctx) => {
    const p = validate({ frozen_time: int }, ctx.params, ['frozen_time']);
    const clock = requireClock(ctx, ctx.path[0]!);
    const target = p.frozen_time;
    if (clock.status !== 'ready') {
      throw invalidRequest(
        'The test clock is currently advancing; wait until it is ready.',
        undefined,
        'test_clock_not_ready',
      );
    }
    if (target <= clock.frozen_time) {
      throw invalidRequest(
        'Cannot advance a test clock to a time before its current frozen time.',
        'frozen_time',
      );
    }
    clock.status = 'advancing';
    clock.status_details = { advancing: { target_frozen_time: target } };
    ctx.app.store.changed();
    emit(ctx, 'test_helpers.test_clock.advancing', clock);
    const app = ctx.app;
    const owner = ctx.account;
    const response = structuredClone(clock);
    // Run after the response: the API answers `advancing`, then the clock works through its jobs.
    app.timers.after(0, () => {
      runClock(app, clock.id, target);
      atTime(target, () => {
        clock.frozen_time = target;
        clock.status = 'ready';
        clock.status_details = {};
        app.store.changed();
        emit(systemCtx(app, owner), 'test_helpers.test_clock.ready', clock);
      });
    });
    return response;
  });
}
