/** One split of an image dataset: N images, NHWC float32 in [0, 1], with their true labels. */
export interface ImageSplit {
  /** Length count * height * width * channels, NHWC, values in [0, 1]. */
  images: Float32Array;
  /** Length count; integer class indices in [0, numClasses). These are the true labels. */
  labels: Int32Array;
  count: number;
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
}
