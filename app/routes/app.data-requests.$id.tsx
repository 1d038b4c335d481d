import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireAdmin } from "../admin.server";
import { rowId } from "../domain/row-id";
import { downloadDataRequest } from "../models/compliance.server";

/** GET /app/data-requests/:id: the JSON file of one of this shop's data requests. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const id = rowId(params.id);
  if (id === null) throw new Response("A data request's id is a positive whole number.", { status: 400 });
  const json = await downloadDataRequest(shop, id);
  if (json === null) {
    throw new Response("There is no such data request in this shop, or its copy has been deleted.", { status: 404 });
  }
  return new Response(json, {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="data-request-${id}.json"`,
      "cache-control": "no-store",
    },
  });
};
