import { InputError } from '../errors';

/**
 * Prediction depth of each example (Baldock et al. 2021, "Deep learning through the lens of example
 * difficulty"): the earliest layer from which the kNN prediction of *every* later probed layer equals
 * the network's output. `layerPredictions[l][i]` is the kNN prediction of example i at the l-th probed
 * layer (in network order), `network[i]` the network's predicted class. The depth is reported as
 * `depths[l]` of that layer (default: its position l); an example whose last probed layer already
 * disagrees gets `never` (default: one past the last: `depths[L−1] + 1`).
 *
 * @example
 * predictionDepth([Int32Array.of(0, 1), Int32Array.of(1, 1)], Int32Array.of(1, 1)) // [1, 0]
 */
export function predictionDepth(
  layerPredictions: ArrayLike<number>[],
  network: ArrayLike<number>,
  options: { depths?: number[]; never?: number } = {},
): Float64Array {
  const L = layerPredictions.length;
  if (L === 0) throw new InputError('predictionDepth: no layers');
  const n = network.length;
  for (const [l, p] of layerPredictions.entries())
    if (p.length !== n) throw new InputError(`predictionDepth: layer ${l} has ${p.length} predictions for ${n} examples`);
  const depths = options.depths ?? Array.from({ length: L }, (_, l) => l);
  if (depths.length !== L) throw new InputError(`predictionDepth: ${depths.length} depth values for ${L} layers`);
  const never = options.never ?? depths[L - 1] + 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let first = L; // earliest l such that l..L−1 all agree
    for (let l = L - 1; l >= 0 && layerPredictions[l][i] === network[i]; l--) first = l;
    out[i] = first === L ? never : depths[first];
  }
  return out;
}
