import * as tf from '@tensorflow/tfjs';

/** Mean softmax cross-entropy of logits against integer labels. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, numClasses: number): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(labels, numClasses).toFloat(), tf.logSoftmax(logits)), 1))) as tf.Scalar);
}
