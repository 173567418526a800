/**
 * `bench conv`: the stride-1 convolutions and the dense layers' matrix products of training on
 * memgeo's SIMD kernels against the XNNPACK paths they replaced, per layer shape of the default CNN
 * (widths 1/2 and 1), cnn4 and the benchmark MLP: median milliseconds, GFLOP/s, and whether the two
 * give the same bits. Nothing is asserted.
 *
 *   npx memgeo bench conv [--batch 128] [--repeats 10] [--json]
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../backend';
import type { WasmBackend } from '../../backend/kernels/wasmKernel';
import { xnnpackConv2D, xnnpackFilterGradDilated, xnnpackFilterGradIm2col, xnnpackInputGrad } from '../../backend/kernels/xnnpackConv';
import { IM2COL_MAX_IN_CHANNELS } from '../../backend/kernels/simdConv';
import { xnnpackBatchMatMul } from '../../backend/kernels/BatchMatMul';
import { parseFlags, parseNumber } from '../options';
import type { BenchTarget } from './target';

/** [H, W, C, O] of a 3 × 3 'same' convolution, and the model it belongs to. */
const LAYERS: { model: string; shape: [number, number, number, number] }[] = [
  { model: 'cnn 1/2', shape: [28, 28, 1, 8] },
  { model: 'cnn 1/2', shape: [14, 14, 8, 16] },
  { model: 'cnn 1/2', shape: [14, 14, 16, 16] },
  { model: 'cnn 1/2', shape: [7, 7, 16, 32] },
  { model: 'cnn 1', shape: [28, 28, 1, 16] },
  { model: 'cnn 1', shape: [14, 14, 16, 32] },
  { model: 'cnn 1', shape: [14, 14, 32, 32] },
  { model: 'cnn 1', shape: [7, 7, 32, 64] },
  { model: 'cnn4', shape: [28, 28, 1, 32] },
  { model: 'cnn4', shape: [28, 28, 32, 32] },
  { model: 'cnn4', shape: [14, 14, 32, 64] },
  { model: 'cnn4', shape: [14, 14, 64, 64] },
];

/** [inputs, outputs] of a dense layer, and the model it belongs to. */
const DENSE: { model: string; shape: [number, number] }[] = [
  { model: 'cnn 1/2', shape: [1568, 128] },
  { model: 'cnn 1', shape: [3136, 256] },
  { model: 'mlp', shape: [784, 512] },
  { model: 'mlp', shape: [512, 512] },
];

function medianMs(run: () => tf.TensorInfo, backend: WasmBackend, repeats: number): { ms: number; out: Float32Array } {
  const first = run();
  const out = Float32Array.from(backend.typedArrayFromHeap(first) as Float32Array);
  backend.disposeData(first.dataId);
  const t: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    const o = run();
    t.push(performance.now() - t0);
    backend.disposeData(o.dataId);
  }
  t.sort((a, b) => a - b);
  return { ms: t[Math.floor(t.length / 2)], out };
}

