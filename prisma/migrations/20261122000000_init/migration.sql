-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "SurveyStage" AS ENUM ('PRE_DELIVERY', 'POST_DELIVERY');

-- CreateEnum
CREATE TYPE "InvitationStatus" AS ENUM ('SCHEDULED', 'SENDING', 'SENT', 'ANSWERED', 'EXPIRED', 'SUPPRESSED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "Channel" AS ENUM ('EMAIL', 'STOREFRONT', 'THANK_YOU', 'ORDER_STATUS');

-- CreateEnum
CREATE TYPE "ScoreCategory" AS ENUM ('PROMOTER', 'PASSIVE', 'DETRACTOR');

-- CreateEnum
CREATE TYPE "RfmSegment" AS ENUM ('CHAMPIONS', 'LOYAL', 'ACTIVE', 'PROMISING', 'NEW', 'NEEDS_ATTENTION', 'AT_RISK', 'ALMOST_LOST', 'DORMANT', 'PREVIOUSLY_LOYAL', 'PROSPECTS');

-- CreateEnum
CREATE TYPE "CaseStatus" AS ENUM ('NEW', 'CONTACTED', 'RESOLVED', 'WON_BACK', 'CLOSED');

-- CreateEnum
CREATE TYPE "ImportSource" AS ENUM ('BULK_OPERATION', 'FILE');

-- CreateEnum
CREATE TYPE "ImportStatus" AS ENUM ('RUNNING', 'COMPLETED', 'FAILED');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('RECEIVED', 'PROCESSED', 'FAILED');

-- CreateTable
CREATE TABLE "session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,
    "refreshToken" TEXT,
    "refreshTokenExpires" TIMESTAMP(3),

    CONSTRAINT "session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "shops" (
    "domain" TEXT NOT NULL,
    "name" TEXT,
    "email" TEXT,
    "primary_locale" TEXT NOT NULL DEFAULT 'en',
    "currency" TEXT,
    "timezone" TEXT,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "is_demo" BOOLEAN NOT NULL DEFAULT false,
    "installed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalled_at" TIMESTAMP(3),
    "scopes" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "shops_pkey" PRIMARY KEY ("domain")
);

-- CreateTable
CREATE TABLE "history_imports" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "source" "ImportSource" NOT NULL,
    "status" "ImportStatus" NOT NULL DEFAULT 'RUNNING',
    "running_shop" TEXT,
    "bulk_operation_id" TEXT,
    "expected_rows" INTEGER,
    "rows_done" INTEGER NOT NULL DEFAULT 0,
    "orders_done" INTEGER NOT NULL DEFAULT 0,
    "invalid_rows" INTEGER NOT NULL DEFAULT 0,
    "errors" JSONB NOT NULL DEFAULT '[]',
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "history_imports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "customers" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "shopify_id" BIGINT NOT NULL,
    "email" TEXT,
    "first_name" TEXT,
    "last_name" TEXT,
    "locale" TEXT,
    "shopify_updated_at" TIMESTAMP(3),
    "first_order_at" TIMESTAMP(3),
    "last_order_at" TIMESTAMP(3),
    "orders_count" INTEGER NOT NULL DEFAULT 0,
    "total_spent" DECIMAL(14,2) NOT NULL DEFAULT 0,
    "recency_days" INTEGER,
    "frequency" INTEGER,
    "monetary" DECIMAL(14,2),
    "r_score" SMALLINT,
    "f_score" SMALLINT,
    "m_score" SMALLINT,
    "segment" "RfmSegment",
    "rfm_computed_at" TIMESTAMP(3),
    "redacted_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "customer_segment_snapshots" (
    "shop" TEXT NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "as_of" DATE NOT NULL,
    "r_score" SMALLINT NOT NULL,
    "f_score" SMALLINT NOT NULL,
    "m_score" SMALLINT NOT NULL,
    "segment" "RfmSegment" NOT NULL,

    CONSTRAINT "customer_segment_snapshots_pkey" PRIMARY KEY ("customer_id","as_of")
);

