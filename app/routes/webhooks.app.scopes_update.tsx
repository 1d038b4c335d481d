import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { updateScopes } from "../models/shops.server";
import { handleWebhook } from "../webhooks.server";

const ScopesUpdateSchema = z.object({ current: z.array(z.string()) });

export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, ScopesUpdateSchema, (tx, payload, webhook) => updateScopes(webhook.shop, payload.current, tx));
