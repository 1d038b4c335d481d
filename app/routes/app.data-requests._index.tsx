import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Badge, BlockStack, EmptyState, IndexTable, Layout, Link, Page, Text } from "@shopify/polaris";
import { Card } from "../components/Island";
import { requireAdmin } from "../admin.server";
import { DATA_REQUEST_KEPT_DAYS, type DataRequestRow } from "../domain/compliance";
import { listDataRequests } from "../models/compliance.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  return { requests: await listDataRequests(shop) };
};

const day = (iso: string) =>
  new Date(iso).toLocaleDateString("en", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });

function Status({ row }: { row: DataRequestRow }) {
  if (row.status === "purged") return <Badge>Purged</Badge>;
  if (row.status === "downloaded") return <Badge tone="success">Downloaded</Badge>;
  return <Badge tone="attention">Ready to download</Badge>;
}

/** Customers' requests for their data (customers/data_request), each ready as a JSON file. */
export default function DataRequests() {
  const { requests } = useLoaderData<typeof loader>();
  return (
    <Page title="Data requests">
      <TitleBar title="Data requests" />
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="p">
                When a customer asks your store for their data, Shopify tells the app, and the app gathers what it holds
                about them: their orders as the app knows them, survey answers and comments. Download the file and send
                it to the customer. The copy is deleted {DATA_REQUEST_KEPT_DAYS} days after its first download.
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            {requests.length === 0 ? (
              <EmptyState heading="No data requests" image="">
                <p>Requests appear here when a customer asks your store for their data.</p>
              </EmptyState>
            ) : (
              <IndexTable
                resourceName={{ singular: "data request", plural: "data requests" }}
                itemCount={requests.length}
                selectable={false}
                headings={[
                  { title: "Customer" },
                  { title: "Requested" },
                  { title: "Orders named" },
                  { title: "Status" },
                  { title: "File" },
                ]}
              >
                {requests.map((r, index) => (
                  <IndexTable.Row id={String(r.id)} key={r.id} position={index}>
                    <IndexTable.Cell>
                      <BlockStack gap="050">
                        <Text as="span">{r.email ?? "(address removed)"}</Text>
                        {r.shopifyCustomerId && (
                          <Text as="span" tone="subdued" variant="bodySm">
                            Customer {r.shopifyCustomerId}
                          </Text>
                        )}
                      </BlockStack>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{day(r.createdAt)}</IndexTable.Cell>
                    <IndexTable.Cell>{r.ordersRequested}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <BlockStack gap="050">
                        <Status row={r} />
                        {r.purgeAt && (
                          <Text as="span" tone="subdued" variant="bodySm">
                            {r.status === "purged" ? "Deleted" : "Deleted on"} {day(r.purgeAt)}
                          </Text>
                        )}
                      </BlockStack>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      {r.status === "purged" ? (
                        <Text as="span" tone="subdued">
                          —
                        </Text>
                      ) : (
                        <Link url={`/app/data-requests/${r.id}`} target="_self" removeUnderline>
                          Download JSON
                        </Link>
                      )}
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            )}
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
