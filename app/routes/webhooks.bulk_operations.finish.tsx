import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { recordBulkOperationFinished } from "../models/history-import.server";
import { handleWebhook } from "../webhooks.server";

const BulkOperationFinishSchema = z.object({
  admin_graphql_api_id: z.string().startsWith("gid://shopify/BulkOperation/"),
  status: z.string().min(1),
  error_code: z.string().nullish(),
  completed_at: z.iso.datetime({ offset: true }).nullish(),
  type: z.string().optional(),
});

export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhook(request, BulkOperationFinishSchema, (tx, op, webhook) =>
    recordBulkOperationFinished(tx, webhook.shop, {
      bulkOperationId: op.admin_graphql_api_id,
      status: op.status,
      errorCode: op.error_code ?? null,
    }),
  );
