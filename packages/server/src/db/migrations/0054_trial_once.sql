ALTER TABLE "tenant_billing" ADD COLUMN "trial_used_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "plan_quotes" ADD COLUMN "trial_days" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- a tenant that had a trial or paid for a plan before this column has used its trial
UPDATE "tenant_billing" SET "trial_used_at" = now()
WHERE "trial_end" IS NOT NULL
  OR "stripe_status" IN ('trialing', 'active', 'past_due', 'unpaid', 'paused')
  OR EXISTS (
    -- any plan invoice: a trial's own is a $0 one, kept after the trial ended without a card
    SELECT 1 FROM "platform_invoices" i
    WHERE i."tenant_id" = "tenant_billing"."tenant_id" AND i."status" IN ('paid', 'open', 'uncollectible')
  )
  OR EXISTS (
    SELECT 1 FROM "platform_mrr_observations" o
    WHERE o."billed_tenant_id" = "tenant_billing"."tenant_id" AND o."status" = 'trialing'
  );
