import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { env } from "../env.server";

// Shopify opens the app at / with ?shop=…; the demo has no such parameter.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop") || env().DEMO_MODE) {
    throw redirect(`/app${url.search}`);
  }
  throw redirect("/auth/login");
};
