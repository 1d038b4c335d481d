import type { ActionFunctionArgs } from "@remix-run/node";
import { CustomersDataRequestSchema } from "../domain/compliance";
import { assembleCustomerData } from "../models/compliance.server";
import { handleWebhook } from "../webhooks.server";

export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, CustomersDataRequestSchema, (tx, payload, webhook) =>
    assembleCustomerData(tx, webhook.shop, payload),
  );