/** One row of the table: the SIMD kernel's and the XNNPACK path's median times of one product. */
function compare(
  model: string,
  layer: string,
  op: string,
  batch: number,
  gflop: number,
  a: { ms: number; out: Float32Array },
  b: { ms: number; out: Float32Array },
): Record<string, string | number | boolean> {
  return {
    model,
    layer,
    op,
    batch,
    simd_ms: Math.round(a.ms * 100) / 100,
    xnnpack_ms: Math.round(b.ms * 100) / 100,
    simd_gflop_s: Math.round((gflop / a.ms) * 1e4) / 10,
    xnnpack_gflop_s: Math.round((gflop / b.ms) * 1e4) / 10,
    speedup: Math.round((b.ms / a.ms) * 100) / 100,
    same_bits: sameBits(a.out, b.out),
  };
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

const usage = `usage: memgeo bench conv [--batch 128] [--repeats 10] [--json]

Times the stride-1 convolutions of training (forward, dx, dW) on memgeo's SIMD kernels and on the
XNNPACK paths they replaced, for each layer of the default CNN at widths 1/2 and 1 and of cnn4 (3 × 3
'same', random data), then the matrix products of the dense layers (forward x·W, dx = dy·Wᵀ,
dW = xᵀ·dy) of those CNNs and the benchmark MLP; one thread; prints median ms, GFLOP/s and whether
the bits are the same.
Record 'uptime' load with the numbers: the machine is shared.`;

export const target: BenchTarget = {
  name: 'conv',
  summary: "training's stride-1 convolutions and dense products: memgeo's SIMD kernels vs the XNNPACK paths, per layer",
  usage,
  async run(argv) {
    const { values } = parseFlags(argv, {
      batch: { type: 'string' },
      repeats: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    const N = parseNumber(values.batch, '--batch', { integer: true, min: 1 }) ?? 128;
    const repeats = parseNumber(values.repeats, '--repeats', { integer: true, min: 1 }) ?? 10;
    await useBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackend;
    const rows: Record<string, string | number | boolean>[] = [];
    for (const { model, shape } of LAYERS) {
      const [H, W, C, O] = shape;
      const x = tf.randomNormal([N, H, W, C], 0, 1, 'float32', 1) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, C, O], 0, 1, 'float32', 2) as tf.Tensor4D;
      const dy = tf.randomNormal([N, H, W, O], 0, 1, 'float32', 3) as tf.Tensor4D;
      const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] } as unknown as tf.Conv2DAttrs;
      const info = tf.backend_util.computeConv2DInfo([N, H, W, C], [3, 3, C, O], 1, 1, 'same', undefined, false, 'channelsLast');
      const engine = tf.engine();
      const ops: [string, () => tf.TensorInfo, () => tf.TensorInfo][] = [
        [
          'forward',
          () => engine.runKernel('Conv2D', { x, filter: w }, attrs as never) as tf.Tensor,
          () => xnnpackConv2D(x, w, attrs, backend),
        ],
        [
          'dx',
          () =>
            engine.runKernel('Conv2DBackpropInput', { dy, filter: w }, {
              strides: [1, 1],
              pad: 'same',
              dataFormat: 'NHWC',
              inputShape: [N, H, W, C],
            } as never) as tf.Tensor,
          () => xnnpackInputGrad(dy, w, [1, 1, 1, 1], backend),
        ],
        [
          'dW',
          () =>
            engine.runKernel('Conv2DBackpropFilter', { x, dy }, {
              strides: [1, 1],
              pad: 'same',
              dataFormat: 'NHWC',
              filterShape: [3, 3, C, O],
            } as never) as tf.Tensor,
          () =>
            C <= IM2COL_MAX_IN_CHANNELS ? xnnpackFilterGradIm2col(x, dy, info, backend) : xnnpackFilterGradDilated(x, dy, info, backend),
        ],
      ];
      const gflop = (2 * N * H * W * 9 * C * O) / 1e9;
      for (const [op, simd, xnn] of ops) {
        rows.push(compare(model, `${H}x${W}x${C}->${O}`, op, N, gflop, medianMs(simd, backend, repeats), medianMs(xnn, backend, repeats)));
      }
      tf.dispose([x, w, dy]);
    }
    for (const { model, shape } of DENSE) {
      const [K, O] = shape;
      const x = tf.randomNormal([N, K], 0, 1, 'float32', 1) as tf.Tensor2D;
      const w = tf.randomNormal([K, O], 0, 1, 'float32', 2) as tf.Tensor2D;
      const dy = tf.randomNormal([N, O], 0, 1, 'float32', 3) as tf.Tensor2D;
      // The three products of a dense layer's training step, as the gradient of tf.matMul calls them.
      const products: [string, tf.Tensor2D, tf.Tensor2D, boolean, boolean][] = [
        ['forward', x, w, false, false],
        ['dx', dy, w, false, true],
        ['dW', x, dy, true, false],
      ];
      const gflop = (2 * N * K * O) / 1e9;
      for (const [op, a, b, transposeA, transposeB] of products) {
        const attrs = { transposeA, transposeB };
        const ours = medianMs(() => tf.engine().runKernel('BatchMatMul', { a, b }, attrs) as tf.Tensor, backend, repeats);
        const xnn = medianMs(() => xnnpackBatchMatMul({ inputs: { a, b }, backend, attrs }), backend, repeats);
        rows.push(compare(model, `dense ${K}->${O}`, op, N, gflop, ours, xnn));
      }
      tf.dispose([x, w, dy]);
    }
    if (values.json) for (const r of rows) console.log(JSON.stringify(r));
    else {
      console.log('model    layer            op       simd ms  xnnpack ms  simd GF/s  xnnpack GF/s  speed-up  same bits');
      for (const r of rows)
        console.log(
          `${String(r.model).padEnd(8)} ${String(r.layer).padEnd(16)} ${String(r.op).padEnd(8)} ${String(r.simd_ms).padStart(7)}  ${String(r.xnnpack_ms).padStart(10)}  ${String(r.simd_gflop_s).padStart(9)}  ${String(r.xnnpack_gflop_s).padStart(12)}  ${String(r.speedup).padStart(8)}  ${r.same_bits}`,
        );
    }
    return 0;
  },
};
