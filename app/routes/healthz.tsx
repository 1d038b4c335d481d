import { openDatabase } from "../db.server";

// For load balancers and operators: 200 when the app can reach its database, with the
// webhook backlog (received, not yet applied) and deliveries set aside as failed.
export const loader = async () => {
  try {
    const db = openDatabase();
    const { rows } = await db.sql.query<{ pending: number; failed: number }>(
      `SELECT (SELECT count(*) FROM webhook_deliveries WHERE status = 'RECEIVED')::int AS pending,
              (SELECT count(*) FROM webhook_deliveries WHERE status = 'FAILED')::int AS failed`,
    );
    return Response.json({
      ok: true,
      database: db.kind,
      pendingWebhooks: rows[0]!.pending,
      failedWebhooks: rows[0]!.failed,
    });
  } catch (error) {
    return Response.json({ ok: false, error: (error as Error).message }, { status: 503 });
  }
};
