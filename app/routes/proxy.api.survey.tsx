import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { tokenSurvey } from "../storefront-api.server";

export const loader = ({ request }: LoaderFunctionArgs) => tokenSurvey(request);
export const action = ({ request }: ActionFunctionArgs) => tokenSurvey(request);
