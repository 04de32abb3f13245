import * as React from 'react';
import { errorMessage } from '@/api/client';
import { useCurrencyRates, useSetCurrencyRates } from '@/api/plans';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { ErrorState, LoadingBlock } from '@/components/ui/states';

// The operator's exchange rates, one per line: "eur usd 1.08" (one EUR is 1.08 USD).

const lineOf = (r: { from: string; to: string; rate: string }) => `${r.from} ${r.to} ${r.rate}`;

function parse(text: string): { from: string; to: string; rate: string }[] | string {
  const rates = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    const m = /^\s*([a-zA-Z]{3})\s+([a-zA-Z]{3})\s+(\d+(?:\.\d+)?)\s*$/.exec(line);
    if (!m) return `Line ${i + 1}: write "from to rate", for example "eur usd 1.08".`;
    rates.push({ from: m[1]!.toLowerCase(), to: m[2]!.toLowerCase(), rate: m[3]! });
  }
  return rates;
}

export function RatesCard() {
  const rates = useCurrencyRates();
  const save = useSetCurrencyRates();
  const [text, setText] = React.useState<string | null>(null);
  const [problem, setProblem] = React.useState<string | null>(null);
  const shown = text ?? (rates.data?.data ?? []).map(lineOf).join('\n');
  return (
    <Card className="mt-6">
      <CardHeader>
        <CardTitle>Exchange rates</CardTitle>
        <CardDescription>
          How payment volume in another currency counts against a limit: one line per rate, "from to rate"
          (one unit of from is rate units of to). A currency with no rate is left out of the count.
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-3">
        {rates.isPending ? (
          <LoadingBlock label="Loading rates" />
        ) : rates.error ? (
          <ErrorState error={rates.error} onRetry={() => void rates.refetch()} />
        ) : (
          <form
            className="space-y-3"
            onSubmit={(e) => {
              e.preventDefault();
              const parsed = parse(shown);
              if (typeof parsed === 'string') return setProblem(parsed);
              setProblem(null);
              save.mutate(parsed, { onSuccess: () => setText(null) });
            }}
          >
            <textarea
              aria-label="Exchange rates"
              data-testid="rates-text"
              className="h-28 w-full rounded-md border border-input bg-card px-3 py-2 font-mono text-sm"
              value={shown}
              onChange={(e) => setText(e.target.value)}
            />
            {problem || save.error ? (
              <Alert variant="destructive" data-testid="rates-error">
                {problem ?? errorMessage(save.error)}
              </Alert>
            ) : null}
            <Button type="submit" size="sm" data-testid="rates-save" disabled={save.isPending}>
              Save rates
            </Button>
          </form>
        )}
      </CardContent>
    </Card>
  );
}
