/*
 * Rich output in a tslab (Jupyter) kernel. tslab's public `display` sends one MIME type per output;
 * a figure needs several in one output (Plotly's JSON for JupyterLab and VS Code, a PNG for classic
 * Notebook, nbconvert and GitHub), so this sends a whole MIME bundle through the same channel tslab's
 * `display` uses, and falls back to one output per type where that channel is not there.
 */

/** MIME type → content: strings as they are, bytes (images) base64-encoded, objects as JSON (`application/*+json`). */
export type MimeBundle = Record<string, string | Uint8Array | object>;

type WriteDisplayData = (
  msg: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: Record<string, unknown> },
  update: boolean,
) => void;

function tslabWriter(): WriteDisplayData | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData?: WriteDisplayData | null };
    return jupyter.lastWriteDisplayData ?? null;
  } catch {
    return null;
  }
}

/** Whether code is running inside a tslab kernel cell (so rich outputs can be shown). */
export function inNotebook(): boolean {
  return tslabWriter() !== null;
}

function encode(value: string | Uint8Array | object): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  return value;
}

/**
 * Show `bundle` as one output of the running cell. With `displayId`, later calls with the same id and
 * `update: true` replace that output in place (Jupyter's update_display_data), which is how a live
 * progress line updates without scrolling.
 */
export function displayBundle(bundle: MimeBundle, opts: { displayId?: string; update?: boolean } = {}): void {
  const write = tslabWriter();
  const data: Record<string, unknown> = {};
  for (const [mime, value] of Object.entries(bundle)) data[mime] = encode(value);
  if (write) {
    write({ data, metadata: {}, transient: opts.displayId ? { display_id: opts.displayId } : {} }, opts.update === true);
    return;
  }
  // Not in a kernel cell (a script that imported memgeo): nothing to show rich output in.
  const text = typeof data['text/plain'] === 'string' ? (data['text/plain'] as string) : `[${Object.keys(data).join(', ')}]`;
  console.log(text);
}
