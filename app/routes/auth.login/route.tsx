import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AppProvider, Button, Card, FormLayout, Page, Text, TextField } from "@shopify/polaris";
import polarisTranslations from "@shopify/polaris/locales/en.json";
import { useState } from "react";
import { LoginErrorType } from "@shopify/shopify-app-remix/server";
import { BodyTooLargeError, bodyTooLarge, LOGIN_BODY_LIMIT, readBodyCapped } from "../../lib/http";
import { login } from "../../shopify.server";

function loginErrorMessage(errors: Awaited<ReturnType<typeof login>>) {
  if (errors?.shop === LoginErrorType.MissingShop) return "Enter your shop domain to log in.";
  if (errors?.shop === LoginErrorType.InvalidShop) return "Enter a valid shop domain, such as my-shop.myshopify.com.";
  return undefined;
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const errors = await login(request);
  return { error: loginErrorMessage(errors) };
};

// Anyone may post here, before any login: the form (one shop domain) is read within a cap.
export const action = async ({ request }: ActionFunctionArgs) => {
  let body: Uint8Array<ArrayBuffer>;
  try {
    body = await readBodyCapped(request, LOGIN_BODY_LIMIT);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return bodyTooLarge(error.limit);
    throw error;
  }
  const errors = await login(new Request(request.url, { method: "POST", headers: request.headers, body }));
  return { error: loginErrorMessage(errors) };
};

export default function Auth() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [shop, setShop] = useState("");
  const error = actionData?.error ?? loaderData.error;

  return (
    <AppProvider i18n={polarisTranslations}>
      <Page narrowWidth>
        <Card>
          <Form method="post">
            <FormLayout>
              <Text variant="headingMd" as="h2">
                Log in
              </Text>
              <TextField
                type="text"
                name="shop"
                label="Shop domain"
                helpText="example.myshopify.com"
                value={shop}
                onChange={setShop}
                autoComplete="on"
                error={error}
              />
              <Button submit>Log in</Button>
            </FormLayout>
          </Form>
        </Card>
      </Page>
    </AppProvider>
  );
}