-- CreateTable
CREATE TABLE "orders" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "shopify_id" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "customer_id" INTEGER,
    "email" TEXT,
    "locale" TEXT,
    "currency" TEXT NOT NULL,
    "current_total" DECIMAL(14,2) NOT NULL,
    "total_price" DECIMAL(14,2) NOT NULL,
    "country_code" TEXT,
    "test" BOOLEAN NOT NULL DEFAULT false,
    "fulfillment_status" TEXT,
    "order_created_at" TIMESTAMP(3) NOT NULL,
    "processed_at" TIMESTAMP(3),
    "shopify_updated_at" TIMESTAMP(3) NOT NULL,
    "cancelled_at" TIMESTAMP(3),
    "fulfilled_at" TIMESTAMP(3),
    "delivered_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_lines" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "order_id" INTEGER NOT NULL,
    "shopify_line_id" BIGINT,
    "product_id" BIGINT,
    "vendor" TEXT,
    "title" TEXT,
    "quantity" INTEGER NOT NULL,
    "amount" DECIMAL(14,2) NOT NULL,

    CONSTRAINT "order_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "survey_invitations" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "order_id" INTEGER NOT NULL,
    "customer_id" INTEGER,
    "stage" "SurveyStage" NOT NULL,
    "status" "InvitationStatus" NOT NULL DEFAULT 'SCHEDULED',
    "token_hash" TEXT NOT NULL,
    "email" TEXT,
    "locale" TEXT,
    "send_at" TIMESTAMP(3) NOT NULL,
    "sent_at" TIMESTAMP(3),
    "expires_at" TIMESTAMP(3) NOT NULL,
    "channel" "Channel",
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "survey_invitations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "responses" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "invitation_id" INTEGER,
    "order_id" INTEGER NOT NULL,
    "customer_id" INTEGER,
    "stage" "SurveyStage" NOT NULL,
    "score" SMALLINT NOT NULL,
    "category" "ScoreCategory" NOT NULL,
    "follow_up_question" TEXT,
    "comment" TEXT,
    "channel" "Channel" NOT NULL,
    "locale" TEXT,
    "answered_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "responses_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "follow_up_cases" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "response_id" INTEGER NOT NULL,
    "status" "CaseStatus" NOT NULL DEFAULT 'NEW',
    "assignee" TEXT,
    "due_at" TIMESTAMP(3),
    "resolved_at" TIMESTAMP(3),
    "reordered" BOOLEAN,
    "rescored" BOOLEAN,
    "moved_up" BOOLEAN,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "follow_up_cases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "case_notes" (
    "id" SERIAL NOT NULL,
    "case_id" INTEGER NOT NULL,
    "author" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "case_notes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "case_events" (
    "id" SERIAL NOT NULL,
    "case_id" INTEGER NOT NULL,
    "actor" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "from_value" TEXT,
    "to_value" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "case_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "email_suppressions" (
    "shop" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "email_suppressions_pkey" PRIMARY KEY ("shop","email")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "webhook_id" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'RECEIVED',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "received_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processed_at" TIMESTAMP(3),

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "data_requests" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "shopify_customer_id" BIGINT,
    "email" TEXT,
    "orders_requested" BIGINT[],
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "data_requests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "session_shop_idx" ON "session"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "history_imports_running_shop_key" ON "history_imports"("running_shop");

-- CreateIndex
CREATE INDEX "history_imports_shop_started_at_idx" ON "history_imports"("shop", "started_at");

-- CreateIndex
CREATE INDEX "customers_shop_segment_idx" ON "customers"("shop", "segment");

-- CreateIndex
CREATE INDEX "customers_shop_email_idx" ON "customers"("shop", "email");

-- CreateIndex
CREATE UNIQUE INDEX "customers_shop_shopify_id_key" ON "customers"("shop", "shopify_id");

-- CreateIndex
CREATE INDEX "customer_segment_snapshots_shop_as_of_idx" ON "customer_segment_snapshots"("shop", "as_of");

-- CreateIndex
CREATE INDEX "orders_shop_order_created_at_idx" ON "orders"("shop", "order_created_at");

