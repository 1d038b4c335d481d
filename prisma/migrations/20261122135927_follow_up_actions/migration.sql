-- CreateEnum
CREATE TYPE "ActionKind" AS ENUM ('ALERT_EMAIL', 'ALERT_SLACK', 'CUSTOMER_TAGS', 'FLOW_TRIGGER');

-- CreateEnum
CREATE TYPE "ActionStatus" AS ENUM ('PENDING', 'DONE', 'FAILED', 'SKIPPED');

-- CreateTable
CREATE TABLE "alert_rules" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "segments" "RfmSegment"[] DEFAULT ARRAY[]::"RfmSegment"[],
    "score_min" SMALLINT NOT NULL DEFAULT 0,
    "score_max" SMALLINT NOT NULL DEFAULT 6,
    "stage" "SurveyStage",
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "emails" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "slack_webhook_url" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "answer_actions" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "response_id" INTEGER NOT NULL,
    "kind" "ActionKind" NOT NULL,
    "rule_id" INTEGER,
    "key" TEXT NOT NULL,
    "digest" BOOLEAN NOT NULL DEFAULT false,
    "status" "ActionStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "next_attempt_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "done_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "answer_actions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "alert_rules_shop_idx" ON "alert_rules"("shop");

-- CreateIndex
CREATE INDEX "answer_actions_status_next_attempt_at_idx" ON "answer_actions"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "answer_actions_shop_status_created_at_idx" ON "answer_actions"("shop", "status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "answer_actions_response_id_key_key" ON "answer_actions"("response_id", "key");

-- AddForeignKey
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "answer_actions" ADD CONSTRAINT "answer_actions_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "answer_actions" ADD CONSTRAINT "answer_actions_response_id_fkey" FOREIGN KEY ("response_id") REFERENCES "responses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "answer_actions" ADD CONSTRAINT "answer_actions_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: rules the Prisma schema language cannot express.
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_score_range" CHECK (
  "score_min" BETWEEN 0 AND 10 AND "score_max" BETWEEN 0 AND 10 AND "score_min" <= "score_max");
