import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { APP_URL } from "../../shared/app-url";
import { SurveyWidget } from "../../shared/SurveyWidget";

// customer-account.order-status.block.render: whichever stage of this order is open.
export default async () => {
  render(<Extension />, document.body);
};

function Extension() {
  const orderId = shopify.order.value?.id;
  return (
    <SurveyWidget
      orderId={orderId}
      client={{ appUrl: APP_URL, path: "/api/customer-account/survey", token: () => shopify.sessionToken.get() }}
      errorText={shopify.i18n.translate("error")}
      retryText={shopify.i18n.translate("retry")}
    />
  );
}
