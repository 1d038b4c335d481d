import { z } from "zod";
import { CustomersDataRequestSchema, CustomersRedactSchema, ShopRedactSchema } from "./domain/compliance";
import { OrderPayloadSchema, toOrderSnapshot } from "./domain/order-snapshot";
import { ShopifyIdSchema } from "./domain/shopify-ids";
import type { Prisma } from "./generated/prisma/client";
import {
  assembleCustomerData,
  clearBodiesOfRedactedOrders,
  redactCustomer,
  redactShop,
} from "./models/compliance.server";
import { applySubscriptionUpdate, endPlanOnUninstall, SubscriptionUpdateSchema } from "./models/billing.server";
import { recordBulkOperationFinished } from "./models/history-import.server";
import { type DueSend, ingestOrderBatch, scheduleInvitations } from "./models/order-ingest.server";
import { markDelivered } from "./models/orders.server";
import { markUninstalled, updateScopes } from "./models/shops.server";

type Tx = Prisma.TransactionClient;

export interface Received<T> {
  deliveryId: bigint;
  topic: string;
  payload: T;
}

interface TopicHandler<S extends z.ZodType> {
  /** The fields of the payload the app uses; anything else is ignored. */
  schema: S;
  /** Orders of one shop are applied together, set-based; other topics one by one. */
  batch: "orders" | "single";
  apply: (tx: Tx, shop: string, deliveries: Received<z.output<S>>[]) => Promise<DueSend[]>;
  /**
   * The shop the body itself names, where it names one: it must be the shop of the
   * X-Shopify-Shop-Domain header, which the HMAC does not cover.
   */
  shopInBody?: (payload: z.output<S>) => string | null | undefined;
}

const topic = <S extends z.ZodType>(handler: TopicHandler<S>) => handler;

const orders = topic({
  schema: OrderPayloadSchema,
  batch: "orders",
  apply: async (tx, shop, deliveries) => {
    const snapshots = deliveries.map((d) =>
      toOrderSnapshot(d.payload, { fulfilledTopic: d.topic === "orders/fulfilled" }),
    );
    const { ids, redacted } = await ingestOrderBatch(tx, shop, snapshots);
    if (redacted.size > 0) {
      await clearBodiesOfRedactedOrders(
        tx,
        shop,
        deliveries
          .map((d, i) => ({ deliveryId: d.deliveryId, orderShopifyId: snapshots[i]!.shopifyId }))
          .filter((d) => redacted.has(d.orderShopifyId)),
      );
    }
    return scheduleInvitations(tx, shop, ids, undefined, {
      noneCancelled: snapshots.every((o) => o.cancelledAt === null),
      // Orders' own payloads never report a delivery: a fulfillment event does.
      noDeliveryReported: true,
    });
  },
});

const FulfillmentEventSchema = z.object({
  id: ShopifyIdSchema,
  order_id: ShopifyIdSchema,
  status: z.string().min(1),
  happened_at: z.iso.datetime({ offset: true }).nullish(),
  created_at: z.iso.datetime({ offset: true }),
});

const BulkOperationFinishSchema = z.object({
  admin_graphql_api_id: z.string().startsWith("gid://shopify/BulkOperation/"),
  status: z.string().min(1),
  error_code: z.string().nullish(),
  completed_at: z.iso.datetime({ offset: true }).nullish(),
  type: z.string().optional(),
});

const none = async () => [] as DueSend[];

/** Every webhook topic the app subscribes to (shopify.app.toml), and what it does. */
export const TOPICS = {
  "orders/create": orders,
  "orders/fulfilled": orders,
  "orders/cancelled": orders,
  // Refunds and edits change the order's current total, which RFM's monetary value uses.
  "orders/updated": orders,
  "fulfillment_events/create": topic({
    schema: FulfillmentEventSchema,
    batch: "single",
    apply: async (tx, shop, [event]) => {
      // A carrier or app reported the parcel delivered: the post-delivery survey follows it.
      if (!event) return [];
      if (event.payload.status !== "delivered") {
        await clearBodiesOfRedactedOrders(tx, shop, [
          { deliveryId: event.deliveryId, orderShopifyId: event.payload.order_id },
        ]);
        return [];
      }
      const at = new Date(event.payload.happened_at ?? event.payload.created_at);
      const order = await markDelivered(tx, shop, event.payload.order_id, at);
      // The event carries the shipping address: for a redacted order, its body goes now.
      await clearBodiesOfRedactedOrders(tx, shop, [
        { deliveryId: event.deliveryId, orderShopifyId: event.payload.order_id },
      ]);
      return order ? scheduleInvitations(tx, shop, [order.id]) : [];
    },
  }),
  "bulk_operations/finish": topic({
    schema: BulkOperationFinishSchema,
    batch: "single",
    apply: async (tx, shop, [op]) => {
      if (op) {
        await recordBulkOperationFinished(tx, shop, {
          bulkOperationId: op.payload.admin_graphql_api_id,
          status: op.payload.status,
          errorCode: op.payload.error_code ?? null,
        });
      }
      return [];
    },
  }),
  // The payload is the shop resource; only the fact of the delivery matters. Its
  // myshopify_domain key tells it from other topics' bodies (null in Shopify's example).
  "app/uninstalled": topic({
    schema: z.object({ myshopify_domain: z.string().nullable() }).loose(),
    batch: "single",
    shopInBody: (shop) => shop.myshopify_domain,
    apply: async (tx, shop) => {
      await markUninstalled(shop, tx);
      await endPlanOnUninstall(tx, shop, new Date());
      return [];
    },
  }),
  // Shopify App Pricing: the merchant chose, changed or ended a plan (or Shopify froze it).
  "app_subscriptions/update": topic({
    schema: SubscriptionUpdateSchema,
    batch: "single",
    apply: async (tx, shop, [update]) => {
      if (update) await applySubscriptionUpdate(tx, shop, update.payload, new Date());
      return [];
    },
  }),
  "app/scopes_update": topic({
    schema: z.object({ current: z.array(z.string()) }),
    batch: "single",
    apply: async (tx, shop, [update]) => {
      if (update) await updateScopes(shop, update.payload.current, tx);
      return [];
    },
  }),
  "customers/redact": topic({
    schema: CustomersRedactSchema,
    batch: "single",
    shopInBody: (request) => request.shop_domain,
    apply: async (tx, shop, [request]) => {
      if (request) await redactCustomer(tx, shop, request.payload, { deliveryId: request.deliveryId });
      return [];
    },
  }),
  "customers/data_request": topic({
    schema: CustomersDataRequestSchema,
    batch: "single",
    shopInBody: (request) => request.shop_domain,
    apply: async (tx, shop, [request]) => {
      if (request) await assembleCustomerData(tx, shop, request.payload, { deliveryId: request.deliveryId });
      return [];
    },
  }),
  "shop/redact": topic({
    schema: ShopRedactSchema,
    batch: "single",
    shopInBody: (request) => request.shop_domain,
    apply: async (tx, shop, [request]) => {
      await redactShop(tx, shop, { deliveryId: request?.deliveryId });
      return none();
    },
  }),
} as const;

export type Topic = keyof typeof TOPICS;

export function isTopic(name: string): name is Topic {
  return Object.hasOwn(TOPICS, name);
}
