package dev.lamina.processor.ir;

import java.util.List;

/**
 * What a layer computes, independent of where it was declared: the layer kind and its
 * hyperparameters, already defaulted. One record per kind, and each record is the one place that
 * says, for its kind, the shape rule ({@link #outputShape}), the parameter and buffer counts, the
 * names used in messages, and (through {@link Visitor}) which code writes it: a kind that a stage
 * forgets does not compile. Rules and rewrites match on the type.
 */
public sealed interface LayerSpec {
    /** The DSL annotation's simple name, e.g. {@code "Conv2d"}. */
    String kind();

    /** What a rule's message calls the layer: {@code "max pool"}, {@code "ReLU"}, ... */
    String noun();

    /**
     * The shape of one output example for one input example {@code in} (both without the batch
     * axis), or the result of one of {@code problems}' methods (null) when the layer cannot take
     * {@code in}.
     */
    Shape outputShape(Shape in, ShapeProblems problems);

    /** Trainable scalars for input {@code in}: weights and biases, BatchNorm's gamma and beta. */
    long parameterCount(Shape in);

    /** Non-trainable scalars kept as buffers: BatchNorm's running mean and variance. */
    default long bufferCount(Shape in) {
        return 0;
    }

    /**
     * The weight tensor's dimensions for input {@code in} ({@code [filters, C, k, k]},
     * {@code [in, units]}), for the size check; empty for layers without one.
     */
    default int[] weightDims(Shape in) {
        return new int[0];
    }

    /** Whether the layer holds trainable weights (Conv2d, Dense); BatchNorm's affine pair does not count. */
    default boolean isWeightLayer() {
        return false;
    }

    /** Calls the {@code visitor} method of this kind. */
    <R> R accept(Visitor<R> visitor);

    /**
     * One method per layer kind: a stage that implements it (the generator's choice of emitter, for
     * one) must handle every kind, or it does not compile.
     *
     * @param <R> what the visit returns
     */
    interface Visitor<R> {
        R conv2d(Conv2d spec);

        R dense(Dense spec);

        R batchNorm(BatchNorm spec);

        R activation(Activation spec);

        R dropout(Dropout spec);

        R pool2d(Pool2d spec);

        R globalAvgPool2d(GlobalAvgPool2d spec);

        R flatten(Flatten spec);

        R add(Add spec);

        R concat(Concat spec);

        R embedding(Embedding spec);

        R positionalEmbedding(PositionalEmbedding spec);

        R layerNorm(LayerNorm spec);

        R multiHeadAttention(MultiHeadAttention spec);

        R patches(Patches spec);

        R globalAvgPool1d(GlobalAvgPool1d spec);

        R conv1d(Conv1d spec);

        R maxPool1d(MaxPool1d spec);
    }

    /** Whether this is a junction that reads several tensors: a residual {@link Add} or a {@link Concat}. */
    default boolean isJunction() {
        return false;
    }

    /**
     * {@code @Conv2d}: {@code [C, H, W] -> [filters, H', W']} with a {@code kernelHeight x kernelWidth}
     * kernel and a {@code strideHeight x strideWidth} stride.
     */
    record Conv2d(int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, Padding padding,
            boolean bias) implements LayerSpec {
        public enum Padding { VALID, SAME }

        /** A square kernel and the same stride on both axes. */
        public Conv2d(int filters, int kernel, int stride, Padding padding, boolean bias) {
            this(filters, kernel, kernel, stride, stride, padding, bias);
        }

        @Override public String kind() { return "Conv2d"; }
        @Override public String noun() { return "conv"; }
        @Override public boolean isWeightLayer() { return true; }
        public Conv2d withBias(boolean b) {
            return new Conv2d(filters, kernelHeight, kernelWidth, strideHeight, strideWidth, padding, b);
        }

        /**
         * VALID: {@code floor((in - kernel) / stride) + 1} per spatial axis, which needs
         * {@code kernel <= in}; SAME: {@code ceil(in / stride)} (TensorFlow's definition).
         */
        @Override
        public Shape outputShape(Shape in, ShapeProblems problems) {
            if (!in.isImage()) {
                return problems.needsImage();
            }
            return Windows.outputShape(filters, in, kernelHeight, kernelWidth, strideHeight, strideWidth,
                    padding == Padding.SAME, "kernel", "kernel", problems);
        }

        @Override
        public long parameterCount(Shape in) {
            return (long) filters * in.dim(0) * kernelHeight * kernelWidth + (bias ? filters : 0);
        }

        @Override
        public int[] weightDims(Shape in) {
            return new int[] {filters, in.dim(0), kernelHeight, kernelWidth};
        }

        @Override public <R> R accept(Visitor<R> visitor) { return visitor.conv2d(this); }
    }

