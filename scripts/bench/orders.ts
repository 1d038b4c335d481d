/** A realistic orders/create payload (three lines, a customer), different for every index. */
export function orderPayloadForBench(index: number) {
  const id = 7_100_000_000_000 + index;
  const now = new Date().toISOString();
  const customerId = 7_200_000_000_000 + (index % 5000);
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#B${index}`,
    email: `shopper${index % 5000}@example.com`,
    customer_locale: ["en", "fr", "de", "es", "nl"][index % 5],
    created_at: now,
    updated_at: now,
    processed_at: now,
    cancelled_at: null,
    test: false,
    currency: "EUR",
    current_total_price: "84.50",
    current_total_price_set: { shop_money: { amount: "84.50", currency_code: "EUR" } },
    total_price: "84.50",
    total_price_set: { shop_money: { amount: "84.50", currency_code: "EUR" } },
    fulfillment_status: null,
    fulfillments: [],
    customer: {
      id: customerId,
      admin_graphql_api_id: `gid://shopify/Customer/${customerId}`,
      email: `shopper${index % 5000}@example.com`,
      first_name: "Bench",
      last_name: `Shopper ${index % 5000}`,
    },
    shipping_address: { country_code: "NL" },
    line_items: [0, 1, 2].map((k) => ({
      id: id * 10 + k,
      admin_graphql_api_id: `gid://shopify/LineItem/${id * 10 + k}`,
      product_id: 8_000_000_000_000 + ((index + k) % 300),
      vendor: `Brand ${(index + k) % 40}`,
      title: `Product ${(index + k) % 300}`,
      quantity: 1 + k,
      price: "12.50",
      price_set: { shop_money: { amount: "12.50", currency_code: "EUR" } },
    })),
  };
}
