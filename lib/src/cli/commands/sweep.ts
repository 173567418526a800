import * as path from 'path';
import { doubleDescentFindingsMarkdown, widthSweep, type WidthSweepConfig } from '../../doubleDescent';
import { requireDatasets } from '../../experiments/experiment';
import { getPreset, PRESETS } from '../../experiments/presets';
import { type Command, UsageError } from '../command';
import { flags, parseFlags, parseProgress, parseWorkers, readJsonFlag } from '../options';

const usage = `usage: memgeo sweep width (--config FILE | --preset NAME) [--out DIR] [--workers N] [--keep-checkpoints] [--progress MODE]

Model-wise double descent (paper Fig. 5): train one model per (label-noise kind, width) on the same
noisy training set, in parallel worker threads, then measure errors and the manifold geometry of the
last layers. Writes one run directory per point and double_descent.csv (noise_kind, epsilon, seed,
width, params, epochs, train_error, train_unpermuted_error, train_permuted_error, train_restored_error,
test_error, layer, manifold, M, capacity, radius, dimension with their *_std over analysis seeds,
center_correlation, participation_ratio, n_degenerate, note) plus double_descent_summary.json
(interpolation threshold, test-error peak, seconds). The geometry is analyzeRun's (geometry.csv in
each run directory) on the last checkpoint of the last hidden layer and the logits by default.
Rerunning the same command skips finished points and resumes an interrupted one.

  --config FILE        JSON: {"base": <training config, as for 'memgeo train --config'>,
                        "widths": [...], "noiseKinds": ["permute", "symmetric"],
                        "seeds": [0] (optional), "layers": ["fc1", "logits"] (optional),
                        "analysis": {"P":10,"M":50,"nT":200,"seeds":3,"projectionDim":5000,
                                     "mode":"stable","kappa":0} or null (errors only),
                        "interpolationTolerance": 0.01 (optional)}
  --preset NAME        use the doubleDescent section of a preset (${Object.keys(PRESETS).join(', ')})
  --out DIR            sweep folder (default runs/double-descent-<config or preset name>)
  --workers N          points trained at once (default: CPU count)
  --keep-checkpoints   keep every checkpoint (default: epoch 0 and the last, once a point is done)
  --progress MODE      bar | lines | compact | none

Example: memgeo sweep width --preset default --out runs/dd-default`;

export const command: Command = {
  name: 'sweep',
  summary: 'model-wise double descent: a width sweep with label noise, errors and geometry per width (resumable)',
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      {
        ...flags('out', 'workers', 'progress'),
        config: { type: 'string' },
        preset: { type: 'string' },
        'keep-checkpoints': { type: 'boolean' },
      },
      true,
    );
    if (positionals.length !== 1 || positionals[0] !== 'width')
      throw new UsageError(`expected 'memgeo sweep width ...' (the only sweep is over width), got '${positionals.join(' ')}'`);
    if (!values.config === !values.preset) throw new UsageError('give exactly one of --config FILE or --preset NAME');
    let config: WidthSweepConfig;
    let name: string;
    if (values.config) {
      config = readJsonFlag(values.config, '--config') as WidthSweepConfig;
      name = path.basename(values.config).replace(/\.json$/i, '');
    } else {
      const preset = getPreset(values.preset!);
      config = { ...preset.doubleDescent };
      name = preset.name;
    }
    const progress = parseProgress(values.progress);
    const concurrency = parseWorkers(values.workers);
    const out = values.out ?? path.join('runs', `double-descent-${name}`);
    requireDatasets([(config as { base?: { dataset?: unknown } } | null)?.base?.dataset], `the width sweep ${name}`);
    const r = await widthSweep(config, { out, concurrency, progress, keepCheckpoints: !!values['keep-checkpoints'] });
    console.log(`${r.table}: ${r.rows.length} rows; ${r.computed} point(s) computed, ${r.skipped} already done; ${r.seconds.toFixed(0)} s`);
    console.log(doubleDescentFindingsMarkdown(r.findings));
    return 0;
  },
};
