import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { APP_URL } from "../../shared/app-url";
import { SurveyWidget } from "../../shared/SurveyWidget";

// purchase.thank-you.block.render: the pre-delivery question, right after checkout.
export default async () => {
  render(<Extension />, document.body);
};

function Extension() {
  const confirmation = shopify.orderConfirmation.value;
  return (
    <SurveyWidget
      orderId={confirmation?.order.id}
      confirmationNumber={confirmation?.number}
      client={{ appUrl: APP_URL, path: "/api/checkout/survey", token: () => shopify.sessionToken.get() }}
      errorText={shopify.i18n.translate("error")}
      retryText={shopify.i18n.translate("retry")}
    />
  );
}
