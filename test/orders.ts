import { examplePayload } from "./shopify";

let nextId = 5_000_000_000_000n;

/**
 * Shopify's documented orders/create example, made into a live order (the example is a
 * cancelled test order) with a fresh id, then changed by `change`.
 */
export function orderPayload(change: (p: Record<string, any>) => void = () => {}): Record<string, any> {
  const p = examplePayload("orders/create") as Record<string, any>;
  const id = nextId++;
  p.id = id;
  p.admin_graphql_api_id = `gid://shopify/Order/${id}`;
  p.name = `#${1000 + Number(id % 100000n)}`;
  p.cancelled_at = null;
  p.cancel_reason = null;
  p.test = false;
  p.financial_status = "paid";
  change(p);
  return p;
}
