import { createModel, describeModelSpec, resolveModelSpec, type ModelSpec } from '../models';
import { resolveRunConfig, type RunConfig } from '../train';
import type { StepContext } from './steps/step';

/** A model in words, e.g. "VGG-16 with batch norm, width 0.125", from its spec (whatever the family). */
export function modelInWords(spec: ModelSpec): string {
  switch (spec.family) {
    case 'vgg':
      return `VGG-${spec.depth} with batch norm, width ${spec.width}`;
    case 'resnet18':
      return `preactivation ResNet-18, k = ${spec.width}`;
    case 'cnn':
      return `small CNN, width ${spec.width}`;
    default:
      return describeModelSpec(spec);
  }
}

function noiseInWords(c: RunConfig): string {
  if (c.noise.kind === 'none') return 'no label noise';
  return `ε = ${c.noise.epsilon} ${c.noise.kind === 'permute' ? 'permuted' : 'symmetric noisy'} labels`;
}

function schedule(c: RunConfig): string {
  const opt = `${c.optimizer.kind === 'adam' ? 'Adam' : 'SGD'} ${c.optimizer.lr}`;
  const sch =
    c.schedule.kind === 'constant'
      ? ''
      : c.schedule.kind === 'cosine'
        ? ' with a cosine decay'
        : ` with a step decay (×${c.schedule.gamma} every ${c.schedule.every} epochs)`;
  const aug = c.augment.crop > 0 || c.augment.flip ? ', with augmentation' : ', no augmentation';
  return `${opt}${sch}, ${c.epochs} epochs, batch ${c.batchSize}${aug}`;
}

/**
 * The setting a report was computed in, for its header: dataset, model (with its parameter count),
 * training- and test-set sizes of the main run as trained (its config.json), the width sweep's
 * setting, and the time the run took (the steps' seconds from timings.csv). Nothing in it is
 * specific to a dataset or an architecture.
 */
export function reportSetting(exp: StepContext, timings: { step: string; seconds: number }[]): string[] {
  const lines: string[] = [];
  const run = exp.run();
  const c = run.config;
  const d = run.info.data;
  const model = createModel(c.model, d.imageShape, d.numClasses, c.seed);
  const params = model.numTrainable;
  model.dispose();
  lines.push(
    `Main run: ${c.dataset}, ${d.trainCount} training images (${noiseInWords(c)}; ${d.permutedCount} examples permuted), ${d.testCount} test images, ${d.numClasses} classes; ` +
      `model ${modelInWords(c.model)} (${params.toLocaleString('en-US')} parameters); ${schedule(c)}.`,
  );
  const dd = exp.preset.doubleDescent;
  const base = resolveRunConfig(dd.base);
  const family = resolveModelSpec(base.model).family;
  lines.push(
    `Width sweep (double descent): ${family} at widths ${dd.widths.join(', ')} on ${base.dataset}, ${base.trainSize ?? 'all'} training images, ${base.testSize ?? 'all'} test images, ` +
      `${dd.noiseKinds.join(' and ')} label noise at ε = ${base.noise.epsilon}; ${schedule(base)}.`,
  );
  const g = exp.preset.geometry.analysis;
  lines.push(
    `Manifold analysis: P = ${g.P} classes, M = ${g.M} examples per manifold, n_t = ${g.nT}, ${g.seeds} seed(s), ${g.mode} mode, layers wider than ${g.projectionDim} features projected.`,
  );
  const total = timings.reduce((a, t) => a + t.seconds, 0);
  lines.push(
    `Time the run took (timings.csv, compute time of each step): ${timings.map((t) => `${t.step} ${t.seconds.toFixed(0)} s`).join(', ')}; total ${(total / 60).toFixed(1)} min.`,
  );
  return lines;
}
