import { describe, expect, it } from 'vitest';
import { customerDiscountCustomer } from '../../src/stripe/subscriptions.ts';

// A `customer.discount.*` event's object is a Discount; only one on the customer itself is inherited by the
// customer's subscriptions (Stripe names the subscription, invoice or invoice item a discount is attached to).
describe("a customer's discount", () => {
  const discount = { object: 'discount', id: 'di_1', customer: 'cus_1', subscription: null, invoice: null };

  it("is the customer's when attached to nothing else", () => {
    expect(customerDiscountCustomer(discount)).toBe('cus_1');
    expect(customerDiscountCustomer({ ...discount, customer: { id: 'cus_2', object: 'customer' } })).toBe(
      'cus_2',
    );
  });

  it('is not when it is one subscription’s, invoice’s or invoice item’s, or not a discount at all', () => {
    expect(customerDiscountCustomer({ ...discount, subscription: 'sub_1' })).toBeNull();
    expect(customerDiscountCustomer({ ...discount, invoice: 'in_1' })).toBeNull();
    expect(customerDiscountCustomer({ ...discount, invoice_item: 'ii_1' })).toBeNull();
    expect(customerDiscountCustomer({ ...discount, object: 'coupon' })).toBeNull();
    expect(customerDiscountCustomer({ ...discount, customer: null })).toBeNull();
    expect(customerDiscountCustomer(undefined)).toBeNull();
  });
});
