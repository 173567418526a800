import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend, openRun, train, type Run, type RunData } from 'memgeo';
import { syntheticRunData } from '../train/fixtures';

/**
 * A preactivation ResNet-18 with k = 8 (batch norm in every block) trained 6 epochs on 64 synthetic
 * 8x8 images with half the labels permuted: small enough for tests (a few seconds), yet its
 * accuracies move between epochs (test 0.16 → 0.4, permuted 0.25 → 0.88), so comparisons of rewound
 * accuracies can fail.
 */
export const BN_RUN = {
  data: { trainCount: 64, testCount: 32, shape: [8, 8, 1] as [number, number, number], numClasses: 4, epsilon: 0.5 },
  config: {
    dataset: 'synthetic',
    trainSize: 64,
    testSize: 32,
    model: { family: 'resnet18' as const, width: 8 },
    optimizer: { kind: 'adam' as const, lr: 0.01 },
    epochs: 6,
    batchSize: 16,
    seed: 3,
  },
};

export const bnRunData = (): RunData => syntheticRunData(BN_RUN.data);

let shared: Run | null = null;

/** The BN_RUN, trained once per test file into a temp dir and opened with its in-memory data. */
export async function bnRun(): Promise<Run> {
  if (!shared) {
    await initBackend();
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-rewind-run-')), 'run');
    await train(BN_RUN.config, { out: dir, data: bnRunData(), progress: 'none' });
    shared = openRun(dir, { data: bnRunData() });
  }
  return shared;
}
