/**
 * Worker-side model for the data-parallel failure test: the same architecture as the coordinator's,
 * whose forward pass throws in training mode (a rank that fails in the middle of a step).
 */
import { createModel, Model, type ModelSpec } from 'memgeo';

export function buildFailingModel(arg: { spec: ModelSpec; shape: [number, number, number]; classes: number }): Model {
  const m = createModel(arg.spec, arg.shape, arg.classes, 0);
  const stages = m.stages.map((s) => ({
    ...s,
    apply: (x: Parameters<typeof s.apply>[0], training: boolean) => {
      if (training && s.name === 'logits') throw new Error('boom in the worker');
      return s.apply(x, training);
    },
  }));
  return new Model(m.spec, m.inputShape, m.numClasses, m.seed, stages);
}
