import { InputError } from '../errors';

/**
 * The three rewinding sweeps (docs/paper.md §4):
 * - `single`: one layer at a time (the layer × epoch heat-map of Fig. 4);
 * - `last`: the last L layers together, L = 1..depth (the paper's "final few layers");
 * - `first`: the first L layers together, the control (early layers should matter little).
 */
export type RewindMode = 'single' | 'last' | 'first';
export const REWIND_MODES: RewindMode[] = ['single', 'last', 'first'];

/**
 * One row of rewinding.csv before it is measured. `layer` and `layer_index` (1-based, in forward
 * order) name the layer the row is about: for `single` the layer rewound; for `last` the earliest
 * layer of the block (so L = depth − layer_index + 1); for `first` the latest (L = layer_index).
 */
export interface RewindCell {
  mode: RewindMode;
  layer: string;
  layer_index: number;
  L: number;
  epoch: number;
  /** The layers rewound together. */
  layers: string[];
}

/** Key of a row of rewinding.csv (what resuming compares). */
export function rewindCellKey(c: Pick<RewindCell, 'mode' | 'L' | 'layer' | 'epoch'> | Record<string, unknown>): string {
  return `${c.mode}|${c.L}|${c.layer}|${c.epoch}`;
}

/** Every cell of the requested sweeps: modes × layers (or L) × epochs, in that order. */
export function rewindCells(layerNames: string[], modes: RewindMode[], epochs: number[]): RewindCell[] {
  const bad = modes.filter((m) => !REWIND_MODES.includes(m));
  if (bad.length > 0) throw new InputError(`rewinding mode(s) ${bad.join(', ')} unknown; choose from ${REWIND_MODES.join(', ')}`);
  const depth = layerNames.length;
  const cells: RewindCell[] = [];
  for (const mode of [...new Set(modes)]) {
    for (let k = 1; k <= depth; k++) {
      let layers: string[];
      let index: number;
      if (mode === 'single') {
        layers = [layerNames[k - 1]];
        index = k;
      } else if (mode === 'last') {
        layers = layerNames.slice(depth - k);
        index = depth - k + 1;
      } else {
        layers = layerNames.slice(0, k);
        index = k;
      }
      for (const epoch of epochs)
        cells.push({ mode, layer: layerNames[index - 1], layer_index: index, L: mode === 'single' ? 1 : k, epoch, layers });
    }
  }
  return cells;
}
