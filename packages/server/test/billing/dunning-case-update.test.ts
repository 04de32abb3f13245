import { beforeAll, describe, expect, it } from 'vitest';
import { openCaseOf, updateCase } from '../../src/billing/dunning/cases.ts';
import { dunningCases } from '../../src/db/schema/index.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { createTestTenant, startTestApp, type TestApp } from '../helpers/app.ts';

// A case's invoice lists are changed from the case as read: a change computed from lists read before another
// transaction changed them (a payment's event settling one invoice while the recovery page settles another)
// is refused, to be made again from the case as it is now — never a lost update.
describe('dunning: a case updated from a stale read', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ sandbox: false });
  });

  it('refuses a change of the invoice lists computed from lists changed meanwhile', async () => {
    const tenant = await createTestTenant(t, 'Stale case');
    const read = await withTenant(t.database.db, tenant.id, async (tx) => {
      await tx.insert(dunningCases).values({
        tenantId: tenant.id,
        stripeInvoiceId: 'in_stale_may',
        stripeCustomerId: 'cus_stale',
        amountDue: 1_000,
        currency: 'usd',
        openedAt: new Date(),
        suspendAt: new Date(Date.now() + 7 * 86_400_000),
        joinedInvoices: [{ id: 'in_stale_june', amount: 1_000, held: true }],
      });
      return (await openCaseOf(tx, tenant.id))!;
    });
    // one transaction settles May…
    const first = await withTenant(t.database.db, tenant.id, (tx) =>
      updateCase(tx, read, { settledInvoices: ['in_stale_may'] }),
    );
    expect(first?.settledInvoices).toEqual(['in_stale_may']);
    // …another, from the same read, settles June: refused (it would drop May)
    const second = await withTenant(t.database.db, tenant.id, (tx) =>
      updateCase(tx, read, { settledInvoices: ['in_stale_june'] }),
    );
    expect(second).toBeNull();
    // made again from the case as it is now, both are kept
    const third = await withTenant(t.database.db, tenant.id, (tx) =>
      updateCase(tx, first!, { settledInvoices: [...first!.settledInvoices, 'in_stale_june'] }),
    );
    expect(third?.settledInvoices).toEqual(['in_stale_may', 'in_stale_june']);
  });
});
