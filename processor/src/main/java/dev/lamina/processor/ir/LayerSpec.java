package dev.lamina.processor.ir;

/**
 * What a layer computes, independent of where it was declared: the layer kind and its
 * hyperparameters, already defaulted. One record per kind; rules and rewrites match on the type.
 */
public sealed interface LayerSpec {
    /** The DSL annotation's simple name, e.g. {@code "Conv2d"}. */
    String kind();

    /** Whether the layer holds trainable weights (Conv2d, Dense); BatchNorm's affine pair does not count. */
    default boolean isWeightLayer() {
        return false;
    }

    /** {@code @Conv2d}. */
    record Conv2d(int filters, int kernel, int stride, Padding padding, boolean bias) implements LayerSpec {
        public enum Padding { VALID, SAME }

        @Override public String kind() { return "Conv2d"; }
        @Override public boolean isWeightLayer() { return true; }
        public Conv2d withBias(boolean b) { return new Conv2d(filters, kernel, stride, padding, b); }
    }

    /** {@code @Dense}. */
    record Dense(int units, boolean bias) implements LayerSpec {
        @Override public String kind() { return "Dense"; }
        @Override public boolean isWeightLayer() { return true; }
        public Dense withBias(boolean b) { return new Dense(units, b); }
    }

    /** {@code @BatchNorm}, PyTorch momentum convention. */
    record BatchNorm(double momentum, double epsilon) implements LayerSpec {
        @Override public String kind() { return "BatchNorm"; }
    }

    /** An elementwise or row-wise activation: {@code @ReLU, @ELU, @LeakyReLU, @Tanh, @Sigmoid, @Softmax}. */
    record Activation(Function function, double parameter) implements LayerSpec {
        /** The activation function; {@code parameter} is ELU's alpha or LeakyReLU's slope, else 0. */
        public enum Function {
            RELU("ReLU", true, true),
            ELU("ELU", true, false),
            LEAKY_RELU("LeakyReLU", true, true),
            TANH("Tanh", true, false),
            SIGMOID("Sigmoid", true, false),
            SOFTMAX("Softmax", false, false);

            private final String kind;
            private final boolean elementwise;
            private final boolean positivelyHomogeneous;

            Function(String kind, boolean elementwise, boolean positivelyHomogeneous) {
                this.kind = kind;
                this.elementwise = elementwise;
                this.positivelyHomogeneous = positivelyHomogeneous;
            }

            public String kind() { return kind; }

            /** Applied to each element independently (all but softmax). */
            public boolean isElementwise() { return elementwise; }

            /** {@code f(a x) = a f(x)} for {@code a >= 0}: ReLU and LeakyReLU. */
            public boolean isPositivelyHomogeneous() { return positivelyHomogeneous; }
        }

        @Override public String kind() { return function.kind(); }

        /**
         * Non-decreasing, so that it commutes with max pooling: every elementwise function here
         * except LeakyReLU with a negative slope and ELU with a negative alpha (both decrease for
         * negative inputs).
         */
        public boolean isMonotone() {
            return function.isElementwise() && !(parameter < 0
                    && (function == Function.LEAKY_RELU || function == Function.ELU));
        }
    }

    /** {@code @Dropout}; rate is the probability of dropping. */
    record Dropout(double rate) implements LayerSpec {
        @Override public String kind() { return "Dropout"; }
    }

    /** {@code @MaxPool2d} and {@code @AvgPool2d}; stride already defaulted to the window size. */
    record Pool2d(Mode mode, int size, int stride) implements LayerSpec {
        public enum Mode { MAX, AVG }

        @Override public String kind() { return mode == Mode.MAX ? "MaxPool2d" : "AvgPool2d"; }
    }

    /** {@code @Flatten}. */
    record Flatten() implements LayerSpec {
        @Override public String kind() { return "Flatten"; }
    }
}
