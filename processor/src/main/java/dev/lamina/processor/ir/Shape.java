package dev.lamina.processor.ir;

import java.util.Arrays;
import java.util.StringJoiner;

/**
 * A tensor shape of one example, without the batch axis, and what its axes mean ({@link Layout}):
 * {@code [F]} (a feature vector), {@code [C, H, W]} (an NCHW image), {@code [T, D]} (a token
 * sequence, from {@code @Embedding} or {@code @Patches}), {@code [C, L]} (a signal: a 2-D
 * {@code input}, in PyTorch's {@code Conv1d} layout) or {@code [T]} (token ids, a model's input
 * when declared with {@code tokens = true}). Two shapes are equal when both their dimensions and
 * their layouts are: a sequence {@code [4, 8]} is not a signal {@code [4, 8]}.
 *
 * @param dims   the dimensions
 * @param layout what they mean; its rank is {@code dims.length}
 */
public record Shape(int[] dims, Layout layout) {
    /** What the axes of a shape mean. Vectors and images print as before: {@code [10]}, {@code [1, 28, 28]}. */
    public enum Layout {
        /** {@code [F]}: features. */
        VECTOR(1, "a vector", "[features]"),
        /** {@code [C, H, W]}: channels, height, width. */
        IMAGE(3, "an image", "[channels, height, width]"),
        /** {@code [T, D]}: tokens, features per token. */
        SEQUENCE(2, "a token sequence", "[T, D]"),
        /** {@code [C, L]}: channels, length. */
        SIGNAL(2, "a signal", "[C, L]"),
        /** {@code [T]}: integer token ids. */
        TOKENS(1, "token ids", "[T]");

        private final int rank;
        private final String noun;
        private final String axes;

        Layout(int rank, String noun, String axes) {
            this.rank = rank;
            this.noun = noun;
            this.axes = axes;
        }

        /** The number of axes. */
        public int rank() {
            return rank;
        }

        /** {@code "a token sequence [T, D]"}: the layout as messages name it. */
        public String describe() {
            return noun + " " + axes;
        }

        /** {@code "a token sequence"}. */
        public String noun() {
            return noun;
        }

        /** The layout that rank-{@code rank} dimensions have by default (a vector, a signal, an image). */
        static Layout ofRank(int rank) {
            switch (rank) {
                case 1:
                    return VECTOR;
                case 2:
                    return SIGNAL;
                case 3:
                    return IMAGE;
                default:
                    throw new IllegalArgumentException("no layout of rank " + rank);
            }
        }
    }

    public Shape {
        dims = dims.clone();
        if (layout.rank() != dims.length) {
            throw new IllegalArgumentException(layout + " needs " + layout.rank() + " dimensions, got "
                    + Arrays.toString(dims));
        }
    }

    /** {@code [F]}, {@code [C, L]} or {@code [C, H, W]}: the default layout of the rank (a 2-D input is a signal). */
    public static Shape of(int... dims) {
        return new Shape(dims, Layout.ofRank(dims.length));
    }

    /** A token sequence {@code [T, D]}. */
    public static Shape sequence(int tokens, int features) {
        return new Shape(new int[] {tokens, features}, Layout.SEQUENCE);
    }

    /** Token ids {@code [T]}. */
    public static Shape tokens(int tokens) {
        return new Shape(new int[] {tokens}, Layout.TOKENS);
    }

    @Override
    public int[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int axis) {
        return dims[axis];
    }

    /** The last axis: features of a vector or a sequence, width of an image, length of a signal. */
    public int last() {
        return dims[dims.length - 1];
    }

    /** Product of all dimensions; the number of scalars in one example. */
    public long size() {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /** True for {@code [C, H, W]}. */
    public boolean isImage() {
        return layout == Layout.IMAGE;
    }

    /** True for {@code [F]}. */
    public boolean isVector() {
        return layout == Layout.VECTOR;
    }

    /** True for {@code [T, D]}. */
    public boolean isSequence() {
        return layout == Layout.SEQUENCE;
    }

    /** {@code "a token sequence [T=16, D=64]"}: the layout's noun and this shape. */
    public String describe() {
        return layout.noun() + " " + this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && layout == s.layout && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(dims) + layout.hashCode();
    }

    /**
     * {@code [32, 26, 26]} for images and {@code [10]} for vectors; the layouts of rank 1 and 2 that
     * could be mistaken for them name their axes: {@code [T=16, D=64]}, {@code [C=2, L=100]},
     * {@code [T=16]} (token ids).
     */
    @Override
    public String toString() {
        switch (layout) {
            case SEQUENCE:
                return "[T=" + dims[0] + ", D=" + dims[1] + "]";
            case SIGNAL:
                return "[C=" + dims[0] + ", L=" + dims[1] + "]";
            case TOKENS:
                return "[T=" + dims[0] + "]";
            default:
                StringJoiner s = new StringJoiner(", ", "[", "]");
                for (int d : dims) {
                    s.add(Integer.toString(d));
                }
                return s.toString();
        }
    }
}
