import { Search } from 'lucide-react';
import * as React from 'react';
import type { SupportCriterion } from '@/api/support';
import { CurrencyField, SelectField, TextField } from '@/components/form-field';
import { Button } from '@/components/ui/button';
import { parseMoney } from '@/lib/money';

type By = 'email' | 'customer' | 'payment' | 'card';

const byLabels: Record<By, string> = {
  email: 'E-mail',
  customer: 'Customer id',
  payment: 'Payment id',
  card: 'Card last 4 + amount',
};

const placeholders: Record<Exclude<By, 'card'>, string> = {
  email: 'jo@example.com',
  customer: 'cust_… or cus_…',
  payment: 'pay_…, pi_… or ch_…',
};

/**
 * One search criterion, as the API takes exactly one: an e-mail, a customer id, a payment id, or a card's
 * last four digits with the amount (typed in major units, sent in the currency's minor units).
 */
export function SearchForm({ onSearch }: { onSearch: (criterion: SupportCriterion) => void }) {
  const [by, setBy] = React.useState<By>('email');
  const [value, setValue] = React.useState('');
  const [last4, setLast4] = React.useState('');
  const [amount, setAmount] = React.useState('');
  const [currency, setCurrency] = React.useState('usd');
  const [problem, setProblem] = React.useState<string | null>(null);

  function submit(e: React.FormEvent) {
    e.preventDefault();
    setProblem(null);
    if (by !== 'card') {
      const v = value.trim();
      if (!v) return setProblem(`Enter the ${byLabels[by].toLowerCase()}.`);
      return onSearch(by === 'email' ? { email: v } : by === 'customer' ? { customer: v } : { payment: v });
    }
    if (!/^\d{4}$/.test(last4.trim())) return setProblem('The last four digits of the card: four digits.');
    const minor = parseMoney(amount, currency);
    if (minor === null || minor <= 0)
      return setProblem(`The amount in ${currency.toUpperCase()}, e.g. 30.00 (at most its own decimals).`);
    onSearch({ last4: last4.trim(), amount: minor, currency });
  }

  return (
    <form onSubmit={submit} className="space-y-3" data-testid="support-search-form">
      <div className="flex flex-wrap items-end gap-3">
        <SelectField
          id="support-search-by"
          label="Search by"
          fieldClassName="w-48"
          value={by}
          onChange={(e) => {
            setBy(e.target.value as By);
            setProblem(null);
          }}
        >
          {(Object.keys(byLabels) as By[]).map((b) => (
            <option key={b} value={b}>
              {byLabels[b]}
            </option>
          ))}
        </SelectField>
        {by === 'card' ? (
          <>
            <TextField
              id="support-search-last4"
              label="Last 4"
              fieldClassName="w-24"
              inputMode="numeric"
              maxLength={4}
              value={last4}
              onChange={(e) => setLast4(e.target.value)}
            />
            <TextField
              id="support-search-amount"
              label="Amount"
              fieldClassName="w-32"
              inputMode="decimal"
              placeholder="30.00"
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
            />
            <CurrencyField
              id="support-search-currency"
              label="Currency"
              fieldClassName="w-28"
              value={currency}
              onChange={(e) => setCurrency(e.target.value)}
            />
          </>
        ) : (
          <TextField
            id="support-search-value"
            label={byLabels[by]}
            fieldClassName="min-w-64 flex-1"
            type={by === 'email' ? 'email' : 'text'}
            placeholder={placeholders[by]}
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
        )}
        <Button type="submit" data-testid="support-search-submit">
          <Search aria-hidden="true" />
          Search
        </Button>
      </div>
      {problem ? (
        <p className="text-sm text-destructive" role="alert" data-testid="support-search-problem">
          {problem}
        </p>
      ) : null}
    </form>
  );
}
