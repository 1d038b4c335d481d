import { createReadStream, createWriteStream } from "node:fs";
import { parse } from "csv-parse";

/**
 * The UCI Online Retail data as the JSONL a Bulk Operation over orders writes. Rules:
 * - An invoice is an order (`gid://shopify/Order/<invoice number>`), its rows are its lines,
 *   in file order. Dates are taken as UTC. Amounts are quantity × unit price, in GBP.
 * - Invoices starting with C are cancellations (negative quantities): they become cancelled
 *   orders (`cancelledAt` = invoice date, current total 0, positive quantities), with ids
 *   offset by 900,000,000 so they never meet a sales invoice's id. RFM leaves them out.
 * - Rows without a CustomerID belong to guest orders (no customer): not scored.
 * - A row repeated exactly within an invoice is kept once (the sample repeats some rows).
 * - Every stock code gets a stable product id (first appearance order); every vendor is
 *   "UCI Online Retail"; country names become ISO codes where the name is a country.
 */
const COUNTRIES: Record<string, string> = {
  "United Kingdom": "GB",
  Germany: "DE",
  France: "FR",
  EIRE: "IE",
  Netherlands: "NL",
  Spain: "ES",
  Switzerland: "CH",
  Belgium: "BE",
  Portugal: "PT",
  Norway: "NO",
  Australia: "AU",
  Italy: "IT",
  Finland: "FI",
  "Channel Islands": "JE",
  Denmark: "DK",
  Cyprus: "CY",
  Sweden: "SE",
  Austria: "AT",
  Israel: "IL",
  Poland: "PL",
  Japan: "JP",
  Iceland: "IS",
  USA: "US",
  Singapore: "SG",
  Greece: "GR",
  Canada: "CA",
  Malta: "MT",
  "United Arab Emirates": "AE",
  RSA: "ZA",
  "Hong Kong": "HK",
  Lebanon: "LB",
  Lithuania: "LT",
  "Saudi Arabia": "SA",
  Bahrain: "BH",
  "Czech Republic": "CZ",
  Brazil: "BR",
};
const CANCELLATION_OFFSET = 900_000_000;

interface Row {
  InvoiceNo: string;
  StockCode: string;
  Description: string;
  Quantity: string;
  InvoiceDate: string;
  UnitPrice: string;
  CustomerID: string;
  Country: string;
}

const cents = (amount: number) => Math.round(amount * 100);
const money = (c: number) => (c / 100).toFixed(2);

export async function convertOnlineRetail(csvPath: string, jsonlPath: string) {
  const invoices = new Map<string, Row[]>();
  const parser = createReadStream(csvPath).pipe(parse({ columns: true, trim: false }));
  for await (const row of parser as AsyncIterable<Row>) {
    const rows = invoices.get(row.InvoiceNo) ?? [];
    rows.push(row);
    invoices.set(row.InvoiceNo, rows);
  }
  const products = new Map<string, number>();
  const out = createWriteStream(jsonlPath);
  const write = (value: unknown) =>
    new Promise<void>((resolve) => (out.write(`${JSON.stringify(value)}\n`) ? resolve() : out.once("drain", resolve)));
  let orders = 0;
  let lines = 0;
  let repeats = 0;
  for (const [invoice, allRows] of invoices) {
    const seen = new Set<string>();
    const rows = allRows.filter((r) => {
      const key = JSON.stringify(r);
      if (seen.has(key)) {
        repeats++;
        return false;
      }
      seen.add(key);
      return true;
    });
    const cancelled = invoice.startsWith("C");
    const number = Number(invoice.replace(/^C/, ""));
    const id = cancelled ? CANCELLATION_OFFSET + number : number;
    const first = rows[0]!;
    const at = `${first.InvoiceDate.replace(" ", "T")}Z`;
    const lineCents = rows.map((r) => cents(Math.abs(Number(r.Quantity)) * Number(r.UnitPrice)));
    const total = lineCents.reduce((a, b) => a + b, 0);
    const customer = first.CustomerID ? String(Math.round(Number(first.CustomerID))) : null;
    const orderGid = `gid://shopify/Order/${id}`;
    await write({
      id: orderGid,
      name: `#${invoice}`,
      createdAt: at,
      processedAt: at,
      updatedAt: at,
      cancelledAt: cancelled ? at : null,
      test: false,
      displayFulfillmentStatus: "FULFILLED",
      customerLocale: "en",
      email: null,
      currentTotalPriceSet: { shopMoney: { amount: money(cancelled ? 0 : total), currencyCode: "GBP" } },
      totalPriceSet: { shopMoney: { amount: money(total), currencyCode: "GBP" } },
      customer: customer ? { id: `gid://shopify/Customer/${customer}` } : null,
      shippingAddress: COUNTRIES[first.Country] ? { countryCodeV2: COUNTRIES[first.Country] } : null,
    });
    orders++;
    for (const [k, r] of rows.entries()) {
      if (!products.has(r.StockCode)) products.set(r.StockCode, products.size + 1);
      await write({
        id: `gid://shopify/LineItem/${id * 1000 + k}`,
        vendor: "UCI Online Retail",
        quantity: Math.abs(Number(r.Quantity)),
        product: { id: `gid://shopify/Product/${products.get(r.StockCode)}` },
        originalTotalSet: { shopMoney: { amount: money(lineCents[k]!) } },
        __parentId: orderGid,
      });
      lines++;
    }
  }
  await new Promise<void>((resolve) => out.end(resolve));
  return { orders, lines, repeatedRowsDropped: repeats, products: products.size };
}
