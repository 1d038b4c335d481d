import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { markUninstalled } from "../models/shops.server";
import { handleWebhook } from "../webhooks.server";

// The payload is the shop resource; only the fact of the delivery matters here.
export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, z.object({}).loose(), (tx, _payload, webhook) => markUninstalled(webhook.shop, tx));
