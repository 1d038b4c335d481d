/**
 * Writes text to stdout or stderr and resolves once the stream has handed all of it to the
 * operating system. Into a pipe whose reader is slow, Node queues what the pipe's buffer
 * (64 KiB on Linux) cannot take yet, and `process.exit` drops that queue.
 */
export function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

/** A reader that went away (`| head`) is not an error of ours: there is nobody left to tell. */
export function isClosedPipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "EPIPE";
}

/** Exits once everything written so far to stdout and stderr has been handed on. */
export async function exitAfterOutput(code: number): Promise<never> {
  process.exitCode = code;
  await Promise.all(
    [process.stdout, process.stderr].map((stream) =>
      stream.writableLength === 0 || stream.destroyed ? undefined : write(stream, "").catch(() => undefined),
    ),
  );
  process.exit(code);
}
