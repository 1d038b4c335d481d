import { describe, expect, it } from "vitest";
import { APP_URL, callAction, installShop, sessionToken, uniqueShop } from "../../test/shopify";
import { action, loader } from "./app.history";

const request = (shop: string, init: RequestInit = {}) =>
  new Request(`${APP_URL}/app/history?shop=${shop}&embedded=1`, {
    ...init,
    headers: { authorization: `Bearer ${sessionToken(shop)}` },
  });

describe("the order history page", () => {
  it("shows that no import ran yet, and recomputes segments on demand", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    expect(await loader({ request: request(shop), params: {}, context: {} })).toMatchObject({
      run: null,
      canImport: true,
    });
    const res = await callAction(
      action,
      request(shop, { method: "POST", body: new URLSearchParams({ intent: "rfm" }) }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ message: "0 customers scored, 0 prospects." });
  });

  it("answers an unknown action with 400", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    const res = await callAction(
      action,
      request(shop, { method: "POST", body: new URLSearchParams({ intent: "drop" }) }),
    );
    expect(res.status).toBe(400);
  });
});
