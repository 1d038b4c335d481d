import { DEMO_SHOP, env } from "./env.server";
import type { AdminGraphql } from "./lib/admin-graphql";
import { logger } from "./logger.server";
import { authenticate, unauthenticated } from "./shopify.server";

export interface AdminContext {
  shop: string;
  /** True when serving the local demo shop without Shopify (DEMO_MODE=1). */
  demo: boolean;
  /** The shop's Admin API; in demo mode, only the stand-in DEMO_ADMIN_API_URL names. */
  graphql?: AdminGraphql;
  /** Who is acting, for case notes and history: the staff member's Shopify user id. */
  actor: string;
}

/**
 * The demo shop's Admin API: none, unless DEMO_ADMIN_API_URL names a GraphQL endpoint standing
 * in for Shopify's (the tests' fake, checked against Shopify's schema), which is then called
 * as the shop's admin.graphql would be.
 */
function demoAdmin(): AdminGraphql | undefined {
  const url = env().DEMO_ADMIN_API_URL;
  if (!url) return undefined;
  return (query, options) =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query, variables: options?.variables ?? {} }),
    });
}

/**
 * Every admin page's authentication. In demo mode the demo shop is served without a
 * Shopify login; otherwise Shopify's embedded-app authentication applies unchanged.
 */
export async function requireAdmin(request: Request): Promise<AdminContext> {
  if (env().DEMO_MODE) return { shop: DEMO_SHOP, demo: true, graphql: demoAdmin(), actor: "Demo merchant" };
  const result = await authenticate.admin(request);
  const sub = (result as { sessionToken?: { sub?: string } }).sessionToken?.sub;
  return {
    shop: result.session.shop,
    demo: false,
    graphql: result.admin.graphql,
    actor: sub ? `Staff ${sub.replace(/^gid:\/\/shopify\/User\//, "")}` : "Shop staff",
  };
}

/**
 * The shop's Admin API through its offline session, for work no merchant request carries
 * (background actions, storefront requests, imports); null when the app has no session, or in
 * demo mode without DEMO_ADMIN_API_URL.
 */
export async function offlineAdmin(shop: string): Promise<AdminGraphql | null> {
  if (env().DEMO_MODE) return (shop === DEMO_SHOP && demoAdmin()) || null;
  try {
    return (await unauthenticated.admin(shop)).admin.graphql;
  } catch (error) {
    logger.warn({ shop, err: (error as Error).message }, "no Admin API access for the shop");
    return null;
  }
}