    /** {@code @Dense}: {@code [F] -> [units]}, and on the last axis of a sequence, {@code [T, D] -> [T, units]}. */
    record Dense(int units, boolean bias) implements LayerSpec {
        @Override public String kind() { return "Dense"; }
        @Override public String noun() { return "dense"; }
        @Override public boolean isWeightLayer() { return true; }
        public Dense withBias(boolean b) { return new Dense(units, b); }

        @Override
        public Shape outputShape(Shape in, ShapeProblems problems) {
            if (in.isVector()) {
                return Shape.of(units);
            }
            if (in.isSequence()) {
                return Shape.sequence(in.dim(0), units);
            }
            return in.isImage() ? problems.missingFlatten() : problems.wrongLayout(Shape.Layout.VECTOR,
                    Shape.Layout.SEQUENCE);
        }

        @Override
        public long parameterCount(Shape in) {
            return (long) units * in.last() + (bias ? units : 0);
        }

        @Override
        public int[] weightDims(Shape in) {
            return new int[] {in.last(), units};
        }

        @Override public <R> R accept(Visitor<R> visitor) { return visitor.dense(this); }
    }

    /**
     * {@code @BatchNorm}, PyTorch momentum convention; per channel of an image or a signal, per feature
     * of a vector.
     */
    record BatchNorm(double momentum, double epsilon) implements LayerSpec {
        @Override public String kind() { return "BatchNorm"; }
        @Override public String noun() { return "batch norm"; }

        @Override
        public Shape outputShape(Shape in, ShapeProblems problems) {
            return in.isImage() || in.isVector() || in.layout() == Shape.Layout.SIGNAL ? in
                    : problems.wrongLayout(Shape.Layout.VECTOR, Shape.Layout.IMAGE, Shape.Layout.SIGNAL);
        }

        /** gamma and beta, one per channel. */
        @Override public long parameterCount(Shape in) { return 2L * in.dim(0); }

        /** Running mean and running variance, one per channel. */
        @Override public long bufferCount(Shape in) { return 2L * in.dim(0); }

        @Override public <R> R accept(Visitor<R> visitor) { return visitor.batchNorm(this); }
    }

    /**
     * An elementwise or row-wise activation: {@code @ReLU, @ELU, @LeakyReLU, @Tanh, @Sigmoid, @Softmax,
     * @GELU, @SiLU}.
     */
    record Activation(Function function, double parameter) implements LayerSpec {
        /** The activation function; {@code parameter} is ELU's alpha or LeakyReLU's slope, else 0. */
        public enum Function {
            RELU("ReLU", true, true, true),
            ELU("ELU", true, false, true),
            LEAKY_RELU("LeakyReLU", true, true, true),
            TANH("Tanh", true, false, true),
            SIGMOID("Sigmoid", true, false, true),
            SOFTMAX("Softmax", false, false, false),
            /** {@code x * Phi(x)}, the exact (erf) form; dips to about -0.17 near x = -0.75. */
            GELU("GELU", true, false, false),
            /** GELU's tanh approximation (Hendrycks and Gimpel 2016), {@code @GELU(approximate = TANH)}. */
            GELU_TANH("GELU", true, false, false),
            /** {@code x * sigmoid(x)}; dips to about -0.28 near x = -1.28. */
            SILU("SiLU", true, false, false);

