import { parseArgs } from "node:util";
import { dispatchCommand } from "../app/control/client.server";
import { commands, isCommandName } from "../app/control/commands.server";
import { stringifyJson } from "../app/lib/json";
import { exitAfterOutput, isClosedPipe, write } from "./lib/output";

const USAGE = `Usage: npm run <command> -- [--option value ...]

  stats   --shop <domain>                      counts of orders, lines, customers, invitations, answers, cases (JSON)
  import  --shop <domain> --file <orders.jsonl>  import order history (Bulk Operation JSONL); JSON summary
  rfm     --shop <domain> [--as-of YYYY-MM-DD] [--format csv|json]   RFM scores and segment per customer
  report  --shop <domain> [--by overall|stage|vendor|segment|week|month|country|channel|theme]
          [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--stage pre|post] [--channel email|thank_you|order_status|storefront]
          [--vendor <name>] [--segment champions|loyal|...|none] [--country DE] [--format json|csv]
                                               NPS with 95% intervals per group, as the dashboards show it;
                                               by theme: answers mentioning each comment theme, their share,
                                               NPS and impact on the NPS, before and after delivery
                                               (all answers when no dates are given)
  taxonomy --shop <domain>                     the shop's comment themes as the classifier uses them: defaults
                                               with the shop's changes, then its own themes (JSON)
  webhooks [--shop <domain>] [--retry failed | --purge failed]
                                               deliveries set aside as failed, with their count (JSON);
                                               --retry puts them back in the inbox, --purge clears their bodies
  migrate                                      apply pending database migrations`;

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === "--help" || command === "-h") {
    await write(process.stdout, `${USAGE}\n`);
    return command ? 0 : 2;
  }
  if (!isCommandName(command)) {
    await write(process.stderr, `Unknown command "${command}".\n\n${USAGE}\n`);
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
    await write(process.stderr, `${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  // Progress goes to a terminal only (stderr), so stdout stays the JSON or CSV result.
  const progress = process.stderr.isTTY ? (text: string) => process.stderr.write(`\r${text}\x1b[K`) : undefined;
  const result = await dispatchCommand(command, values, { progress });
  if (progress) process.stderr.write("\n");
  if (!result.ok) {
    await write(process.stderr, `${result.usage ? `${result.error}\n\n${USAGE}` : result.error}\n`);
    return result.usage ? 2 : 1;
  }
  try {
    await write(process.stdout, result.text ?? `${stringifyJson(result.result, 2)}\n`);
  } catch (error) {
    if (!isClosedPipe(error)) throw error;
  }
  return result.exitCode ?? 0;
}

// A reader that closed the pipe early also shows up as an 'error' event: without a listener
// Node would throw it.
process.stdout.on("error", (error) => {
  if (!isClosedPipe(error)) throw error;
});

// Exit only once the result has left the process: a pipe takes 64 KiB and then waits for
// its reader, and process.exit would drop the rest (`rfm | wc -l` printed half the lines).
main().then(exitAfterOutput, async (error: unknown) => {
  await write(process.stderr, `${error instanceof Error ? error.message : String(error)}\n`).catch(() => undefined);
  await exitAfterOutput(1);
});
