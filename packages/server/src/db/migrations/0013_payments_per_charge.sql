DROP INDEX "payments_pi_key";--> statement-breakpoint
CREATE UNIQUE INDEX "payments_charge_key" ON "payments" USING btree ("tenant_id","stripe_charge_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_open_pi_key" ON "payments" USING btree ("tenant_id","stripe_payment_intent_id") WHERE "payments"."stripe_charge_id" IS NULL;