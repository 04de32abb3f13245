import { afterEach, describe, expect, it } from 'vitest';
import { WorkerPacing } from '../../src/jobs/pacing.ts';

/** The worker's yield rule in `serve` (jobs/pacing.ts): one batch at a time while ingest is busy, bounded lag. */
describe('worker pacing', () => {
  let busy: ReturnType<typeof setInterval> | undefined;
  afterEach(() => clearInterval(busy));
  const keepBusy = (p: WorkerPacing) => {
    p.noteIngest();
    busy = setInterval(() => p.noteIngest(), 10);
  };

  it('runs batches side by side while no delivery arrives', async () => {
    const p = new WorkerPacing({ maxLagSeconds: 5 });
    const a = await p.admit(Date.now());
    const b = await p.admit(Date.now());
    a();
    b();
  });

  it('while deliveries arrive, a second batch waits for the first to end', async () => {
    const p = new WorkerPacing({ maxLagSeconds: 5, quietMs: 1000 });
    keepBusy(p);
    const order: string[] = [];
    const first = await p.admit(Date.now());
    const second = p.admit(Date.now()).then((release) => {
      order.push('second admitted');
      return release;
    });
    // deliveries keep arriving (every 10 ms, well inside the 1 s quiet window): only the release lets it in
    await new Promise((r) => setTimeout(r, 200));
    order.push('first released');
    first();
    (await second)();
    expect(order).toEqual(['first released', 'second admitted']);
  });

  it('a batch whose events have waited past the limit runs at once, however busy ingest is', async () => {
    const p = new WorkerPacing({ maxLagSeconds: 5, quietMs: 1000 });
    keepBusy(p);
    const first = await p.admit(Date.now());
    const late = await p.admit(Date.now() - 6000);
    late();
    first();
  });

  it('a limit of 0 never yields', async () => {
    const p = new WorkerPacing({ maxLagSeconds: 0 });
    keepBusy(p);
    const a = await p.admit(Date.now());
    const b = await p.admit(Date.now());
    a();
    b();
  });
});
