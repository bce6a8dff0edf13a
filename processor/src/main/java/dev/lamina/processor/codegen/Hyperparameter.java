package dev.lamina.processor.codegen;

/**
 * A layer's hyperparameter as the generated class passes it to the kernels: a constant named after
 * the layer and this ({@code BN1_MOMENTUM}, {@code CONV1_GEOMETRY}), so that a kernel call reads by
 * name instead of by bare numbers.
 */
enum Hyperparameter {
    /** BatchNorm's running-statistics momentum (PyTorch convention). */
    MOMENTUM,
    /** BatchNorm's epsilon, added to the variance. */
    EPSILON,
    /** ELU's alpha. */
    ALPHA,
    /** LeakyReLU's negative slope. */
    SLOPE,
    /** Dropout's probability of dropping, also attention dropout's. */
    RATE,
    /** A 1-D pooling window's length. */
    WINDOW,
    /** A pooling window's step, or a 1-D convolution's. */
    STRIDE,
    /**
     * A convolution's stride, padding and output size ({@code Conv2d.Geometry}), or a pooling's window,
     * stride, padding and output size ({@code PoolGeometry}).
     */
    GEOMETRY,
    /** Attention's number of heads. */
    HEADS,
    /** Whether attention is causal. */
    CAUSAL,
    /** A patch's side. */
    SIZE,
    /** The batch axis a pooling averages over. */
    AXIS,
    /** Zeros left of a 1-D convolution's input. */
    PAD_LEFT,
    /** A 1-D convolution's output length. */
    OUT_LENGTH
}
