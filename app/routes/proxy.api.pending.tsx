import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { customerSurvey } from "../storefront-api.server";

export const loader = ({ request }: LoaderFunctionArgs) => customerSurvey(request);
export const action = ({ request }: ActionFunctionArgs) => customerSurvey(request);
