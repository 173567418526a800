/** One split of an image dataset: N images, NHWC float32 in [0, 1], with their true labels. */
export interface ImageSplit {
  /** Length count * height * width * channels, NHWC, values in [0, 1]. */
  images: Float32Array;
  /** Length count; integer class indices in [0, numClasses). These are the true labels. */
  labels: Int32Array;
  count: number;
  /** CIFAR-100 loaded with fine labels only: the 20 superclass (coarse) labels, aligned with `labels`. */
  coarseLabels?: Int32Array;
}

/** A labelled image dataset with a train and a test split. */
export interface ImageDataset {
  /** e.g. 'mnist', 'fashion-mnist', 'cifar10', 'cifar100'. */
  name: string;
  /** [height, width, channels]. */
  imageShape: [number, number, number];
  numClasses: number;
  classNames: string[];
  train: ImageSplit;
  test: ImageSplit;
  /** Where it was read from (package, directory or cache file), for provenance in run configs. */
  source: string;
  /** CIFAR-100 with fine labels: names of the 20 coarse classes that `coarseLabels` index. */
  coarseClassNames?: string[];
  /** How the decoded-dataset cache was used by `loadDataset` (absent for the per-format loaders). */
  cache?: DatasetCacheInfo;
}

/** What `loadDataset` did with the cache under data/. */
export interface DatasetCacheInfo {
  /** 'hit': read from the cache; 'written': decoded and cached; 'invalid': the cache file was stale or
   * corrupt, so the source was decoded again and the cache rewritten; 'off': caching not used. */
  status: 'hit' | 'written' | 'invalid' | 'off';
  /** The cache file (absent when 'off'). */
  file?: string;
  /** Why the cache was not used ('invalid', 'off', or a failed write). */
  reason?: string;
}
