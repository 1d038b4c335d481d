import { authenticate } from "./shopify.server";

/** A request that did not come from the shop's App Proxy as Shopify sends it: 401, or 400 for a malformed one. */
export class ProxyAuthError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 401 = 401,
  ) {
    super(message);
  }
}

// Shopify signs a repeated parameter as its values joined with commas, while the app reads one
// of them: a shopper's own `?logged_in_customer_id=` beside Shopify's would pass as signed.
const SINGLE_PARAMETERS = ["shop", "logged_in_customer_id", "path_prefix", "timestamp", "signature"];

/**
 * Verifies an App Proxy request (the `signature` Shopify adds when it forwards
 * https://<shop>/apps/nps/... to the app) and returns the shop it came through.
 * Missing, wrong or stale signatures, and repeated parameters, throw ProxyAuthError.
 */
export async function verifyAppProxy(
  request: Request,
): Promise<{ shop: string; loggedInCustomerId: string | null; pathPrefix: string }> {
  const url = new URL(request.url);
  for (const name of SINGLE_PARAMETERS) {
    if (url.searchParams.getAll(name).length > 1) {
      throw new ProxyAuthError(`The ${name} parameter appears more than once: the request is refused.`, 400);
    }
  }
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
