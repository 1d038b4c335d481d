import { createWriteStream } from "node:fs";

/**
 * An order-history file shaped as the Bulk Operation over orders writes it (app/domain/bulk-orders.ts):
 * one row per order, then its line rows carrying `__parentId`. Deterministic for a given size:
 * 1 to 9 lines per order (5 on average), a customer for most orders (one per four orders),
 * three currencies' worth of countries, ten vendors, one order in fifty cancelled.
 */
export async function writeHistoryJsonl(file: string, rows: number, firstOrderId = 1): Promise<{ orders: number }> {
  const out = createWriteStream(file);
  // mulberry32: small, fast and evenly spread.
  let seed = 42;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const customers = Math.max(1, Math.round(rows / 24));
  const countries = ["GB", "DE", "FR", "US", "NL", "ES", "IE", "BE"];
  const start = Date.parse("2023-01-01T00:00:00Z");
  const span = Date.parse("2026-11-01T00:00:00Z") - start;
  let buffer = "";
  let written = 0;
  let orders = 0;
  const flush = async () => {
    if (!out.write(buffer)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    buffer = "";
  };
  for (let id = firstOrderId; written < rows; id++) {
    const lineCount = Math.min(1 + Math.floor(random() * 9), rows - written - 1);
    const lines = [];
    let total = 0;
    for (let k = 0; k < lineCount; k++) {
      const quantity = 1 + Math.floor(random() * 4);
      const cents = quantity * (199 + Math.floor(random() * 9800));
      total += cents;
      lines.push({ quantity, cents, product: 1 + Math.floor(random() * 2000) });
    }
    const at = new Date(start + Math.floor(random() * span)).toISOString();
    const cancelled = random() < 0.02;
    const customer = random() < 0.9 ? 1 + Math.floor(random() * customers) : null;
    const orderGid = `gid://shopify/Order/${id}`;
    buffer += `${JSON.stringify({
      id: orderGid,
      name: `#${1000 + id}`,
      createdAt: at,
      processedAt: at,
      updatedAt: at,
      cancelledAt: cancelled ? at : null,
      test: false,
      displayFulfillmentStatus: cancelled ? "UNFULFILLED" : "FULFILLED",
      customerLocale: "en",
      email: customer ? `customer${customer}@example.com` : null,
      currentTotalPriceSet: { shopMoney: { amount: (cancelled ? 0 : total / 100).toFixed(2), currencyCode: "EUR" } },
      totalPriceSet: { shopMoney: { amount: (total / 100).toFixed(2), currencyCode: "EUR" } },
      customer: customer ? { id: `gid://shopify/Customer/${customer}` } : null,
      shippingAddress: { countryCodeV2: countries[id % countries.length] },
    })}\n`;
    for (const [k, line] of lines.entries()) {
      buffer += `${JSON.stringify({
        id: `gid://shopify/LineItem/${id * 10 + k}`,
        vendor: `Brand ${String.fromCharCode(65 + (line.product % 10))}`,
        quantity: line.quantity,
        product: { id: `gid://shopify/Product/${line.product}` },
        originalTotalSet: { shopMoney: { amount: (line.cents / 100).toFixed(2) } },
        __parentId: orderGid,
      })}\n`;
    }
    written += 1 + lineCount;
    orders++;
    if (buffer.length > 1 << 20) await flush();
  }
  await flush();
  await new Promise<void>((resolve) => out.end(resolve));
  return { orders };
}
