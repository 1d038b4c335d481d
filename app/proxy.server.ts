import { authenticate } from "./shopify.server";

export class ProxyAuthError extends Error {}

/**
 * Verifies an App Proxy request (the `signature` Shopify adds when it forwards
 * https://<shop>/apps/nps/... to the app) and returns the shop it came through.
 * Missing, wrong or stale signatures throw ProxyAuthError.
 */
export async function verifyAppProxy(
  request: Request,
): Promise<{ shop: string; loggedInCustomerId: string | null; pathPrefix: string }> {
  const url = new URL(request.url);
  const shop = url.searchParams.get("shop");
  if (!url.searchParams.get("signature") || !shop) throw new ProxyAuthError("missing signature");
  try {
    await authenticate.public.appProxy(request);
  } catch (error) {
    // Shopify's library answers a wrong signature with a 400 Response, and throws for a
    // stale or malformed one: either way the request did not come from Shopify.
    throw new ProxyAuthError(error instanceof Response ? "invalid signature" : (error as Error).message);
  }
  // The storefront path the shopper sees (merchants may rename /apps/nps): forms post back to it.
  const prefix = url.searchParams.get("path_prefix") ?? "";
  return {
    shop,
    loggedInCustomerId: url.searchParams.get("logged_in_customer_id") || null,
    pathPrefix: /^\/[A-Za-z0-9/_-]+$/.test(prefix) ? prefix : "/apps/nps",
  };
}
