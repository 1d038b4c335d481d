import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { ShopifyIdSchema } from "../domain/shopify-ids";
import { recordDelivery } from "../models/order-events.server";
import { handleWebhook } from "../webhooks.server";

const FulfillmentEventSchema = z.object({
  id: ShopifyIdSchema,
  order_id: ShopifyIdSchema,
  status: z.string().min(1),
  happened_at: z.iso.datetime({ offset: true }).nullish(),
  created_at: z.iso.datetime({ offset: true }),
});

export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, FulfillmentEventSchema, async (tx, event, webhook) => {
    if (event.status !== "delivered") return { known: true, sends: [] };
    return recordDelivery(tx, webhook.shop, event.order_id, new Date(event.happened_at ?? event.created_at));
  });
