// The demo: the app on the embedded database with a generated shop, no Shopify login.
export {};

process.env.DEMO_MODE = "1";
process.env.NODE_ENV ??= "production";

const { env } = await import("../app/env.server");
const { logger } = await import("../app/logger.server");
const { seedDemoShop } = await import("../app/demo/seed.server");
const { classifyPendingComments } = await import("../app/models/themes.server");
const { closeOnSignals, startServer } = await import("../server");

try {
  const server = await startServer({
    demo: true,
    beforeListen: async () => {
      const result = await seedDemoShop({ orders: env().DEMO_ORDERS, customers: env().DEMO_CUSTOMERS });
      logger.info(
        result.seeded ? { seededInMs: result.ms } : { seeded: false },
        result.seeded ? "demo shop generated" : "demo shop already present",
      );
      // The comments' themes, read before the first page opens rather than by the worker after.
      let themed = 0;
      for (;;) {
        const n = await classifyPendingComments(5000);
        themed += n;
        if (n === 0) break;
      }
      if (themed > 0) logger.info({ comments: themed }, "demo comments read for themes");
    },
  });
  closeOnSignals(server);
  console.log(`\n  NPS demo: http://localhost:${server.port}/app  (Ctrl-C to stop)\n`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