            private final String kind;
            private final boolean elementwise;
            private final boolean positivelyHomogeneous;
            private final boolean nonDecreasing;

            Function(String kind, boolean elementwise, boolean positivelyHomogeneous, boolean nonDecreasing) {
                this.kind = kind;
                this.elementwise = elementwise;
                this.positivelyHomogeneous = positivelyHomogeneous;
                this.nonDecreasing = nonDecreasing;
            }

            public String kind() { return kind; }

            /** Applied to each element independently (all but softmax). */
            public boolean isElementwise() { return elementwise; }

            /** {@code f(a x) = a f(x)} for {@code a >= 0}: ReLU and LeakyReLU. */
            public boolean isPositivelyHomogeneous() { return positivelyHomogeneous; }
        }

        @Override public String kind() { return function.kind(); }
        @Override public String noun() { return function.kind(); }

        /** Keeps the shape; Softmax needs a vector (it normalises over the features). */
        @Override
        public Shape outputShape(Shape in, ShapeProblems problems) {
            if (function != Function.SOFTMAX || in.isVector()) {
                return in;
            }
            return in.isImage() ? problems.missingFlatten() : problems.wrongLayout(Shape.Layout.VECTOR);
        }

        @Override public long parameterCount(Shape in) { return 0; }

        /**
         * Non-decreasing, so that it commutes with max pooling: every elementwise function here
         * except GELU and SiLU (both dip below 0 and rise again for negative inputs), LeakyReLU with a
         * negative slope and ELU with a negative alpha (both decrease for negative inputs).
         */
        public boolean isMonotone() {
            return function.isElementwise() && function.nonDecreasing && !(parameter < 0
                    && (function == Function.LEAKY_RELU || function == Function.ELU));
        }

        @Override public <R> R accept(Visitor<R> visitor) { return visitor.activation(this); }
    }

    /** {@code @Dropout}; rate is the probability of dropping. Keeps the shape. */
    record Dropout(double rate) implements LayerSpec {
        @Override public String kind() { return "Dropout"; }
        @Override public String noun() { return "dropout"; }
        @Override public Shape outputShape(Shape in, ShapeProblems problems) { return in; }
        @Override public long parameterCount(Shape in) { return 0; }
        @Override public <R> R accept(Visitor<R> visitor) { return visitor.dropout(this); }
    }

    /**
     * {@code @MaxPool2d} and {@code @AvgPool2d}, a {@code height x width} window; strides already
     * defaulted to the window size. VALID: {@code floor((in - window) / stride) + 1} per spatial axis,
     * which needs {@code window <= in} (PyTorch's pooling without padding); SAME: {@code ceil(in / stride)}
     * (Keras' pooling {@code padding="same"}).
     */
    record Pool2d(Mode mode, int height, int width, int strideHeight, int strideWidth, Conv2d.Padding padding)
            implements LayerSpec {
        public enum Mode { MAX, AVG }

        /** A square window, the same stride on both axes, no padding. */
        public Pool2d(Mode mode, int size, int stride) {
            this(mode, size, size, stride, stride, Conv2d.Padding.VALID);
        }

        @Override public String kind() { return mode == Mode.MAX ? "MaxPool2d" : "AvgPool2d"; }
        @Override public String noun() { return mode == Mode.MAX ? "max pool" : "average pool"; }

        @Override
        public Shape outputShape(Shape in, ShapeProblems problems) {
            if (!in.isImage()) {
                return problems.needsImage();
            }
            return Windows.outputShape(in.dim(0), in, height, width, strideHeight, strideWidth,
                    padding == Conv2d.Padding.SAME, "value", "window", problems);
        }

        @Override public long parameterCount(Shape in) { return 0; }
        @Override public <R> R accept(Visitor<R> visitor) { return visitor.pool2d(this); }
    }

