import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import prisma from "./db.server";
import { env, requireShopifyCredentials } from "./env.server";
import { recordInstall } from "./models/shops.server";

/** Newest stable Admin API version that @shopify/shopify-app-remix 6 knows; shopify.app.toml uses the same. */
export const API_VERSION = ApiVersion.October26;

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
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    expiringOfflineAccessTokens: true,
  },
  hooks: {
    afterAuth: async ({ session }) => {
      await recordInstall(session.shop, session.scope ?? null);
    },
  },
  ...(env().SHOP_CUSTOM_DOMAIN ? { customShopDomains: [env().SHOP_CUSTOM_DOMAIN!] } : {}),
});

export default shopify;
export const apiVersion = API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
