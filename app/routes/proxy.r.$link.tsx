import type { LoaderFunctionArgs } from "@remix-run/node";
import { offlineAdmin } from "../admin.server";
import { SHOPPER_TEXTS } from "../domain/shopper-texts";
import { followShareLink, productHandle } from "../models/advocacy.server";
import { ProxyAuthError, verifyAppProxy } from "../proxy.server";
import { renderMessagePage } from "../survey/page";
import { liquid, refused } from "../survey/responses.server";

// https://<shop>/apps/nps/r/<signed link>: the share step's review and referral links. The
// link names an answer, never an address, so it cannot send anyone elsewhere (no open redirect).
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  let shop: string;
  try {
    ({ shop } = await verifyAppProxy(request));
  } catch (error) {
    if (error instanceof ProxyAuthError) return refused(error);
    throw error;
  }
  const result = await followShareLink(shop, params.link ?? "", async (productId) =>
    productHandle(await offlineAdmin(shop), productId),
  );
  if ("location" in result) {
    return new Response(null, {
      status: 302,
      headers: { location: result.location, "cache-control": "no-store", "referrer-policy": "no-referrer" },
    });
  }
  const locale = result.locale ?? "en";
  return liquid(renderMessagePage(locale, SHOPPER_TEXTS[locale].share.linkGone), result.status);
};
