package dev.lamina.processor.ir;

/** Window arithmetic of the shape rules of convolutions and pooling, per spatial axis. */
final class Windows {
    private Windows() {}

    /**
     * {@code [channels, H', W']} for a {@code kh x kw} window moving by {@code sh x sw} over the image
     * {@code in}: SAME gives {@code ceil(in / stride)} per axis (TensorFlow's definition), VALID
     * {@code floor((in - window) / stride) + 1}, or the problem when the window does not fit.
     */
    static Shape outputShape(int channels, Shape in, int kh, int kw, int sh, int sw, boolean same, String member,
            String what, ShapeProblems problems) {
        if (same) {
            return Shape.of(channels, ceilDiv(in.dim(1), sh), ceilDiv(in.dim(2), sw));
        }
        if (kh > in.dim(1) || kw > in.dim(2)) {
            return problems.windowTooLarge(member, what, kh, kw);
        }
        return Shape.of(channels, slide(in.dim(1), kh, sh), slide(in.dim(2), kw, sw));
    }

    /** Number of window positions: {@code floor((in - size) / stride) + 1}, for {@code size <= in}. */
    static int slide(int in, int size, int stride) {
        return (in - size) / stride + 1;
    }

    /** {@code ceil(in / stride)} for positive operands, without int overflow. */
    static int ceilDiv(int in, int stride) {
        return (int) (((long) in + stride - 1) / stride);
    }
}
