package dev.lamina.processor.ir;

/** Window arithmetic of the shape rules of convolutions and pooling, per spatial axis. */
final class Windows {
    private Windows() {}

    /** Whether a square window of side {@code size} fits the image {@code [C, H, W]}. */
    static boolean fits(int size, Shape image) {
        return size <= image.dim(1) && size <= image.dim(2);
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
