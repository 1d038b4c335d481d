-- DropIndex
DROP INDEX "answer_outcomes_shop_idx";

-- CreateTable
CREATE TABLE "outcome_months" (
    "shop" TEXT NOT NULL,
    "month" DATE NOT NULL,
    "stage" "SurveyStage" NOT NULL,
    "channel" "Channel" NOT NULL,
    "country_code" TEXT NOT NULL,
    "segment" TEXT NOT NULL,
    "category" "ScoreCategory" NOT NULL,
    "theme" TEXT NOT NULL,
    "n90" INTEGER NOT NULL,
    "re90" INTEGER NOT NULL,
    "sum90" DOUBLE PRECISION NOT NULL,
    "sq90" DOUBLE PRECISION NOT NULL,
    "n180" INTEGER NOT NULL,
    "re180" INTEGER NOT NULL,
    "sum180" DOUBLE PRECISION NOT NULL,
    "sq180" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "outcome_months_pkey" PRIMARY KEY ("shop","month","stage","channel","country_code","segment","category","theme")
);

-- CreateTable
CREATE TABLE "outcome_vendor_months" (
    "shop" TEXT NOT NULL,
    "vendor" TEXT NOT NULL,
    "month" DATE NOT NULL,
    "stage" "SurveyStage" NOT NULL,
    "channel" "Channel" NOT NULL,
    "segment" TEXT NOT NULL,
    "category" "ScoreCategory" NOT NULL,
    "theme" TEXT NOT NULL,
    "n90" INTEGER NOT NULL,
    "re90" INTEGER NOT NULL,
    "sum90" DOUBLE PRECISION NOT NULL,
    "sq90" DOUBLE PRECISION NOT NULL,
    "n180" INTEGER NOT NULL,
    "re180" INTEGER NOT NULL,
    "sum180" DOUBLE PRECISION NOT NULL,
    "sq180" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "outcome_vendor_months_pkey" PRIMARY KEY ("shop","vendor","month","stage","channel","segment","category","theme")
);

-- CreateIndex
CREATE INDEX "answer_outcomes_shop_answered_day_idx" ON "answer_outcomes"("shop", "answered_day");

-- AddForeignKey
ALTER TABLE "outcome_months" ADD CONSTRAINT "outcome_months_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outcome_vendor_months" ADD CONSTRAINT "outcome_vendor_months_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: the sums of the outcomes already stored, as refreshOutcomeMonths
-- (app/models/customer-worth.server.ts) makes them with every refresh.
INSERT INTO "outcome_months" ("shop", "month", "stage", "channel", "country_code", "segment", "category", "theme",
                              "n90", "re90", "sum90", "sq90", "n180", "re180", "sum180", "sq180")
SELECT x."shop", date_trunc('month', x."answered_day")::date, x."stage", x."channel", COALESCE(x."country_code", ''),
       COALESCE(x."segment"::text, ''), x."category", th."theme",
       count(*)::int, (count(*) FILTER (WHERE x."orders_90" > 0))::int,
       COALESCE(sum(x."revenue_90"::float8), 0), COALESCE(sum(x."revenue_90"::float8 * x."revenue_90"::float8), 0),
       count(x."orders_180")::int, (count(*) FILTER (WHERE x."orders_180" > 0))::int,
       COALESCE(sum(x."revenue_180"::float8), 0), COALESCE(sum(x."revenue_180"::float8 * x."revenue_180"::float8), 0)
FROM "answer_outcomes" x
CROSS JOIN LATERAL (SELECT ''::text UNION ALL SELECT t."theme" FROM "response_themes" t WHERE t."response_id" = x."response_id") AS th("theme")
WHERE x."answered_day" IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

INSERT INTO "outcome_vendor_months" ("shop", "vendor", "month", "stage", "channel", "segment", "category", "theme",
                                     "n90", "re90", "sum90", "sq90", "n180", "re180", "sum180", "sq180")
SELECT x."shop", v."vendor", date_trunc('month', x."answered_day")::date, x."stage", x."channel",
       COALESCE(x."segment"::text, ''), x."category", th."theme",
       count(*)::int, (count(*) FILTER (WHERE x."orders_90" > 0))::int,
       COALESCE(sum(x."revenue_90"::float8), 0), COALESCE(sum(x."revenue_90"::float8 * x."revenue_90"::float8), 0),
       count(x."orders_180")::int, (count(*) FILTER (WHERE x."orders_180" > 0))::int,
       COALESCE(sum(x."revenue_180"::float8), 0), COALESCE(sum(x."revenue_180"::float8 * x."revenue_180"::float8), 0)
FROM "answer_outcomes" x
CROSS JOIN LATERAL unnest(x."vendors") AS v("vendor")
CROSS JOIN LATERAL (SELECT ''::text UNION ALL SELECT t."theme" FROM "response_themes" t WHERE t."response_id" = x."response_id") AS th("theme")
WHERE x."answered_day" IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
