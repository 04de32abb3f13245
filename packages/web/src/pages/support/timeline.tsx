import type { SupportCustomer } from '@/api/support';
import { Badge } from '@/components/ui/badge';
import { Card, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { formatTimestamp } from '@/lib/utils';
import { CopyId } from './copy-id';
import { StatusChip } from './sections';
import { disputeInWords, paymentInWords, refundInWords, subscriptionInWords } from './words';

/** The object an entry is about, in words and with its status now (the entry says what happened then). */
function nowOf(data: SupportCustomer, object: string): { words: string; status: string } | null {
  const r = data.refunds.find((x) => x.id === object || x.stripe_id === object);
  if (r) return { words: refundInWords(r), status: r.status };
  const d = data.disputes.find((x) => x.id === object || x.stripe_id === object);
  if (d) return { words: disputeInWords(d), status: d.status };
  const p = data.payments.find((x) => x.id === object || x.stripe_payment_intent_id === object);
  if (p) return { words: paymentInWords(p), status: p.status };
  const s = data.subscriptions.find((x) => x.id === object || x.stripe_id === object);
  if (s) return { words: subscriptionInWords(s), status: s.status };
  return null;
}

/** Everything that happened to the customer's objects, newest first, with the webhook event behind it. */
export function Timeline({ data }: { data: SupportCustomer }) {
  return (
    <Card data-testid="support-timeline">
      <CardHeader>
        <div>
          <CardTitle>Timeline</CardTitle>
          <CardDescription>
            Newest first; each line says what happened, and how it stands now.
          </CardDescription>
        </div>
      </CardHeader>
      {data.timeline.length === 0 ? (
        <p className="px-5 py-4 text-sm text-muted-foreground">Nothing has happened yet.</p>
      ) : (
        <ol className="divide-y">
          {data.timeline.map((e) => {
            const now = nowOf(data, e.object);
            return (
              <li
                key={`${e.at}-${e.object}-${e.type}-${e.stripe_event ?? ''}`}
                className="grid gap-1 px-5 py-3 text-sm sm:grid-cols-[9rem_1fr]"
                data-testid="support-timeline-entry"
                data-kind={e.kind}
              >
                <time
                  className="text-muted-foreground tabular-nums"
                  dateTime={new Date(e.at * 1000).toISOString()}
                >
                  {formatTimestamp(e.at)}
                </time>
                <div className="min-w-0 space-y-1">
                  <div className="flex flex-wrap items-center gap-2">
                    <Badge variant="outline">{e.kind.replaceAll('_', ' ')}</Badge>
                    <span className="font-medium">{e.summary}</span>
                  </div>
                  {now ? (
                    <div className="flex flex-wrap items-start gap-2 text-muted-foreground">
                      <StatusChip status={now.status} />
                      <span>{now.words}</span>
                    </div>
                  ) : null}
                  <div className="flex flex-wrap gap-x-3">
                    <CopyId id={e.object} />
                    {e.stripe_event ? <CopyId id={e.stripe_event} label="Stripe event id" /> : null}
                  </div>
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </Card>
  );
}
