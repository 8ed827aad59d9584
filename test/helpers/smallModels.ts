// Small models with the shapes of real ones, for fast tests of summary, cut,
// head, freeze and split.
import { tf } from '../../src/engine/tf';

const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });

/** The Keras mnist_transfer_cnn layout: conv-conv-pool-dropout-flatten-dense128-dropout-dense5. */
export function mnistCnn(): tf.Sequential {
  return tf.sequential({
    name: 'mnist_cnn',
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 3, activation: 'relu', name: 'conv1', kernelInitializer: seeded(1) }),
      tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', name: 'conv2', kernelInitializer: seeded(2) }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      tf.layers.dropout({ rate: 0.25, name: 'dropout1' }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ units: 16, activation: 'relu', name: 'dense128', kernelInitializer: seeded(3) }),
      tf.layers.dropout({ rate: 0.5, name: 'dropout2' }),
      tf.layers.dense({ units: 5, activation: 'softmax', name: 'dense5', kernelInitializer: seeded(4) }),
    ],
  });
}

/** tfjs MobileNet v1's classifier: GAP → reshape → dropout → 1×1 conv_preds → softmax → reshape. */
export function mobilenetV1Like(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3], name: 'input_1' });
  let x = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', name: 'conv_pw_13', kernelInitializer: seeded(1) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.reLU({ maxValue: 6, name: 'conv_pw_13_relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({ name: 'global_average_pooling2d_1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reshape({ targetShape: [1, 1, 8], name: 'reshape_1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.001, name: 'dropout' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 10, kernelSize: 1, name: 'conv_preds', kernelInitializer: seeded(2) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.activation({ activation: 'softmax', name: 'act_softmax' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reshape({ targetShape: [10], name: 'reshape_2' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x, name: 'mobilenet_v1_like' });
}

/**
 * A residual CNN whose skip connection crosses the freeze boundary when
 * conv_c trains: the frontier is then relu_b (for conv_c) and relu_a (for add).
 */
export function residualCnn(): tf.LayersModel {
  const input = tf.input({ shape: [6, 6, 3], name: 'img' });
  const convA = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv_a', kernelInitializer: seeded(1) }).apply(input) as tf.SymbolicTensor;
  const bnA = tf.layers.batchNormalization({ name: 'bn_a' }).apply(convA) as tf.SymbolicTensor;
  const reluA = tf.layers.reLU({ name: 'relu_a' }).apply(bnA) as tf.SymbolicTensor;
  const convB = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv_b', kernelInitializer: seeded(2) }).apply(reluA) as tf.SymbolicTensor;
  const reluB = tf.layers.reLU({ name: 'relu_b' }).apply(convB) as tf.SymbolicTensor;
  const convC = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv_c', kernelInitializer: seeded(3) }).apply(reluB) as tf.SymbolicTensor;
  const bnC = tf.layers.batchNormalization({ name: 'bn_c' }).apply(convC) as tf.SymbolicTensor;
  const add = tf.layers.add({ name: 'add' }).apply([bnC, reluA]) as tf.SymbolicTensor;
  const pool = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(add) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, activation: 'softmax', name: 'logits', kernelInitializer: seeded(4) }).apply(pool) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'residual' });
}

/** A functional model wrapping a Sequential feature extractor (nested model). */
export function nestedModel(): tf.LayersModel {
  const features = tf.sequential({
    name: 'features',
    layers: [
      tf.layers.dense({ inputShape: [5], units: 6, activation: 'relu', name: 'f_dense1', kernelInitializer: seeded(1) }),
      tf.layers.batchNormalization({ name: 'f_bn' }),
      tf.layers.dense({ units: 4, activation: 'relu', name: 'f_dense2', kernelInitializer: seeded(2) }),
    ],
  });
  const input = tf.input({ shape: [5], name: 'x' });
  const feats = features.apply(input) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, activation: 'softmax', name: 'cls', kernelInitializer: seeded(3) }).apply(feats) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'outer' });
}