    /** {@code @GlobalAvgPool2d}: {@code [C, H, W] -> [C]}, the mean of each channel. */
    record GlobalAvgPool2d() implements LayerSpec {
        @Override public String kind() { return "GlobalAvgPool2d"; }
        @Override public String noun() { return "global average pool"; }

        @Override
        public Shape outputShape(Shape in, ShapeProblems problems) {
            return in.isImage() ? Shape.of(in.dim(0)) : problems.needsImage();
        }

        @Override public long parameterCount(Shape in) { return 0; }
        @Override public <R> R accept(Visitor<R> visitor) { return visitor.globalAvgPool2d(this); }
    }

    /** {@code @Flatten}: {@code [C, H, W] -> [C * H * W]}; also {@code [T, D] -> [T * D]} and {@code [C, L] -> [C * L]}. */
    record Flatten() implements LayerSpec {
        @Override public String kind() { return "Flatten"; }
        @Override public String noun() { return "flatten"; }

        @Override
        public Shape outputShape(Shape in, ShapeProblems problems) {
            if (in.rank() < 2) {
                return in.isVector() ? problems.nothingToFlatten() : problems.wrongLayout(Shape.Layout.IMAGE,
                        Shape.Layout.SEQUENCE, Shape.Layout.SIGNAL);
            }
            // Fits in an int: shape inference checks every tensor before this one against its element limit.
            return Shape.of(Math.toIntExact(in.size()));
        }

        @Override public long parameterCount(Shape in) { return 0; }
        @Override public <R> R accept(Visitor<R> visitor) { return visitor.flatten(this); }
    }

    /**
     * The addition that ends a {@code @Residual}: {@code [shape] + [shape] -> [shape]}, shortcut
     * first, body second. Its shape is inferred from both inputs by {@code ShapeInference}, not by
     * {@link #outputShape}.
     */
    record Add() implements LayerSpec {
        @Override public String kind() { return "Residual"; }
        @Override public String noun() { return "residual addition"; }
        @Override public boolean isJunction() { return true; }

        /** {@code in}: the shapes were checked equal where both paths were inferred. */
        @Override
        public Shape outputShape(Shape in, ShapeProblems problems) {
            return in;
        }

        @Override public long parameterCount(Shape in) { return 0; }
        @Override public <R> R accept(Visitor<R> visitor) { return visitor.add(this); }
    }

    /**
     * The concatenation that ends a {@code @Concat}: on the channel axis of images
     * ({@code [C1, H, W], [C2, H, W] -> [C1 + C2, H, W]}) or the feature axis of vectors. Its shape is
     * inferred from its parts by {@code ShapeInference}, not by {@link #outputShape}.
     *
     * @param channels each part's size on the concatenated axis, in order; empty before shape inference
     */
    record Concat(List<Integer> channels) implements LayerSpec {
        public Concat {
            channels = List.copyOf(channels);
        }

        @Override public String kind() { return "Concat"; }
        @Override public String noun() { return "concatenation"; }
        @Override public boolean isJunction() { return true; }

        /** Not defined on one input: see the record's description. */
        @Override
        public Shape outputShape(Shape in, ShapeProblems problems) {
            throw new UnsupportedOperationException("a concatenation's shape comes from all of its parts");
        }

        @Override public long parameterCount(Shape in) { return 0; }
        @Override public <R> R accept(Visitor<R> visitor) { return visitor.concat(this); }
    }

    /**
     * {@code @Embedding}: token ids {@code [T] -> [T, dim]}, a learned row of {@code dim} features per
     * id of the vocabulary.
     */
    record Embedding(int vocabulary, int dim) implements LayerSpec {
        @Override public String kind() { return "Embedding"; }
        @Override public String noun() { return "embedding"; }