-- CreateIndex
CREATE INDEX "orders_shop_customer_id_idx" ON "orders"("shop", "customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "orders_shop_shopify_id_key" ON "orders"("shop", "shopify_id");

-- CreateIndex
CREATE INDEX "order_lines_shop_vendor_idx" ON "order_lines"("shop", "vendor");

-- CreateIndex
CREATE UNIQUE INDEX "order_lines_order_id_shopify_line_id_key" ON "order_lines"("order_id", "shopify_line_id");

-- CreateIndex
CREATE UNIQUE INDEX "survey_invitations_token_hash_key" ON "survey_invitations"("token_hash");

-- CreateIndex
CREATE INDEX "survey_invitations_shop_status_send_at_idx" ON "survey_invitations"("shop", "status", "send_at");

-- CreateIndex
CREATE INDEX "survey_invitations_shop_customer_id_stage_sent_at_idx" ON "survey_invitations"("shop", "customer_id", "stage", "sent_at");

-- CreateIndex
CREATE UNIQUE INDEX "survey_invitations_order_id_stage_key" ON "survey_invitations"("order_id", "stage");

-- CreateIndex
CREATE UNIQUE INDEX "responses_invitation_id_key" ON "responses"("invitation_id");

-- CreateIndex
CREATE INDEX "responses_shop_answered_at_idx" ON "responses"("shop", "answered_at");

-- CreateIndex
CREATE INDEX "responses_shop_stage_answered_at_idx" ON "responses"("shop", "stage", "answered_at");

-- CreateIndex
CREATE INDEX "responses_shop_customer_id_idx" ON "responses"("shop", "customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "responses_order_id_stage_key" ON "responses"("order_id", "stage");

-- CreateIndex
CREATE UNIQUE INDEX "follow_up_cases_response_id_key" ON "follow_up_cases"("response_id");

-- CreateIndex
CREATE INDEX "follow_up_cases_shop_status_due_at_idx" ON "follow_up_cases"("shop", "status", "due_at");

-- CreateIndex
CREATE INDEX "case_notes_case_id_created_at_idx" ON "case_notes"("case_id", "created_at");

-- CreateIndex
CREATE INDEX "case_events_case_id_created_at_idx" ON "case_events"("case_id", "created_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_status_id_idx" ON "webhook_deliveries"("status", "id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_received_at_idx" ON "webhook_deliveries"("received_at");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_deliveries_shop_webhook_id_key" ON "webhook_deliveries"("shop", "webhook_id");

-- CreateIndex
CREATE INDEX "data_requests_shop_created_at_idx" ON "data_requests"("shop", "created_at");

-- AddForeignKey
ALTER TABLE "history_imports" ADD CONSTRAINT "history_imports_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customers" ADD CONSTRAINT "customers_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customer_segment_snapshots" ADD CONSTRAINT "customer_segment_snapshots_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customer_segment_snapshots" ADD CONSTRAINT "customer_segment_snapshots_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "survey_invitations" ADD CONSTRAINT "survey_invitations_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "survey_invitations" ADD CONSTRAINT "survey_invitations_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "responses" ADD CONSTRAINT "responses_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "responses" ADD CONSTRAINT "responses_invitation_id_fkey" FOREIGN KEY ("invitation_id") REFERENCES "survey_invitations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "responses" ADD CONSTRAINT "responses_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "responses" ADD CONSTRAINT "responses_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "follow_up_cases" ADD CONSTRAINT "follow_up_cases_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "follow_up_cases" ADD CONSTRAINT "follow_up_cases_response_id_fkey" FOREIGN KEY ("response_id") REFERENCES "responses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "case_notes" ADD CONSTRAINT "case_notes_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "follow_up_cases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "follow_up_cases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "email_suppressions" ADD CONSTRAINT "email_suppressions_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "data_requests" ADD CONSTRAINT "data_requests_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written: rules the Prisma schema language cannot express.
ALTER TABLE "responses" ADD CONSTRAINT "responses_score_range" CHECK ("score" BETWEEN 0 AND 10);
ALTER TABLE "responses" ADD CONSTRAINT "responses_category_matches_score" CHECK (
  "category" = CASE WHEN "score" >= 9 THEN 'PROMOTER'::"ScoreCategory"
                    WHEN "score" >= 7 THEN 'PASSIVE'::"ScoreCategory"
                    ELSE 'DETRACTOR'::"ScoreCategory" END);
ALTER TABLE "customers" ADD CONSTRAINT "customers_rfm_scores_range" CHECK (
  ("r_score" IS NULL OR "r_score" BETWEEN 1 AND 5) AND
  ("f_score" IS NULL OR "f_score" BETWEEN 1 AND 5) AND
  ("m_score" IS NULL OR "m_score" BETWEEN 1 AND 5));
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_quantity_nonnegative" CHECK ("quantity" >= 0);
ALTER TABLE "history_imports" ADD CONSTRAINT "history_imports_running_shop_matches" CHECK (
  ("status" = 'RUNNING' AND "running_shop" = "shop") OR ("status" <> 'RUNNING' AND "running_shop" IS NULL));
