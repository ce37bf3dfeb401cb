/**
 * Records everything this process writes to stdout and stderr from now on, for tests that check
 * what reaches the logs. Structured log lines are kept for the assertions, not printed into the
 * test report; anything else still goes through.
 */
export function captureOutput(): string[] {
  const output: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      output.push(text);
      if (text.startsWith('{')) return true;
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
  }
  return output;
}
