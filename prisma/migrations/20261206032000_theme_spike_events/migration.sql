-- CreateTable
CREATE TABLE "theme_spike_events" (
    "shop" TEXT NOT NULL,
    "theme" TEXT NOT NULL,
    "week" DATE NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "theme_spike_events_pkey" PRIMARY KEY ("shop","theme","week")
);

-- AddForeignKey
ALTER TABLE "theme_spike_events" ADD CONSTRAINT "theme_spike_events_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;
