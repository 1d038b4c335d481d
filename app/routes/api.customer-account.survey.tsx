import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { extensionAnswer, extensionSurvey, fromSessionToken } from "../extension-api.server";
import { authenticate } from "../shopify.server";

// The order status page extension (customer-account.order-status.block.render): whichever
// stage is open, for the logged-in customer's own order.
async function verify(request: Request) {
  const { sessionToken, cors } = await authenticate.public.customerAccount(request);
  return { ...fromSessionToken(sessionToken), cors };
}

export const loader = async ({ request }: LoaderFunctionArgs) =>
  extensionSurvey(request, await verify(request), "ORDER_STATUS");

export const action = async ({ request }: ActionFunctionArgs) =>
  extensionAnswer(request, await verify(request), "ORDER_STATUS");
