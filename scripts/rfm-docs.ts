import { writeFileSync } from "node:fs";
import { segmentTableMarkdown } from "../app/domain/rfm";

writeFileSync("docs/rfm-segments.md", segmentTableMarkdown());
console.log("Wrote docs/rfm-segments.md");
