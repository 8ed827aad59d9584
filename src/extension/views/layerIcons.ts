// A codicon for each kind of layer, so a 300-row tree can be read at a glance.
// None may look like a checkbox: the row's real checkbox (trainable) sits right
// beside the icon, and a square or "[ ]" glyph reads as a second, unchecked one.

const RULES: [RegExp, string][] = [
  [/^InputLayer$/, 'sign-in'],
  [/^(Functional|Sequential|Model)$/, 'package'],
  [/^(DepthwiseConv2D|SeparableConv[12]D)$/, 'layers-dot'],
  [/^Conv(1D|2D|3D|2DTranspose|3DTranspose|LSTM2D)$/, 'layers'],
  [/^Dense$/, 'symbol-operator'],
  [/Normalization$/, 'symbol-ruler'],
  [/^(Activation|ReLU|LeakyReLU|PReLU|ELU|Softmax|ThresholdedReLU)$/, 'zap'],
  [/Pooling[123]D$/, 'fold-down'],
  [/^(Dropout|SpatialDropout[123]D|GaussianDropout|GaussianNoise|AlphaDropout)$/, 'circle-slash'],
  [/^(Flatten|Reshape|Permute|RepeatVector)$/, 'list-flat'],
  [/^(Add|Concatenate|Multiply|Average|Maximum|Minimum|Subtract|Dot)$/, 'merge'],
  [/^(ZeroPadding[123]D|Cropping[123]D|UpSampling[123]D|Resizing|CenterCrop|Rescaling)$/, 'arrow-both'],
  [/^Embedding$/, 'symbol-key'],
  [/^(LSTM|GRU|SimpleRNN|RNN|Bidirectional|TimeDistributed)$/, 'sync'],
];

export function layerIcon(className: string): string {
  for (const [pattern, icon] of RULES) if (pattern.test(className)) return icon;
  return 'symbol-misc';
}
