-- CreateEnum
CREATE TYPE "AlertKind" AS ENUM ('ANSWER', 'THEME_SPIKE');

-- AlterTable
ALTER TABLE "alert_rules" ADD COLUMN     "kind" "AlertKind" NOT NULL DEFAULT 'ANSWER',
ADD COLUMN     "theme" TEXT;

-- CreateTable
CREATE TABLE "theme_spikes" (
    "rule_id" INTEGER NOT NULL,
    "theme" TEXT NOT NULL,
    "week" DATE NOT NULL,
    "shop" TEXT NOT NULL,
    "answers" INTEGER NOT NULL,
    "mentions" INTEGER NOT NULL,
    "baseline" DOUBLE PRECISION NOT NULL,
    "p_value" DOUBLE PRECISION NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "theme_spikes_pkey" PRIMARY KEY ("rule_id","theme","week")
);

-- CreateIndex
CREATE INDEX "theme_spikes_shop_idx" ON "theme_spikes"("shop");

-- AddForeignKey
ALTER TABLE "theme_spikes" ADD CONSTRAINT "theme_spikes_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "theme_spikes" ADD CONSTRAINT "theme_spikes_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

