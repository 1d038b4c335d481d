import { z } from "zod";
import { ShopifyIdSchema } from "./shopify-ids";

const ComplianceCustomer = z.object({
  id: ShopifyIdSchema.nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
});

export const CustomersRedactSchema = z.object({
  shop_id: ShopifyIdSchema,
  shop_domain: z.string().min(1),
  customer: ComplianceCustomer,
  orders_to_redact: z.array(ShopifyIdSchema).default([]),
});
export type CustomersRedact = z.infer<typeof CustomersRedactSchema>;

export const CustomersDataRequestSchema = z.object({
  shop_id: ShopifyIdSchema,
  shop_domain: z.string().min(1),
  customer: ComplianceCustomer,
  orders_requested: z.array(ShopifyIdSchema).default([]),
  data_request: z.object({ id: ShopifyIdSchema }).optional(),
});
export type CustomersDataRequest = z.infer<typeof CustomersDataRequestSchema>;

export const ShopRedactSchema = z.object({
  shop_id: ShopifyIdSchema,
  shop_domain: z.string().min(1),
});
