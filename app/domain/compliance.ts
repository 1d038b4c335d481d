import { z } from "zod";
import { ShopifyIdSchema } from "./shopify-ids";

/** The shop's own domain, as Shopify names shops in headers: `<name>.myshopify.com`, lower case. */
export const ShopDomainSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,99}\.myshopify\.com$/, "must be a shop domain such as my-shop.myshopify.com");

const ComplianceCustomer = z.object({
  id: ShopifyIdSchema.nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
});

// The three compliance bodies share shop_id and shop_domain, and the HMAC covers the body only:
// strict objects keep a signed body of one topic from passing as another's (a data request
// replayed as shop/redact would erase the shop).

export const CustomersRedactSchema = z.strictObject({
  shop_id: ShopifyIdSchema,
  shop_domain: z.string().min(1),
  customer: ComplianceCustomer,
  orders_to_redact: z.array(ShopifyIdSchema).default([]),
});
export type CustomersRedact = z.infer<typeof CustomersRedactSchema>;

export const CustomersDataRequestSchema = z.strictObject({
  shop_id: ShopifyIdSchema,
  shop_domain: z.string().min(1),
  customer: ComplianceCustomer,
  orders_requested: z.array(ShopifyIdSchema).default([]),
  data_request: z.object({ id: ShopifyIdSchema }).optional(),
});
export type CustomersDataRequest = z.infer<typeof CustomersDataRequestSchema>;

export const ShopRedactSchema = z.strictObject({
  shop_id: ShopifyIdSchema,
  shop_domain: z.string().min(1),
});

/** A downloaded data request's copy is purged this long after its first download. */
export const DATA_REQUEST_KEPT_DAYS = 30;

export type DataRequestStatus = "ready" | "downloaded" | "purged";

export interface DataRequestRow {
  id: number;
  shopifyCustomerId: string | null;
  email: string | null;
  ordersRequested: number;
  createdAt: string;
  downloadedAt: string | null;
  /** When the copy goes (30 days after the first download), or went. */
  purgeAt: string | null;
  status: DataRequestStatus;
}
