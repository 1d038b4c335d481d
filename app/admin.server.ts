import { DEMO_SHOP, env } from "./env.server";
import { authenticate } from "./shopify.server";

export interface AdminContext {
  shop: string;
  /** True when serving the local demo shop without Shopify (DEMO_MODE=1). */
  demo: boolean;
}

/**
 * Every admin page's authentication. In demo mode the demo shop is served without a
 * Shopify login; otherwise Shopify's embedded-app authentication applies unchanged.
 */
export async function requireAdmin(request: Request): Promise<AdminContext> {
  if (env().DEMO_MODE) return { shop: DEMO_SHOP, demo: true };
  const { session } = await authenticate.admin(request);
  return { shop: session.shop, demo: false };
}
