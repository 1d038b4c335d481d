import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireAdmin } from "../admin.server";
import { downloadDataRequest } from "../models/compliance.server";

const IdSchema = z
  .string()
  .regex(/^[1-9]\d{0,9}$/)
  .transform(Number)
  .pipe(z.number().max(2_147_483_647));

/** GET /app/data-requests/:id: the JSON file of one of this shop's data requests. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const id = IdSchema.safeParse(params.id);
  if (!id.success) throw new Response("A data request's id is a positive whole number.", { status: 400 });
  const json = await downloadDataRequest(shop, id.data);
  if (json === null) {
    throw new Response("There is no such data request in this shop, or its copy has been deleted.", { status: 404 });
  }
  return new Response(json, {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="data-request-${id.data}.json"`,
      "cache-control": "no-store",
    },
  });
};
