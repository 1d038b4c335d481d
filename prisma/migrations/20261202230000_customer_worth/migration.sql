-- CreateTable
CREATE TABLE "answer_outcomes" (
    "response_id" INTEGER NOT NULL,
    "shop" TEXT NOT NULL,
    "orders_90" INTEGER NOT NULL,
    "revenue_90" DECIMAL(14,2) NOT NULL,
    "orders_180" INTEGER,
    "revenue_180" DECIMAL(14,2),

    CONSTRAINT "answer_outcomes_pkey" PRIMARY KEY ("response_id")
);

-- CreateTable
CREATE TABLE "customer_risks" (
    "customer_id" INTEGER NOT NULL,
    "shop" TEXT NOT NULL,
    "response_id" INTEGER NOT NULL,
    "revenue_12m" DECIMAL(14,2) NOT NULL,

    CONSTRAINT "customer_risks_pkey" PRIMARY KEY ("customer_id")
);

-- CreateIndex
CREATE INDEX "answer_outcomes_shop_idx" ON "answer_outcomes"("shop");

-- CreateIndex
CREATE INDEX "customer_risks_shop_idx" ON "customer_risks"("shop");

-- AddForeignKey
ALTER TABLE "answer_outcomes" ADD CONSTRAINT "answer_outcomes_response_id_fkey" FOREIGN KEY ("response_id") REFERENCES "responses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "answer_outcomes" ADD CONSTRAINT "answer_outcomes_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customer_risks" ADD CONSTRAINT "customer_risks_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customer_risks" ADD CONSTRAINT "customer_risks_response_id_fkey" FOREIGN KEY ("response_id") REFERENCES "responses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customer_risks" ADD CONSTRAINT "customer_risks_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

