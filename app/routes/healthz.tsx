import { openDatabase } from "../db.server";
import { logger } from "../logger.server";

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
    // Anyone may call this: the database's own message (hosts, users, table names) goes to the log only.
    logger.error({ err: error }, "health check: database unreachable");
    return Response.json({ ok: false, error: "The database cannot be reached." }, { status: 503 });
  }
};