        @Override
        public Shape outputShape(Shape in, ShapeProblems problems) {
            return in.layout() == Shape.Layout.TOKENS ? Shape.sequence(in.dim(0), dim)
                    : problems.wrongLayout(Shape.Layout.TOKENS);
        }

        /** The table, {@code vocabulary x dim}. */
        @Override public long parameterCount(Shape in) { return (long) vocabulary * dim; }

        @Override public int[] weightDims(Shape in) { return new int[] {vocabulary, dim}; }

        @Override public <R> R accept(Visitor<R> visitor) { return visitor.embedding(this); }
    }

    /** {@code @PositionalEmbedding}: a learned {@code [T, D]} added to a sequence {@code [T, D]}. */
    record PositionalEmbedding() implements LayerSpec {
        @Override public String kind() { return "PositionalEmbedding"; }
        @Override public String noun() { return "positional embedding"; }

        @Override
        public Shape outputShape(Shape in, ShapeProblems problems) {
            return in.isSequence() ? in : problems.wrongLayout(Shape.Layout.SEQUENCE);
        }

        /** One row of D per position. */
        @Override public long parameterCount(Shape in) { return in.size(); }

        @Override public int[] weightDims(Shape in) { return in.dims(); }

        @Override public <R> R accept(Visitor<R> visitor) { return visitor.positionalEmbedding(this); }
    }

    /**
     * {@code @LayerNorm}: each example's vector, or each token's features, normalised over the last
     * axis and then scaled and shifted per feature (PyTorch's {@code nn.LayerNorm(D)}). Keeps the shape.
     */
    record LayerNorm(double epsilon) implements LayerSpec {
        @Override public String kind() { return "LayerNorm"; }
        @Override public String noun() { return "layer norm"; }

        @Override
        public Shape outputShape(Shape in, ShapeProblems problems) {
            return in.isVector() || in.isSequence() ? in
                    : problems.wrongLayout(Shape.Layout.VECTOR, Shape.Layout.SEQUENCE);
        }

        /** gamma and beta, one per feature of the last axis. */
        @Override public long parameterCount(Shape in) { return 2L * in.last(); }

        @Override public <R> R accept(Visitor<R> visitor) { return visitor.layerNorm(this); }
    }

    /**
     * {@code @MultiHeadAttention}: scaled dot-product self-attention of a sequence {@code [T, D]} with
     * {@code heads} heads of {@code D / heads} features, query, key, value and output projections
     * (each {@code D x D} with a bias), optionally causal, with dropout on the attention weights.
     * Keeps the shape.
     */
    record MultiHeadAttention(int heads, boolean causal, double dropout) implements LayerSpec {
        @Override public String kind() { return "MultiHeadAttention"; }
        @Override public String noun() { return "attention"; }

        @Override
        public Shape outputShape(Shape in, ShapeProblems problems) {
            if (!in.isSequence()) {
                return problems.wrongLayout(Shape.Layout.SEQUENCE);
            }
            return in.dim(1) % heads == 0 ? in : problems.headsDoNotDivide(heads);
        }

        /** Four {@code D x D} projections and their biases. */
        @Override public long parameterCount(Shape in) { return 4L * in.last() * in.last() + 4L * in.last(); }

        @Override public int[] weightDims(Shape in) { return new int[] {in.last(), in.last()}; }

        @Override public <R> R accept(Visitor<R> visitor) { return visitor.multiHeadAttention(this); }
    }

    /**
     * {@code @Patches}: an image {@code [C, H, W]} cut into non-overlapping {@code size x size}
     * patches, each flattened (channel, row, column) into one token: {@code [(H/size)(W/size),
     * C*size*size]}, patches in row-major order.
     */
    record Patches(int size) implements LayerSpec {
        @Override public String kind() { return "Patches"; }
        @Override public String noun() { return "patch embedding"; }

