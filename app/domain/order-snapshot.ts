import { z } from "zod";
import { idFromGid, ShopifyIdSchema } from "./shopify-ids";

const Money = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const text = String(v).trim();
  if (!/^-?\d+(\.\d+)?$/.test(text)) {
    ctx.addIssue({ code: "custom", message: `not an amount: ${text}` });
    return z.NEVER;
  }
  return text;
});
const MoneySet = z.object({ shop_money: z.object({ amount: Money, currency_code: z.string().length(3) }) });
const Timestamp = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const OptionalText = z
  .string()
  .nullish()
  .transform((s) => (s && s.trim() !== "" ? s : null));
const Gid = z.string().startsWith("gid://shopify/");

const CustomerPayloadSchema = z.object({
  id: ShopifyIdSchema,
  admin_graphql_api_id: Gid.optional(),
  email: OptionalText,
  first_name: OptionalText,
  last_name: OptionalText,
  locale: OptionalText,
  updated_at: Timestamp.nullish(),
});

const LineItemPayloadSchema = z.object({
  id: ShopifyIdSchema.nullish(),
  admin_graphql_api_id: Gid.optional(),
  product_id: ShopifyIdSchema.nullish(),
  vendor: OptionalText,
  title: OptionalText,
  name: OptionalText,
  quantity: z.number().int().nonnegative(),
  price: Money,
  price_set: MoneySet.nullish(),
});

const AddressSchema = z.object({ country_code: z.string().trim().nullish() }).nullish();

/** The fields of a REST order payload (orders/* webhooks) that this app uses. */
export const OrderPayloadSchema = z.object({
  id: ShopifyIdSchema,
  admin_graphql_api_id: Gid.optional(),
  name: z.string().min(1),
  confirmation_number: OptionalText,
  email: OptionalText,
  contact_email: OptionalText,
  customer_locale: OptionalText,
  created_at: Timestamp,
  updated_at: Timestamp,
  processed_at: Timestamp.nullish(),
  cancelled_at: Timestamp.nullish(),
  test: z.boolean().default(false),
  currency: z.string().length(3),
  current_total_price: Money,
  current_total_price_set: MoneySet.nullish(),
  total_price: Money,
  total_price_set: MoneySet.nullish(),
  fulfillment_status: OptionalText,
  fulfillments: z
    .array(z.object({ created_at: Timestamp, status: z.string().nullish() }))
    .nullish()
    .transform((f) => f ?? []),
  customer: CustomerPayloadSchema.nullish(),
  // Only read to credit the app's own codes: an entry without a usable code is left out,
  // never a reason to refuse the order.
  discount_codes: z
    .array(z.unknown())
    .nullish()
    .catch(null)
    .transform((d) =>
      (d ?? []).flatMap((entry) => {
        const code = (entry as { code?: unknown } | null)?.code;
        return typeof code === "string" && code.trim() !== "" && code.length <= 255 ? [code] : [];
      }),
    ),
  line_items: z.array(LineItemPayloadSchema),
  shipping_address: AddressSchema,
  billing_address: AddressSchema,
});
export type OrderPayload = z.infer<typeof OrderPayloadSchema>;

export interface CustomerSnapshot {
  shopifyId: bigint;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  locale: string | null;
  updatedAt: Date | null;
}

export interface OrderLineSnapshot {
  shopifyLineId: bigint | null;
  productId: bigint | null;
  vendor: string | null;
  title: string | null;
  quantity: number;
  /** Unit price in shop currency; the line amount is unitPrice x quantity, computed in SQL numeric. */
  unitPrice: string;
}

export interface OrderSnapshot {
  shopifyId: bigint;
  name: string;
  /** Shopify's random confirmation number of the order (null in history imports). */
  confirmationNumber: string | null;
  email: string | null;
  locale: string | null;
  currency: string;
  currentTotal: string;
  totalPrice: string;
  countryCode: string | null;
  test: boolean;
  fulfillmentStatus: string | null;
  createdAt: Date;
  processedAt: Date | null;
  updatedAt: Date;
  cancelledAt: Date | null;
  fulfilledAt: Date | null;
  customer: CustomerSnapshot | null;
  lines: OrderLineSnapshot[];
  /** The discount codes entered at checkout (absent from history imports). */
  discountCodes?: string[];
}

// Ids inside admin_graphql_api_id are exact; numeric ids may have been rounded by a JSON parser.
function exactId(id: bigint, gidValue: string | undefined, type: string): bigint {
  return gidValue ? idFromGid(gidValue, type) : id;
}

/**
 * Normalises a validated order payload. `fulfilledTopic` is true for orders/fulfilled,
 * whose arrival itself says the order was fulfilled.
 */
export function toOrderSnapshot(p: OrderPayload, options: { fulfilledTopic?: boolean } = {}): OrderSnapshot {
  const fulfilled = options.fulfilledTopic || p.fulfillment_status === "fulfilled";
  const successful = p.fulfillments.filter((f) => !f.status || f.status === "success");
  const lastFulfillment = successful.reduce<Date | null>(
    (latest, f) => (!latest || f.created_at > latest ? f.created_at : latest),
    null,
  );
  const customer = p.customer
    ? {
        shopifyId: exactId(p.customer.id, p.customer.admin_graphql_api_id, "Customer"),
        email: p.customer.email,
        firstName: p.customer.first_name,
        lastName: p.customer.last_name,
        locale: p.customer.locale,
        updatedAt: p.customer.updated_at ?? null,
      }
    : null;
  return {
    shopifyId: exactId(p.id, p.admin_graphql_api_id, "Order"),
    name: p.name,
    confirmationNumber: p.confirmation_number,
    email: p.email ?? p.contact_email ?? customer?.email ?? null,
    locale: p.customer_locale,
    currency: p.current_total_price_set?.shop_money.currency_code ?? p.currency,
    currentTotal: p.current_total_price_set?.shop_money.amount ?? p.current_total_price,
    totalPrice: p.total_price_set?.shop_money.amount ?? p.total_price,
    countryCode: p.shipping_address?.country_code || p.billing_address?.country_code || null,
    test: p.test,
    fulfillmentStatus: fulfilled ? "fulfilled" : p.fulfillment_status,
    createdAt: p.created_at,
    processedAt: p.processed_at ?? null,
    updatedAt: p.updated_at,
    cancelledAt: p.cancelled_at ?? null,
    fulfilledAt: fulfilled ? (lastFulfillment ?? p.updated_at) : null,
    customer,
    discountCodes: p.discount_codes,
    lines: p.line_items.map((l) => ({
      shopifyLineId: l.id != null ? exactId(l.id, l.admin_graphql_api_id, "LineItem") : null,
      productId: l.product_id ?? null,
      vendor: l.vendor,
      title: l.title ?? l.name,
      quantity: l.quantity,
      unitPrice: l.price_set?.shop_money.amount ?? l.price,
    })),
  };
}

/** Formats zod issues as one line per problem: `line_items.0.quantity: expected number`. */
export function describeIssues(error: z.ZodError, limit = 10): string {
  const lines = error.issues.slice(0, limit).map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`);
  if (error.issues.length > limit) lines.push(`…and ${error.issues.length - limit} more`);
  return lines.join("; ");
}
