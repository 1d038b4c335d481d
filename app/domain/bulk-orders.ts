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
// No leading zero: gid://shopify/Order/5 and …/005 would be two rows to the import and one to
// the database.
const Gid = (type: string) =>
  z.string().regex(new RegExp(`^gid://shopify/${type}/[1-9]\\d{0,17}$`), `must be a gid://shopify/${type}/<id>`);
// numeric(14, 2): at most 12 digits before the point once rounded.
const Amount = z.string().regex(/^-?\d{1,11}(\.\d+)?$/, "must be an amount such as 12.50");
// Within years JavaScript and the database both read back: 0001-01-01T00:00:00+01:00 is a
// date BC to PostgreSQL, and 9999-12-31T23:59:59.999-14:00 the year 10000.
const Timestamp = z.iso.datetime({ offset: true }).refine((s) => {
  const t = Date.parse(s);
  return t >= Date.UTC(1970, 0, 1) && t < Date.UTC(2200, 0, 1);
}, "must be a date between 1970 and 2199");
// PostgreSQL's text cannot hold a NUL character.
const Text = z.string().refine((s) => !s.includes("\u0000"), "must not contain a NUL character");
// Indexed columns hold at most 2,704 bytes an entry: a longer value would fail its whole chunk.
const Email = Text.max(320);
const Short = Text.max(255);

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
  displayFulfillmentStatus: Short.nullish(),
  customerLocale: Short.nullish(),
  email: Email.nullish(),
  currentTotalPriceSet: z.object({ shopMoney: z.object({ amount: Amount, currencyCode: Text.length(3) }) }),
  totalPriceSet: z.object({ shopMoney: z.object({ amount: Amount, currencyCode: Text.length(3) }) }),
  customer: z.object({ id: Gid("Customer") }).nullish(),
  shippingAddress: z.object({ countryCodeV2: Short.nullish() }).nullish(),
});

export const BulkLineRowSchema = z.object({
  id: Gid("LineItem"),
  vendor: Short.nullish(),
  quantity: z.number().int().nonnegative().max(2_147_483_647),
  product: z.object({ id: Gid("Product") }).nullish(),
  originalTotalSet: z.object({ shopMoney: z.object({ amount: Amount }) }),
  __parentId: Gid("Order"),
});

export type BulkOrderRow = z.infer<typeof BulkOrderRowSchema>;
export type BulkLineRow = z.infer<typeof BulkLineRowSchema>;
