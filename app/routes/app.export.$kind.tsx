import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireAdmin } from "../admin.server";
import { filtersFromUrl } from "../dashboard.server";
import { CaseStatusSchema } from "../models/cases.server";
import { exportCsv } from "../models/exports.server";

const OptionsSchema = z.object({
  category: z.enum(["promoter", "passive", "detractor"]).optional(),
  status: z.union([z.enum(["open", "all"]), CaseStatusSchema]).optional(),
});

/** GET /app/export/answers or /app/export/cases with a view's filters: a streamed CSV file. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const kind = params.kind;
  if (kind !== "answers" && kind !== "cases") {
    throw new Response(`There is no export called “${kind}”: use answers or cases.`, { status: 404 });
  }
  const filters = filtersFromUrl(request);
  const search = new URL(request.url).searchParams;
  const options = OptionsSchema.safeParse({
    category: search.get("category") || undefined,
    status: search.get("status") || undefined,
  });
  if (!options.success) {
    throw new Response(
      `This export has an option it cannot use: ${options.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}.`,
      {
        status: 400,
      },
    );
  }
  const rows = exportCsv(shop, kind, filters, options.data);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await rows.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
  const date = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="nps-${kind}-${shop.replace(/\.myshopify\.com$/, "")}-${date}.csv"`,
      "cache-control": "no-store",
    },
  });
};
