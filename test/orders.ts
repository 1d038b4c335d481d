import { examplePayload } from "./shopify";

// Fixtures are JSON that tests reshape freely, field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Payload = Record<string, any>;

let nextId = 5_000_000_000_000n;

/**
 * Shopify's documented orders/create example, made into a live order (the example is a
 * cancelled test order) with a fresh id, then changed by `change`.
 */
export function orderPayload(change: (p: Payload) => void = () => {}): Payload {
  const p = examplePayload("orders/create") as Payload;
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
