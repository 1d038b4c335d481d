import { openDatabase } from "../db.server";

// For load balancers and operators: 200 when the app can reach its database.
export const loader = async () => {
  try {
    await openDatabase().sql.query("SELECT 1");
    return Response.json({ ok: true, database: openDatabase().kind });
  } catch (error) {
    return Response.json({ ok: false, error: (error as Error).message }, { status: 503 });
  }
};
