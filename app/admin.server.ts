import { DEMO_SHOP, env } from "./env.server";
import type { AdminGraphql } from "./lib/admin-graphql";
import { authenticate } from "./shopify.server";

export interface AdminContext {
  shop: string;
  /** True when serving the local demo shop without Shopify (DEMO_MODE=1). */
  demo: boolean;
  /** The shop's Admin API; absent in demo mode, where there is no Shopify. */
  graphql?: AdminGraphql;
}

/**
 * Every admin page's authentication. In demo mode the demo shop is served without a
 * Shopify login; otherwise Shopify's embedded-app authentication applies unchanged.
 */
export async function requireAdmin(request: Request): Promise<AdminContext> {
  if (env().DEMO_MODE) return { shop: DEMO_SHOP, demo: true };
  const { session, admin } = await authenticate.admin(request);
  return { shop: session.shop, demo: false, graphql: admin.graphql };
}
