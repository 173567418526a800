import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  availableCores,
  createModel,
  defaultTrainWorkers,
  multiplyAddsPerExample,
  crossEntropy,
  DataParallelTrainer,
  evaluateSplits,
  InputError,
  initBackend,
  listCheckpointEpochs,
  Optimizer,
  parseWorkerCount,
  readCheckpoint,
  readCsv,
  resolveRunConfig,
  shardRange,
  train,
} from 'memgeo';
import { SMALL_RUN, syntheticRunData } from './fixtures';

// Data-parallel training: a run on 2 worker threads (batch split in two, batch-norm moments shared).
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-dp-'));
const data = () => syntheticRunData(SMALL_RUN.data);
const child = path.join(__dirname, 'trainChild.js');
const ckpt = (dir: string, epoch: number) => readCheckpoint(path.join(dir, 'checkpoints', `epoch-${String(epoch).padStart(4, '0')}.ckpt`));
const twoCores = availableCores() >= 2;

let reference: string | null = null;
async function twoWorkerRun(): Promise<string> {
  if (!reference) {
    reference = path.join(tmp(), 'ref');
    const r = await train(SMALL_RUN.config, { out: reference, data: data(), progress: 'none', workers: 2 });
    assert.equal(r.workers, 2);
  }
  return reference;
}

test('shardRange splits a batch into fixed contiguous shards that cover it once', () => {
  assert.deepEqual(
    [0, 1, 2].map((r) => shardRange(10, 3, r)),
    [
      [0, 3],
      [3, 6],
      [6, 10],
    ],
  );
  assert.deepEqual(
    [0, 1].map((r) => shardRange(1, 2, r)),
    [
      [0, 0],
      [0, 1],
    ],
  );
});

test(
  'gradients of a batch-norm model on 2 shards equal the single-process gradients (float tolerance)',
  { skip: !twoCores && 'needs 2 cores' },
  async () => {
    const backend = await initBackend();
    const d = data();
    const shape = d.imageShape;
    const B = 16;
    const images = d.train.images.slice(0, B * shape[0] * shape[1] * shape[2]);
    const labels = d.noisy.trainLabel.slice(0, B);
    const config = resolveRunConfig(SMALL_RUN.config).optimizer;
    // Width 2: at width 1 on 8x8 images this batch's gradient is ill-conditioned (a batch-norm channel
    // with near-zero variance): a 1e-6 change of the images moves it by its own size, on any backend
    // (environment.md, "Training on every core").
    const spec = { family: 'resnet18' as const, width: 2 };
    const single = createModel(spec, shape, d.numClasses, 0);
    const x = tf.tensor4d(images, [B, ...shape]);
    const y = tf.tensor1d(labels, 'int32');
    const vars = single.trainableVariables;
    const { value, grads } = tf.variableGrads(() => crossEntropy(single.forward(x, true), y, d.numClasses), vars);
    const expected = vars.map((v) => grads[v.name].dataSync() as Float32Array);
    const movingExpected = single.params
      .filter((p) => p.role === 'moving_mean' || p.role === 'moving_variance')
      .map((p) => p.variable.dataSync() as Float32Array);
    tf.dispose([x, y, value, grads]);

    const model = createModel(spec, shape, d.numClasses, 0);
    const opt = new Optimizer(config, model.params);
    const dp = await DataParallelTrainer.start(model, opt, { workers: 2, maxBatch: B, data: d, backend });
    try {
      const got = await dp.gradients(images, labels);
      let worst = 0;
      for (let i = 0; i < expected.length; i++) {
        const scale = Math.max(1e-3, ...Array.from(expected[i], Math.abs));
        for (let j = 0; j < expected[i].length; j++) worst = Math.max(worst, Math.abs(got[i][j] - expected[i][j]) / scale);
      }
      assert.ok(worst < 1e-4, `largest gradient difference relative to the tensor's largest entry: ${worst}`);
      const movingGot = model.params
        .filter((p) => p.role === 'moving_mean' || p.role === 'moving_variance')
        .map((p) => p.variable.dataSync() as Float32Array);
      for (let i = 0; i < movingExpected.length; i++)
        for (let j = 0; j < movingExpected[i].length; j++)
          assert.ok(Math.abs(movingGot[i][j] - movingExpected[i][j]) < 1e-5, 'running statistics from the whole batch');
      // The evaluation spread over both threads gives the metrics of one process.
      const spread = await dp.evaluateSplits(d);
      const alone = await evaluateSplits(model, d);
      for (let k = 0; k < 4; k++) {
        assert.equal(spread[k].count, alone[k].count);
        assert.ok(
          Math.abs(spread[k].loss - alone[k].loss) < 1e-5 || (Number.isNaN(spread[k].loss) && Number.isNaN(alone[k].loss)),
          `${spread[k].split} loss`,
        );
        assert.equal(spread[k].accuracy, alone[k].accuracy);
      }
    } finally {
      await dp.close();
      single.dispose();
      model.dispose();
      opt.dispose();
    }
  },
);

