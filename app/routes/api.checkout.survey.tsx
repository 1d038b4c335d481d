import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { extensionAnswer, extensionSurvey, fromSessionToken } from "../extension-api.server";
import { authenticate } from "../shopify.server";

// The thank-you page extension (purchase.thank-you.block.render): the pre-delivery question.
async function verify(request: Request) {
  const { sessionToken, cors } = await authenticate.public.checkout(request);
  return { ...fromSessionToken(sessionToken), cors };
}

export const loader = async ({ request }: LoaderFunctionArgs) =>
  extensionSurvey(request, await verify(request), "THANK_YOU");

export const action = async ({ request }: ActionFunctionArgs) =>
  extensionAnswer(request, await verify(request), "THANK_YOU");
