/**
 * Text chunks, as a file or a download delivers them, as lines ("\n" or "\r\n"), a chunk's
 * worth at a time (one array per chunk read, possibly empty): per-line iteration would cost
 * an await per line. The caller's pace sets the reading pace: nothing is buffered beyond one
 * chunk.
 */
export async function* splitLines(chunks: AsyncIterable<string>): AsyncGenerator<string[]> {
  let rest = "";
  for await (const chunk of chunks) {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop()!;
    yield parts.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
  }
  if (rest !== "") yield [rest.endsWith("\r") ? rest.slice(0, -1) : rest];
}
