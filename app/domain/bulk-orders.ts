import { z } from "zod";

/**
 * The query of the order-history Bulk Operation. Its JSONL has one row per order, then
 * (anywhere after it) one row per line item carrying `__parentId`.
 */
export const BULK_ORDERS_QUERY = `#graphql
  query BulkOrderHistory {
    orders {
      edges {
        node {
          id
          name
          createdAt
          processedAt
          updatedAt
          cancelledAt
          test
          displayFulfillmentStatus
          customerLocale
          email
          currentTotalPriceSet { shopMoney { amount currencyCode } }
          totalPriceSet { shopMoney { amount currencyCode } }
          customer { id }
          shippingAddress { countryCodeV2 }
          lineItems {
            edges {
              node {
                id
                vendor
                quantity
                product { id }
                originalTotalSet { shopMoney { amount } }
              }
            }
          }
        }
      }
    }
  }
`;

// Validation only, no transforms: the import sends the strings on to PostgreSQL's COPY, which
// converts them (zod's transforms to BigInt and Date cost more than parsing the JSON). Every
// bound here is one the database would otherwise refuse for the whole chunk.
const Gid = (type: string) =>
  z.string().regex(new RegExp(`^gid://shopify/${type}/\\d{1,18}$`), `must be a gid://shopify/${type}/<id>`);
// numeric(14, 2): at most 12 digits before the point once rounded.
const Amount = z.string().regex(/^-?\d{1,11}(\.\d+)?$/, "must be an amount such as 12.50");
const Timestamp = z.iso.datetime({ offset: true });
// PostgreSQL's text cannot hold a NUL character.
const Text = z.string().refine((s) => !s.includes("\u0000"), "must not contain a NUL character");

/** The number in a Shopify gid (gid://shopify/Order/123 -> "123"), once the schema accepted it. */
export const gidNumber = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);

export const BulkOrderRowSchema = z.object({
  id: Gid("Order"),
  name: Text.min(1),
  createdAt: Timestamp,
  processedAt: Timestamp.nullish(),
  updatedAt: Timestamp,
  cancelledAt: Timestamp.nullish(),
  test: z.boolean(),
  displayFulfillmentStatus: Text.nullish(),
  customerLocale: Text.nullish(),
  email: Text.nullish(),
  currentTotalPriceSet: z.object({ shopMoney: z.object({ amount: Amount, currencyCode: Text.length(3) }) }),
  totalPriceSet: z.object({ shopMoney: z.object({ amount: Amount, currencyCode: Text.length(3) }) }),
  customer: z.object({ id: Gid("Customer") }).nullish(),
  shippingAddress: z.object({ countryCodeV2: Text.nullish() }).nullish(),
});

export const BulkLineRowSchema = z.object({
  id: Gid("LineItem"),
  vendor: Text.nullish(),
  quantity: z.number().int().nonnegative().max(2_147_483_647),
  product: z.object({ id: Gid("Product") }).nullish(),
  originalTotalSet: z.object({ shopMoney: z.object({ amount: Amount }) }),
  __parentId: Gid("Order"),
});

export type BulkOrderRow = z.infer<typeof BulkOrderRowSchema>;
export type BulkLineRow = z.infer<typeof BulkLineRowSchema>;
