import { describe, expect, it } from "vitest";
import { orderPayload } from "../../test/orders";
import { APP_URL, callAction, installShop, sessionToken, uniqueShop, webhookRequest } from "../../test/shopify";
import prisma from "../db.server";
import { DEFAULT_THEMES, type ThemeInput } from "../domain/theme-taxonomy";
import { recordAnswer } from "../models/answers.server";
import { classifyPendingComments, readThemeProgress } from "../models/themes.server";
import { thrownResponse } from "../../test/shopify";
import { action, loader } from "./app.settings_.themes";
import { loader as uncoveredLoader } from "./app.themes.no-theme";
import { action as ordersCreate } from "./webhooks.orders.create";

function adminRequest(shop: string, body?: unknown) {
  return new Request(`${APP_URL}/app/settings/themes?shop=${shop}&embedded=1`, {
    method: body === undefined ? "GET" : "POST",
    body: body === undefined ? undefined : new URLSearchParams({ body: JSON.stringify(body) }),
    headers: { authorization: `Bearer ${sessionToken(shop)}` },
  });
}

/** A shop with answers whose comments are already classified. */
async function shopWithComments(comments: string[]) {
  const shop = uniqueShop("themes");
  await installShop(shop);
  for (const [i, comment] of comments.entries()) {
    const order = orderPayload((p) => {
      const now = new Date().toISOString();
      p.created_at = p.processed_at = p.updated_at = now;
      p.customer.id = 8_500_000_000_000 + i;
      p.customer.admin_graphql_api_id = `gid://shopify/Customer/${8_500_000_000_000 + i}`;
    });
    const res = await callAction(ordersCreate, webhookRequest("orders/create", order, { shop }));
    expect(res.status).toBe(200);
    const inv = await prisma.surveyInvitation.findFirstOrThrow({
      where: { shop, order: { shopifyId: BigInt(order.id) }, stage: "PRE_DELIVERY" },
    });
    await recordAnswer({ invitationId: inv.id, score: 3, comment, channel: "EMAIL", locale: "nl" });
  }
  while ((await classifyPendingComments()) > 0);
  return shop;
}

const courier = (phrases: string[]): ThemeInput => ({
  key: "bpost",
  enabled: true,
  label: { en: "Bpost", fr: "Bpost", de: "", es: "", nl: "Bpost" },
  description: { en: "The Belgian courier", fr: "", de: "", es: "", nl: "" },
  phrases: { en: [], fr: [], de: [], es: [], nl: phrases },
});

