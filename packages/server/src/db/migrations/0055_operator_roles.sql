CREATE TABLE "support_invitations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"created_by" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "operator_role" text;--> statement-breakpoint
ALTER TABLE "support_invitations" ADD CONSTRAINT "support_invitations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "support_invitations_token_hash_key" ON "support_invitations" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "support_invitations_user_idx" ON "support_invitations" USING btree ("user_id");--> statement-breakpoint
-- the operator so far: is_operator, now operator_role 'operator' (support users are new: issue 23)
UPDATE "users" SET "operator_role" = 'operator' WHERE "is_operator";--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "is_operator";--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_operator_role_check" CHECK ("users"."operator_role" IN ('operator', 'support'));--> statement-breakpoint
-- A platform table, like setup_tokens: reached only through withSystem (the operator's support team, and the
-- invitation's token before anyone is signed in), so forced RLS with no policy at all.
ALTER TABLE "support_invitations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "support_invitations" FORCE ROW LEVEL SECURITY;
