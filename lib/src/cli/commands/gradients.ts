import {
  analyzeRunGradients,
  gradientFindingsMarkdown,
  GRADIENT_FILES,
  GRADIENT_REFERENCES,
  gradientFindings,
  type GradientReference,
} from '../../gradients';
import { openRun } from '../../train';
import { type Command, UsageError } from '../command';
import {
  flags,
  parseFlags,
  parseNumber,
  parseNumberList,
  parseProgress,
  parseRunDir,
  parseRunEpochs,
  parseSeed,
  parseWorkers,
} from '../options';

const usage = `usage: memgeo gradients RUN [--epochs LIST] [--scaling-epochs LIST] [--ns LIST] [--draws N] [--reference R] [options]

Gradient contributions of permuted and unpermuted examples (paper Fig. 6): at each checkpoint, per
layer (its trainable parameters), the gradient of the mean loss over the unpermuted group and over the
permuted group (labels trained on, inference mode), their norms, their cosine, and each group's
contribution (n_group/n)·g_group to the full-batch gradient (the contributions add up to it exactly).
Then the scaling check: the norm of the summed gradient of n examples drawn from each group, for each
n and draw, with the fitted log–log slope (≈1: coherent, ≈0.5: incoherent).
Each is measured for the total gradient and for its two parts: with p the softmax output, y the
one-hot label and ū a reference distribution, the logit gradient p − y = (p − ū) + (ū − y) splits
each example's gradient into a label-independent part J(p − ū) and a label-dependent part J(ū − y)
(the paper's argument is about the latter).

Writes into RUN: gradients.csv (epoch, layer, layer_index, group, part, reference, count, loss,
params, grad_norm, contribution_norm, cosine, cosine_full), gradient_scaling.csv (epoch, layer,
layer_index, group, part, reference, n, draw, norm) and gradient_slopes.csv, where part is total,
label_independent or label_dependent; prints the findings. Resumable: epochs already in the tables
are skipped.
  --epochs LIST          checkpoints for gradients.csv, e.g. 0-10,20,40 or 'all' (default all)
  --scaling-epochs LIST  checkpoints of the scaling check (default: the first two checkpoints)
  --ns LIST              numbers of examples summed (default 8,16,32,64,128,256,512)
  --draws N              draws per group (default 5)
  --no-scaling           skip the scaling check
  --reference R          ū: uniform (default: 1/C, what an undecided network predicts) or
                         class_frequencies (of the training labels; for unbalanced classes)
  --no-split             the total gradient only (one backward pass per batch instead of two)
  --seed S               seed of the draws (default: the run's seed)
  --batch-size N         examples per backward pass (memory only; default 256)
  --workers N            worker threads (default: the CPU count)
  --progress MODE        bar | lines | compact | none

Example: memgeo gradients results/default/run --scaling-epochs 0,1,10 --ns 8,32,128,512`;

export const command: Command = {
  name: 'gradients',
  summary: 'gradient contributions of permuted vs unpermuted examples per layer and epoch (Fig. 6), scaling check',
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      {
        ...flags('epochs', 'seed', 'workers', 'progress'),
        'scaling-epochs': { type: 'string' },
        ns: { type: 'string' },
        draws: { type: 'string' },
        'no-scaling': { type: 'boolean' },
        reference: { type: 'string' },
        'no-split': { type: 'boolean' },
        'batch-size': { type: 'string' },
      },
      true,
    );
    const runDir = parseRunDir(positionals, usage);
    const ns = values.ns === undefined ? [8, 16, 32, 64, 128, 256, 512] : parseNumberList(values.ns, '--ns');
    const draws = parseNumber(values.draws, '--draws', { integer: true, min: 1 }) ?? 5;
    const seed = parseSeed(values.seed, '--seed');
    const batchSize = parseNumber(values['batch-size'], '--batch-size', { integer: true, min: 1 });
    const concurrency = parseWorkers(values.workers);
    const progress = parseProgress(values.progress);
    const reference = values.reference ?? 'uniform';
    if (!(GRADIENT_REFERENCES as readonly string[]).includes(reference))
      throw new UsageError(`--reference: unknown '${reference}'; choose one of ${GRADIENT_REFERENCES.join(', ')}`);
    if (values['no-split'] && values.reference !== undefined) throw new UsageError('--reference and --no-split exclude each other');
    const run = openRun(runDir);
    if (run.epochs.length === 0) throw new UsageError(`${run.dir} has no checkpoints yet`);
    const epochs = parseRunEpochs(values.epochs, '--epochs', run.epochs, run.epochs);
    const scalingEpochs = parseRunEpochs(values['scaling-epochs'], '--scaling-epochs', run.epochs, run.epochs.slice(0, 2));
    const result = await analyzeRunGradients(run, {
      epochs,
      scaling: values['no-scaling'] ? null : { ns, draws, epochs: scalingEpochs },
      seed,
      reference: values['no-split'] ? null : (reference as GradientReference),
      batchSize,
      concurrency,
      progress,
    });
    console.log(
      `${run.dir}: ${GRADIENT_FILES.gradients} (${result.gradients.length} rows), ${GRADIENT_FILES.scaling} (${result.scaling.length} rows), ${GRADIENT_FILES.slopes}; computed ${result.computed.gradients.length} gradient and ${result.computed.scaling.length} scaling epochs in ${result.seconds.toFixed(1)} s\n`,
    );
    console.log(gradientFindingsMarkdown(gradientFindings(result.gradients, result.scaling, run.metrics())));
    return 0;
  },
};