describe("Settings → Themes", () => {
  it("previews a change on the latest comments, saves it, reads every comment again, and takes it back", async () => {
    const shop = await shopWithComments([
      "bpost heeft het pakket bij de buren gelegd",
      "De bpostbode was erg vriendelijk",
      "levering ging snel",
    ]);
    const preview = await callAction(action, adminRequest(shop, { intent: "preview", theme: courier(["bpost*"]) }));
    expect(preview.status).toBe(200);
    expect(await preview.json()).toMatchObject({
      ok: true,
      preview: {
        read: 3,
        comments: 3,
        added: 2,
        removed: 0,
        addedExamples: [{ words: ["bpostbode"] }, { words: ["bpost"] }],
      },
    });
    // A preview writes nothing.
    expect(await prisma.shopTheme.count({ where: { shop } })).toBe(0);

    const before = await prisma.shop.findUniqueOrThrow({ where: { domain: shop } });
    const saved = await callAction(action, adminRequest(shop, { intent: "save", theme: courier(["bpost*"]) }));
    expect(saved.status).toBe(200);
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).themesVersion).toBe(
      before.themesVersion + 1,
    );
    expect(await readThemeProgress(shop)).toEqual({ comments: 3, pending: 3 });
    while ((await classifyPendingComments()) > 0);
    expect(await prisma.responseTheme.count({ where: { shop, theme: "bpost" } })).toBe(2);
    const page = await loader({ request: adminRequest(shop), params: {}, context: {} });
    expect(page.changed).toEqual(["bpost"]);
    expect(page.themes.at(-1)).toMatchObject({ key: "bpost", label: { en: "Bpost" } });

    // Switching a default theme off takes it out of every comment once they are read again.
    const delivery = { ...DEFAULT_THEMES.find((t) => t.key === "delivery_time")!, enabled: false };
    expect((await callAction(action, adminRequest(shop, { intent: "save", theme: delivery }))).status).toBe(200);
    while ((await classifyPendingComments()) > 0);
    expect(await prisma.responseTheme.count({ where: { shop, theme: "delivery_time" } })).toBe(0);

    // Deleting the shop's own theme takes its assignments with it.
    expect((await callAction(action, adminRequest(shop, { intent: "reset", key: "bpost" }))).status).toBe(200);
    expect((await callAction(action, adminRequest(shop, { intent: "reset", key: "delivery_time" }))).status).toBe(200);
    while ((await classifyPendingComments()) > 0);
    expect(await prisma.shopTheme.count({ where: { shop } })).toBe(0);
    expect(await prisma.responseTheme.count({ where: { shop, theme: "bpost" } })).toBe(0);
    expect(await prisma.responseTheme.count({ where: { shop, theme: "delivery_time" } })).toBe(1);
  });

  it("refuses a malformed theme with 422 and what was wrong, and a reset of nothing with 404, changing nothing", async () => {
    const shop = await shopWithComments(["te laat"]);
    const bad = {
      ...courier(["  ", "x".repeat(81)]),
      key: "Bad Key",
      label: { en: "", fr: "", de: "", es: "", nl: "" },
    };
    const res = await callAction(action, adminRequest(shop, { intent: "save", theme: bad }));
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: Record<string, string> };
    expect(body.errors).toMatchObject({
      key: expect.stringContaining("lower-case"),
      "label.en": "needs an English name",
      "phrases.nl.0": "a phrase cannot be empty",
      "phrases.nl.1": "a phrase can be at most 80 characters",
    });
    const garbled = await callAction(
      action,
      new Request(`${APP_URL}/app/settings/themes?shop=${shop}&embedded=1`, {
        method: "POST",
        body: new URLSearchParams({ body: "{not json" }),
        headers: { authorization: `Bearer ${sessionToken(shop)}` },
      }),
    );
    expect(garbled.status).toBe(400);
    const nothing = await callAction(action, adminRequest(shop, { intent: "reset", key: "packaging" }));
    expect(nothing.status).toBe(404);
    expect(await prisma.shopTheme.count({ where: { shop } })).toBe(0);
    expect(await readThemeProgress(shop)).toEqual({ comments: 1, pending: 0 });
  });

  it("refuses a new theme whose key the shop has already with 409, and keeps a phrase written twice once", async () => {
    const shop = await shopWithComments(["de doos was kapot"]);
    const packaging = DEFAULT_THEMES.find((t) => t.key === "packaging")!;
    // "Add a theme" named Packaging: it must not replace the shipped one and its phrases.
    const clash = { ...courier(["doos"]), key: "packaging", label: { ...packaging.label } };
    for (const intent of ["preview", "save"] as const) {
      const res = await callAction(action, adminRequest(shop, { intent, theme: clash, isNew: true }));
      expect(res.status).toBe(409);
      expect(((await res.json()) as { errors: Record<string, string> }).errors["label.en"]).toContain("exists already");
    }
    expect(await prisma.shopTheme.count({ where: { shop } })).toBe(0);
    expect(await readThemeProgress(shop)).toEqual({ comments: 1, pending: 0 });
    // The same phrase three hundred times is one phrase.
    const repeated = courier(Array.from({ length: 300 }, (_, i) => (i % 2 ? "Bpost" : "bpost")));
    const saved = await callAction(action, adminRequest(shop, { intent: "save", theme: repeated, isNew: true }));
    expect(saved.status).toBe(200);
    const row = await prisma.shopTheme.findUniqueOrThrow({ where: { shop_key: { shop, key: "bpost" } } });
    expect((row.phrases as Record<string, string[]>).nl).toEqual(["Bpost"]);
  });

  it("finds what no theme covers and proposes it as a theme, prefilled", async () => {
    const shop = await shopWithComments([
      "de rits blijft klemmen bij het sluiten",
      "rits gaat steeds open",
      "de rits van de tas klemt",
      "mooie tas, de rits blijft haken",
      "levering ging snel",
      "pakket was te laat",
      "de klantenservice reageerde niet",
    ]);
    const get = (path: string) =>
      new Request(`${APP_URL}${path}${path.includes("?") ? "&" : "?"}shop=${shop}&embedded=1`, {
        headers: { authorization: `Bearer ${sessionToken(shop)}` },
      });
    const found = await uncoveredLoader({ request: get("/app/themes/no-theme?range=all"), params: {}, context: {} });
    expect(found.found).toMatchObject({ commented: 7, uncovered: 4 });
    const zip = found.found.phrases.find((p) => p.phrase === "rits")!;
    expect(zip).toMatchObject({ language: "nl", comments: 4, elsewhere: 0 });
    expect(zip.exampleComments).toHaveLength(3);
    expect(zip.exampleComments[0]!.comment).toBe("mooie tas, de rits blijft haken");

    const page = await loader({ request: get("/app/settings/themes?add=rits&language=nl"), params: {}, context: {} });
    expect(page.proposal).toEqual({ add: "rits", language: "nl" });
    const refused = await thrownResponse(
      loader({ request: get("/app/settings/themes?add=rits&language=it"), params: {}, context: {} }),
    );
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("language");
    const empty = await thrownResponse(loader({ request: get("/app/settings/themes?add="), params: {}, context: {} }));
    expect(empty.status).toBe(400);
  });
});
