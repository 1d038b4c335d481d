import type { ActionFunctionArgs } from "@remix-run/node";
import { CustomersRedactSchema } from "../domain/compliance";
import { redactCustomer } from "../models/compliance.server";
import { handleWebhook } from "../webhooks.server";

export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, CustomersRedactSchema, (tx, payload, webhook) => redactCustomer(tx, webhook.shop, payload));