        @Override
        public Shape outputShape(Shape in, ShapeProblems problems) {
            if (!in.isImage()) {
                return problems.needsImage();
            }
            if (in.dim(1) % size != 0 || in.dim(2) % size != 0) {
                return problems.patchesDoNotDivide(size);
            }
            long tokens = (long) (in.dim(1) / size) * (in.dim(2) / size);
            long features = (long) in.dim(0) * size * size;
            // Both at most the input's element count, which shape inference checked against an int.
            return Shape.sequence(Math.toIntExact(tokens), Math.toIntExact(features));
        }

        @Override public long parameterCount(Shape in) { return 0; }
        @Override public <R> R accept(Visitor<R> visitor) { return visitor.patches(this); }
    }

    /**
     * {@code @GlobalAvgPool1d}: the mean over the sequence, {@code [T, D] -> [D]}, or over the length of
     * a signal, {@code [C, L] -> [C]}.
     */
    record GlobalAvgPool1d() implements LayerSpec {
        @Override public String kind() { return "GlobalAvgPool1d"; }
        @Override public String noun() { return "global average pool"; }

        @Override
        public Shape outputShape(Shape in, ShapeProblems problems) {
            if (in.isSequence()) {
                return Shape.of(in.dim(1));
            }
            return in.layout() == Shape.Layout.SIGNAL ? Shape.of(in.dim(0))
                    : problems.wrongLayout(Shape.Layout.SEQUENCE, Shape.Layout.SIGNAL);
        }

        @Override public long parameterCount(Shape in) { return 0; }
        @Override public <R> R accept(Visitor<R> visitor) { return visitor.globalAvgPool1d(this); }
    }

    /**
     * {@code @Conv1d}: a signal {@code [C, L] -> [filters, L']}, {@code L'} as for {@link Conv2d} on one
     * axis: VALID {@code floor((L - kernel) / stride) + 1}, SAME {@code ceil(L / stride)}.
     */
    record Conv1d(int filters, int kernel, int stride, Conv2d.Padding padding, boolean bias) implements LayerSpec {
        @Override public String kind() { return "Conv1d"; }
        @Override public String noun() { return "conv"; }
        @Override public boolean isWeightLayer() { return true; }

        @Override
        public Shape outputShape(Shape in, ShapeProblems problems) {
            if (in.layout() != Shape.Layout.SIGNAL) {
                return problems.wrongLayout(Shape.Layout.SIGNAL);
            }
            if (padding == Conv2d.Padding.SAME) {
                return Shape.of(filters, Windows.ceilDiv(in.dim(1), stride));
            }
            if (kernel > in.dim(1)) {
                return problems.windowTooLarge("kernel", "kernel", kernel);
            }
            return Shape.of(filters, Windows.slide(in.dim(1), kernel, stride));
        }

        @Override
        public long parameterCount(Shape in) {
            return (long) filters * in.dim(0) * kernel + (bias ? filters : 0);
        }

        @Override
        public int[] weightDims(Shape in) {
            return new int[] {filters, in.dim(0), kernel};
        }

        @Override public <R> R accept(Visitor<R> visitor) { return visitor.conv1d(this); }
    }

    /**
     * {@code @MaxPool1d}; stride already defaulted to the window size. A signal {@code [C, L] -> [C,
     * floor((L - size) / stride) + 1]}, which needs {@code size <= L}.
     */
    record MaxPool1d(int size, int stride) implements LayerSpec {
        @Override public String kind() { return "MaxPool1d"; }
        @Override public String noun() { return "max pool"; }

        @Override
        public Shape outputShape(Shape in, ShapeProblems problems) {
            if (in.layout() != Shape.Layout.SIGNAL) {
                return problems.wrongLayout(Shape.Layout.SIGNAL);
            }
            if (size > in.dim(1)) {
                return problems.windowTooLarge("value", "window", size);
            }
            return Shape.of(in.dim(0), Windows.slide(in.dim(1), size, stride));
        }

        @Override public long parameterCount(Shape in) { return 0; }
        @Override public <R> R accept(Visitor<R> visitor) { return visitor.maxPool1d(this); }
    }
}