test(
  'a rank that fails in the middle of a step stops every rank with its message (no hang)',
  { skip: !twoCores && 'needs 2 cores' },
  async () => {
    const backend = await initBackend();
    const d = data();
    const spec = SMALL_RUN.config.model;
    const model = createModel(spec, d.imageShape, d.numClasses, 0);
    const opt = new Optimizer(resolveRunConfig(SMALL_RUN.config).optimizer, model.params);
    const build = {
      module: path.join(__dirname, 'failingModel.js'),
      exportName: 'buildFailingModel',
      arg: { spec, shape: d.imageShape, classes: d.numClasses },
    };
    const dp = await DataParallelTrainer.start(model, opt, { workers: 2, maxBatch: 16, data: d, backend, build });
    try {
      const per = d.imageShape[0] * d.imageShape[1] * d.imageShape[2];
      await assert.rejects(
        dp.step(d.train.images.slice(0, 16 * per), d.noisy.trainLabel.slice(0, 16), 0.01),
        /data-parallel worker 1 failed: boom in the worker/,
      );
      await assert.rejects(
        dp.step(d.train.images.slice(0, 16 * per), d.noisy.trainLabel.slice(0, 16), 0.01),
        /boom in the worker/,
        'a failed trainer stays failed',
      );
    } finally {
      await dp.close();
      model.dispose();
      opt.dispose();
    }
  },
);

test(
  'a 2-worker run equals itself on rerun (bit-identical weights and metrics), and records its worker count',
  { skip: !twoCores && 'needs 2 cores' },
  async () => {
    const ref = await twoWorkerRun();
    const again = path.join(tmp(), 'again');
    await train(SMALL_RUN.config, { out: again, data: data(), progress: 'none', workers: 2 });
    for (const e of [1, 4]) assert.deepEqual(ckpt(again, e).weights, ckpt(ref, e).weights, `epoch ${e}`);
    assert.deepEqual(ckpt(again, 4).optimizer, ckpt(ref, 4).optimizer);
    assert.deepEqual(readCsv(path.join(again, 'metrics.csv')), readCsv(path.join(ref, 'metrics.csv')));
    assert.equal(JSON.parse(fs.readFileSync(path.join(ref, 'config.json'), 'utf8')).run.workers, 2);
  },
);

test(
  'killed after epoch 2 on 2 workers and resumed, a run equals the uninterrupted 2-worker run',
  { skip: !twoCores && 'needs 2 cores' },
  async () => {
    const ref = await twoWorkerRun();
    const dir = path.join(tmp(), 'crash');
    const env = { ...process.env, MEMGEO_WORKERS: '2' };
    const first = spawnSync(process.execPath, [child, dir, '2'], { encoding: 'utf8', env });
    assert.equal(first.signal, 'SIGKILL', first.stderr);
    assert.deepEqual(listCheckpointEpochs(dir), [0, 1, 2]);
    const second = spawnSync(process.execPath, [child, dir, '-1'], { encoding: 'utf8', env });
    assert.equal(second.status, 0, second.stderr);
    for (const e of [3, 4]) assert.deepEqual(ckpt(dir, e).weights, ckpt(ref, e).weights, `epoch ${e}`);
    assert.deepEqual(readCsv(path.join(dir, 'metrics.csv')), readCsv(path.join(ref, 'metrics.csv')));
  },
);

test(
  'resuming with another worker count is refused naming both counts; without one the stored count is used',
  { skip: !twoCores && 'needs 2 cores' },
  async () => {
    const ref = await twoWorkerRun();
    const dir = path.join(tmp(), 'switch');
    await train({ ...SMALL_RUN.config, epochs: 2 }, { out: dir, data: data(), progress: 'none', workers: 2 });
    const before = fs.readFileSync(path.join(dir, 'metrics.csv'));
    await assert.rejects(train(SMALL_RUN.config, { out: dir, data: data(), progress: 'none', workers: 1 }), (e: Error) => {
      assert.ok(e instanceof InputError, e.message);
      assert.match(e.message, /workers: 2 vs 1 .*--workers 2/);
      return true;
    });
    assert.deepEqual(fs.readFileSync(path.join(dir, 'metrics.csv')), before, 'nothing written by the refused call');
    const r = await train(SMALL_RUN.config, { out: dir, data: data(), progress: 'none' });
    assert.equal(r.workers, 2);
    assert.deepEqual(ckpt(dir, 4).weights, ckpt(ref, 4).weights);
  },
);

