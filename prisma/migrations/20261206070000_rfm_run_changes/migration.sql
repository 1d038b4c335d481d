-- CreateTable
CREATE TABLE "rfm_run_changes" (
    "shop" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "run_id" UUID NOT NULL,
    "prospect" BOOLEAN NOT NULL,
    "frequency" INTEGER NOT NULL,
    "monetary" DECIMAL(20,2) NOT NULL,
    "r_score" SMALLINT,
    "f_score" SMALLINT,
    "m_score" SMALLINT,
    "segment" "RfmSegment" NOT NULL,
    "first_order_at" TIMESTAMP(3),
    "last_order_at" TIMESTAMP(3),

    CONSTRAINT "rfm_run_changes_pkey" PRIMARY KEY ("shop","seq")
);

-- AddForeignKey
ALTER TABLE "rfm_run_changes" ADD CONSTRAINT "rfm_run_changes_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;
