import "@shopify/shopify-app-remix/adapters/node";
import { AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { API_VERSION } from "./api-version";
import prisma from "./db.server";
import { env, requireShopifyCredentials } from "./env.server";
import { logger } from "./logger.server";
import { syncSubscription } from "./models/billing.server";
import { refreshShopBrand } from "./models/brand.server";
import { latestImport } from "./models/history-import.server";
import { startHistoryImport } from "./models/bulk-import.server";
import { syncShopInfo } from "./models/shop-info.server";
import { recordInstall } from "./models/shops.server";

const credentials = requireShopifyCredentials();

const shopify = shopifyApp({
  apiKey: credentials.apiKey,
  apiSecretKey: credentials.apiSecret,
  appUrl: credentials.appUrl,
  apiVersion: API_VERSION,
  scopes: env().SCOPES?.split(","),
  authPathPrefix: "/auth",
  // The client is created lazily (see db.server.ts); the storage only needs its `session` delegate.
  sessionStorage: new PrismaSessionStorage(prisma),
  distribution: AppDistribution.AppStore,
  // The library's messages join the app's JSON log; its per-request notes only at LOG_LEVEL=debug.
  logger: {
    level: ["debug", "trace"].includes(env().LOG_LEVEL) ? LogSeverity.Debug : LogSeverity.Warning,
    log: (severity, message) => {
      const level = severity <= LogSeverity.Error ? "error" : severity === LogSeverity.Warning ? "warn" : "debug";
      logger[level]({ source: "shopify" }, message);
    },
  },
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    expiringOfflineAccessTokens: true,
  },
  hooks: {
    afterAuth: async ({ session, admin }) => {
      await recordInstall(session.shop, session.scope ?? null);
      try {
        await syncShopInfo(session.shop, admin.graphql);
      } catch (error) {
        // Not fatal for the install: defaults (English, no currency) hold until the next login.
        logger.warn({ err: error, shop: session.shop }, "could not read shop details");
      }
      try {
        await syncSubscription(session.shop, admin.graphql);
      } catch (error) {
        // The free plan holds until the plan page or a subscription webhook says otherwise.
        logger.warn({ err: error, shop: session.shop }, "could not read the app subscription");
      }
      // Not awaited: the install never waits on the Storefront API.
      void refreshShopBrand(session.shop);
      // A new install imports the shop's whole order history for RFM.
      if (!(await latestImport(session.shop))) {
        startHistoryImport(session.shop, admin.graphql).catch((error: unknown) =>
          logger.warn({ err: (error as Error).message, shop: session.shop }, "could not start the history import"),
        );
      }
    },
  },
  ...(env().SHOP_CUSTOM_DOMAIN ? { customShopDomains: [env().SHOP_CUSTOM_DOMAIN!] } : {}),
});

export default shopify;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