test(
  'a batch with fewer examples than workers (a tail of 1) trains and reruns identically',
  { skip: !twoCores && 'needs 2 cores' },
  async () => {
    const d = syntheticRunData({ ...SMALL_RUN.data, trainCount: 33 });
    const cfg = { ...SMALL_RUN.config, trainSize: 33, model: { family: 'mlp' as const, depth: 1, width: 8 }, epochs: 2 };
    const a = path.join(tmp(), 'a');
    const b = path.join(tmp(), 'b');
    await train(cfg, { out: a, data: d, progress: 'none', workers: 2 });
    await train(cfg, { out: b, data: d, progress: 'none', workers: 2 });
    assert.deepEqual(ckpt(a, 2).weights, ckpt(b, 2).weights);
    assert.notDeepEqual(ckpt(a, 2).weights, ckpt(a, 0).weights);
  },
);

test('the default worker count gives each shard enough work: small models train on one thread', async () => {
  await initBackend();
  const mlp = createModel({ family: 'mlp', depth: 2, width: 512 }, [28, 28, 1], 10, 0);
  assert.equal(multiplyAddsPerExample(mlp), 784 * 512 + 512 * 512 + 512 * 10);
  const cnn = createModel({ family: 'cnn', width: 0.5 }, [28, 28, 1], 10, 0);
  const tiny = createModel({ family: 'cnn', width: 0.25 }, [28, 28, 1], 10, 0);
  try {
    assert.equal(
      defaultTrainWorkers({ batchSize: 128 }, cnn),
      Math.min(availableCores(), 4),
      'the default preset: 1.2 M multiply-adds per image',
    );
    assert.equal(defaultTrainWorkers({ batchSize: 64 }, tiny), 1, 'the smoke preset: 0.3 M per image');
    assert.equal(defaultTrainWorkers({ batchSize: 16 }, cnn), 1, 'at least 16 examples per shard');
    // 0.67 M multiply-adds per image would make 2 shards of 64, but a dense model does one per
    // parameter: its per-step costs (gradient out, sum in, the replicated update) do not pay.
    assert.equal(defaultTrainWorkers({ batchSize: 128 }, mlp), 1, 'a dense model at batch 128');
    assert.equal(
      defaultTrainWorkers({ batchSize: 512 }, mlp),
      Math.min(availableCores(), 3),
      'a dense model at batch 512: 4 shards would do 125 per parameter',
    );
  } finally {
    for (const m of [mlp, cnn, tiny]) m.dispose();
  }
});

test('bad worker counts: 0, -1, abc, 1.5 are refused (InputError), more than the cores is capped with a message', () => {
  for (const bad of ['0', '-1', 'abc', '1.5', ''])
    assert.throws(
      () => parseWorkerCount(bad, 'MEMGEO_WORKERS'),
      (e: Error) =>
        e instanceof InputError && /MEMGEO_WORKERS: '.*' is not a worker count; give a whole number from 1 to \d+/.test(e.message),
    );
  const written: string[] = [];
  const orig = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => (written.push(String(s)), true)) as typeof process.stderr.write;
  try {
    assert.equal(parseWorkerCount(String(availableCores() + 5), '--workers'), availableCores());
  } finally {
    process.stderr.write = orig;
  }
  assert.match(
    written.join(''),
    new RegExp(`--workers=${availableCores() + 5} is more than the ${availableCores()} cores available; using ${availableCores()}`),
  );
});

test('memgeo train --workers 0|-1|abc and MEMGEO_WORKERS=0|-1|abc exit 2 with one clear line and write nothing', () => {
  const main = path.join(__dirname, '..', '..', '..', 'lib', 'dist', 'cli', 'main.js');
  const base = tmp();
  const cases: [string[], Record<string, string>][] = [
    [['--workers', '0'], {}],
    [['--workers=-1'], {}],
    [['--workers', 'abc'], {}],
    [[], { MEMGEO_WORKERS: '0' }],
    [[], { MEMGEO_WORKERS: '-1' }],
    [[], { MEMGEO_WORKERS: 'abc' }],
  ];
  cases.forEach(([args, env], i) => {
    const out = path.join(base, `run${i}`);
    const r = spawnSync(process.execPath, [main, 'train', '--epochs', '1', '--out', out, ...args], {
      encoding: 'utf8',
      env: { ...process.env, MEMGEO_QUIET: '1', ...env },
    });
    assert.equal(r.status, 2, `${args.join(' ')} ${JSON.stringify(env)}: ${r.stderr}`);
    assert.match(r.stderr, /(--workers|MEMGEO_WORKERS): '.*' is not a worker count/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.ok(!fs.existsSync(out), 'no run directory made');
  });
  assert.deepEqual(fs.readdirSync(base), []);
});
