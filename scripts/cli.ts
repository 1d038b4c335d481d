import { parseArgs } from "node:util";
import { dispatchCommand } from "../app/control/client.server";
import { commands, isCommandName } from "../app/control/commands.server";
import { stringifyJson } from "../app/lib/json";

const USAGE = `Usage: npm run <command> -- [--option value ...]

  stats   --shop <domain>                      counts of orders, lines, customers, invitations, answers, cases (JSON)
  import  --shop <domain> --file <orders.jsonl>  import order history (Bulk Operation JSONL); JSON summary
  rfm     --shop <domain> [--as-of YYYY-MM-DD] [--format csv|json]   RFM scores and segment per customer
  report  --shop <domain> [--by overall|stage|vendor|segment|week|month|country|channel]
          [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--stage pre|post] [--channel email|thank_you|order_status|storefront]
          [--vendor <name>] [--segment champions|loyal|...|none] [--country DE] [--format json|csv]
                                               NPS with 95% intervals per group, as the dashboards show it
                                               (all answers when no dates are given)
  migrate                                      apply pending database migrations`;

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === "--help" || command === "-h") {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (!isCommandName(command)) {
    console.error(`Unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }
  // Every option is a string; the command's schema says which exist and what they must hold.
  const names = Object.keys(commands[command].args.shape);
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: Object.fromEntries(names.map((n) => [n, { type: "string" as const }])),
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  // Progress goes to a terminal only (stderr), so stdout stays the JSON or CSV result.
  const progress = process.stderr.isTTY ? (text: string) => process.stderr.write(`\r${text}\x1b[K`) : undefined;
  const result = await dispatchCommand(command, values, { progress });
  if (progress) process.stderr.write("\n");
  if (!result.ok) {
    console.error(result.usage ? `${result.error}\n\n${USAGE}` : result.error);
    return result.usage ? 2 : 1;
  }
  if (result.text !== undefined) process.stdout.write(result.text);
  else console.log(stringifyJson(result.result, 2));
  return result.exitCode ?? 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
