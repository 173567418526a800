/** What `fn` writes with console.log (one entry per call) and to stderr (one entry per write), instead of showing it. */
export function captureOutput(fn: () => void): { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const write = process.stderr.write;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  process.stderr.write = ((s: string) => (err.push(s), true)) as typeof process.stderr.write;
  try {
    fn();
  } finally {
    console.log = log;
    process.stderr.write = write;
  }
  return { out, err };
}
