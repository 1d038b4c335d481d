-- Sums of amounts get room of their own: an order's amounts fit numeric(14,2) (under 10^12
-- in the shop's currency), but a customer's orders summed into total_spent or monetary did
-- not always (a buyer of 10^12 rupiah over the years), and the RFM run failed for the whole
-- shop with "numeric field overflow". 20 digits hold a million such orders; a segment's
-- revenue, summed over customers, 22.
-- AlterTable
ALTER TABLE "customers" ALTER COLUMN "total_spent" SET DATA TYPE DECIMAL(20,2),
ALTER COLUMN "monetary" SET DATA TYPE DECIMAL(20,2);

-- AlterTable
ALTER TABLE "segment_totals" ALTER COLUMN "revenue" SET DATA TYPE DECIMAL(22,2);

-- AlterTable
ALTER TABLE "answer_outcomes" ALTER COLUMN "revenue_90" SET DATA TYPE DECIMAL(20,2),
ALTER COLUMN "revenue_180" SET DATA TYPE DECIMAL(20,2);

-- AlterTable
ALTER TABLE "customer_risks" ALTER COLUMN "revenue_12m" SET DATA TYPE DECIMAL(20,2);
