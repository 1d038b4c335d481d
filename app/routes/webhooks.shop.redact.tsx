import type { ActionFunctionArgs } from "@remix-run/node";
import { ShopRedactSchema } from "../domain/compliance";
import { redactShop } from "../models/compliance.server";
import { handleWebhook } from "../webhooks.server";

export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, ShopRedactSchema, (tx, _payload, webhook) => redactShop(tx, webhook.shop));
