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

const Gid = (type: string) =>
  z
    .string()
    .regex(new RegExp(`^gid://shopify/${type}/\\d+$`), `must be a gid://shopify/${type}/<id>`)
    .transform((g) => BigInt(g.slice(g.lastIndexOf("/") + 1)));
const Amount = z.string().regex(/^-?\d+(\.\d+)?$/, "must be an amount such as 12.50");
const Timestamp = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

export const BulkOrderRowSchema = z.object({
  id: Gid("Order"),
  name: z.string().min(1),
  createdAt: Timestamp,
  processedAt: Timestamp.nullish(),
  updatedAt: Timestamp,
  cancelledAt: Timestamp.nullish(),
  test: z.boolean(),
  displayFulfillmentStatus: z.string().nullish(),
  customerLocale: z.string().nullish(),
  email: z.string().nullish(),
  currentTotalPriceSet: z.object({ shopMoney: z.object({ amount: Amount, currencyCode: z.string().length(3) }) }),
  totalPriceSet: z.object({ shopMoney: z.object({ amount: Amount, currencyCode: z.string().length(3) }) }),
  customer: z.object({ id: Gid("Customer") }).nullish(),
  shippingAddress: z.object({ countryCodeV2: z.string().nullish() }).nullish(),
});

export const BulkLineRowSchema = z.object({
  id: Gid("LineItem"),
  vendor: z.string().nullish(),
  quantity: z.number().int().nonnegative(),
  product: z.object({ id: Gid("Product") }).nullish(),
  originalTotalSet: z.object({ shopMoney: z.object({ amount: Amount }) }),
  __parentId: Gid("Order"),
});

export type BulkOrderRow = z.infer<typeof BulkOrderRowSchema>;
export type BulkLineRow = z.infer<typeof BulkLineRowSchema>;
