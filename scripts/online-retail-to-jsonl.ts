import { parseArgs } from "node:util";
import { convertOnlineRetail } from "./lib/online-retail";

// npm run convert:online-retail -- [--csv test/fixtures/online-retail/online-retail-30k.csv] [--out orders.jsonl]
const { values } = parseArgs({
  options: {
    csv: { type: "string", default: "test/fixtures/online-retail/online-retail-30k.csv" },
    out: { type: "string", default: "data/online-retail.jsonl" },
  },
});
console.log(JSON.stringify(await convertOnlineRetail(values.csv!, values.out!)));
