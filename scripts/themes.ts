import fs from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { ShopDomainSchema } from "../app/control/commands.server";
import { dispatchCommand } from "../app/control/client.server";
import { DEFAULT_THEMES, type ThemeDefinition } from "../app/domain/theme-taxonomy";
import { compileThemeClassifier, loadLanguageDetector } from "../app/domain/themes";
import { splitLines } from "../app/lib/lines";
import { exitAfterOutput, isClosedPipe, write } from "./lib/output";

const USAGE = `Usage: npm run themes -- classify [--file <comments.txt>] [--locale en|fr|de|es|nl] [--shop <domain>]

  classify   reads one comment per line (standard input when no --file) and prints, for each
             line in order, one JSON object on its own line: the comment's language, its themes
             and, per theme, the words that matched. --locale is the language assumed when a
             comment is too short to tell (default: none, English as a last resort).
             --shop classifies with that shop's themes (Settings → Themes: its renamed, changed,
             switched-off and own themes) instead of the default taxonomy.`;

const ArgsSchema = z.object({
  file: z.string().min(1, "needs a path").optional(),
  locale: z.enum(["en", "fr", "de", "es", "nl"], { message: "must be one of en, fr, de, es, nl" }).optional(),
  shop: ShopDomainSchema.optional(),
});

/** The shop's themes, read where the database can be reached (through the running app, or here). */
async function shopThemes(shop: string): Promise<ThemeDefinition[] | string> {
  const result = await dispatchCommand("taxonomy", { shop });
  return result.ok ? (result.result as ThemeDefinition[]) : result.error;
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (command !== "classify") {
    await write(
      command ? process.stderr : process.stdout,
      `${command ? `Unknown command "${command}".\n\n` : ""}${USAGE}\n`,
    );
    return 2;
  }
  let args: z.infer<typeof ArgsSchema>;
  try {
    const { values } = parseArgs({
      args: rest,
      options: { file: { type: "string" }, locale: { type: "string" }, shop: { type: "string" } },
      strict: true,
    });
    args = ArgsSchema.parse(values);
  } catch (error) {
    const message =
      error instanceof z.ZodError
        ? error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("\n")
        : (error as Error).message;
    await write(process.stderr, `${message}\n\n${USAGE}\n`);
    return 2;
  }
  let input: AsyncIterable<string>;
  if (args.file) {
    try {
      await fs.promises.access(args.file, fs.constants.R_OK);
      if ((await fs.promises.stat(args.file)).isDirectory()) {
        await write(process.stderr, `${args.file} is a folder; give a file of comments, one per line.\n`);
        return 1;
      }
    } catch {
      await write(process.stderr, `Cannot read ${args.file}.\n`);
      return 1;
    }
    input = fs.createReadStream(args.file, { encoding: "utf8" });
  } else {
    process.stdin.setEncoding("utf8");
    input = process.stdin;
  }
  let themes = DEFAULT_THEMES;
  if (args.shop) {
    const found = await shopThemes(args.shop);
    if (typeof found === "string") {
      await write(process.stderr, `${found}\n`);
      return 1;
    }
    themes = found;
  }
  await loadLanguageDetector();
  const classifier = compileThemeClassifier(themes);
  for await (const lines of splitLines(input)) {
    if (lines.length === 0) continue;
    const out = lines.map((text) => {
      const { language, themes, matched } = classifier.classify(text, args.locale);
      return `${JSON.stringify({ text, language, themes, matched })}\n`;
    });
    await write(process.stdout, out.join(""));
  }
  return 0;
}

process.stdout.on("error", (error) => {
  if (!isClosedPipe(error)) throw error;
});

main().then(exitAfterOutput, async (error: unknown) => {
  if (isClosedPipe(error)) return exitAfterOutput(0);
  await write(process.stderr, `${error instanceof Error ? error.message : String(error)}\n`).catch(() => undefined);
  return exitAfterOutput(1);
});
