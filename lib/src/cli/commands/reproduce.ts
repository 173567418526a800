import { closeRenderer } from '../../plots';
import { PRESETS, reproduce, STEP_ORDER, type StepName } from '../../experiments';
import { formatSeconds } from '../../progress';
import { type Command, UsageError } from '../command';
import { flags, parseFlags, parseProgress, parseWorkers } from '../options';

const usage = `usage: memgeo reproduce [--preset ${Object.keys(PRESETS).join('|')}] [--out DIR] [--steps LIST] [--progress MODE] [--workers N]

Reproduce the paper's findings at a preset: train the main run (once, shared by every analysis), then
geometry across layers and epochs (Figs. 1B-3), layer rewinding (Fig. 4), the double-descent width
sweep (Fig. 5), gradient contributions (Fig. 6), and the figures plus report.md / report.html.
Everything goes to DIR (default results/<preset>). Interrupt it at any time: running the same command
again skips finished steps and resumes the step in progress.

  --preset NAME     ${Object.values(PRESETS)
    .map((p) => p.name)
    .join(' | ')} (default: default)
  --out DIR         results folder (default results/<preset>)
  --steps LIST      comma-separated subset of: ${STEP_ORDER.join(', ')} (and what they need)
  --progress MODE   bar | lines | compact | none (default: bar on a terminal, else lines)
  --workers N       threads for every step (as MEMGEO_WORKERS; default: the cores). The main run is
                    trained on up to N threads and records the count; a resume keeps it

Presets:
${Object.values(PRESETS)
  .map((p) => `  ${p.name}: ${p.description}`)
  .join('\n')}`;

export const command: Command = {
  name: 'reproduce',
  summary: 'run every experiment of the paper at a preset and write tables, figures and the report (resumable)',
  usage,
  async run(argv) {
    const { values } = parseFlags(argv, {
      ...flags('out', 'progress', 'workers'),
      preset: { type: 'string', default: 'default' },
      steps: { type: 'string' },
    });
    // One thread budget for every step (the training run, sweep points × their threads, analysis pools).
    const workers = parseWorkers(values.workers);
    if (workers !== undefined) process.env.MEMGEO_WORKERS = String(workers);
    const steps = values.steps
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) as StepName[] | undefined;
    for (const s of steps ?? [])
      if (!(STEP_ORDER as readonly string[]).includes(s))
        throw new UsageError(`--steps: unknown step '${s}'; steps: ${STEP_ORDER.join(', ')}`);
    const progress = parseProgress(values.progress);
    const t0 = performance.now();
    try {
      const { out, timings } = await reproduce(values.preset!, { out: values.out, steps, progress });
      const total = (performance.now() - t0) / 1000;
      console.log(`results in ${out}`);
      for (const t of timings) console.log(`  ${String(t.step).padEnd(16)} ${formatSeconds(Number(t.seconds)).padStart(8)}`);
      console.log(`this call: ${formatSeconds(total)}`);
    } finally {
      await closeRenderer();
    }
    return 0;
  },
};
