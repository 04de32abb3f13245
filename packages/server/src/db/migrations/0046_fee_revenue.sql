CREATE TABLE "analytics_inputs" (
	"month" date NOT NULL,
	"currency" text NOT NULL,
	"marketing_spend" bigint,
	"fixed_costs" bigint,
	"cost_of_revenue" bigint,
	"cash_balance" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "analytics_inputs_month_currency_pk" PRIMARY KEY("month","currency")
);
--> statement-breakpoint
CREATE TABLE "fee_balance_transactions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"payment_id" uuid NOT NULL,
	"stripe_balance_transaction_id" text NOT NULL,
	"type" text NOT NULL,
	"source" text NOT NULL,
	"amount" integer NOT NULL,
	"currency" text NOT NULL,
	"created" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "disputes" ADD COLUMN "stripe_created" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "stripe_application_fee_id" text;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "stripe_created" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "fee_balance_transactions" ADD CONSTRAINT "fee_balance_transactions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fee_balance_transactions" ADD CONSTRAINT "fee_balance_transactions_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "fee_balance_transactions_stripe_key" ON "fee_balance_transactions" USING btree ("tenant_id","stripe_balance_transaction_id");--> statement-breakpoint
CREATE INDEX "fee_balance_transactions_payment_idx" ON "fee_balance_transactions" USING btree ("tenant_id","payment_id");--> statement-breakpoint
CREATE INDEX "fee_balance_transactions_tenant_created_idx" ON "fee_balance_transactions" USING btree ("tenant_id","created");--> statement-breakpoint
CREATE INDEX "fee_balance_transactions_created_idx" ON "fee_balance_transactions" USING btree ("created");--> statement-breakpoint
CREATE INDEX "payments_succeeded_idx" ON "payments" USING btree ("tenant_id","succeeded_at");