package dev.lamina.processor.shape;

import dev.lamina.processor.ir.Shape;

/**
 * The projection shortcut that maps a residual's input to its body's output shape, suggested when
 * the two differ: a 1x1 {@code @Conv2d} with the body's filters and the stride that gives its
 * height and width (one value when one fits both axes, else {@code {height, width}}), then {@code @BatchNorm} (He et al. 2016, arXiv 1512.03385, option B, as
 * torchvision's ResNet writes it), or its 1-D twin for signals; for vectors, and for sequences of one
 * length, a {@code @Dense} without bias.
 */
final class ProjectionShortcut {
    private ProjectionShortcut() {}

    /** The block to suggest, e.g. "a @Block with @Conv2d(...) and @BatchNorm", or null when none fits. */
    static String suggest(Shape input, Shape target) {
        if (input.isVector() && target.isVector()) {
            return "a @Block with @Dense(value = " + target.dim(0) + ", bias = false)";
        }
        if (input.isSequence() && target.isSequence() && input.dim(0) == target.dim(0)) {
            return "a @Block with @Dense(value = " + target.dim(1) + ", bias = false)";
        }
        if (input.layout() == Shape.Layout.SIGNAL && target.layout() == Shape.Layout.SIGNAL) {
            int stride = stride(input.dim(1), input.dim(1), target.dim(1), target.dim(1));
            return stride == 0 ? null : "a @Block with @Conv1d(filters = " + target.dim(0) + ", kernel = 1"
                    + (stride == 1 ? "" : ", stride = " + stride) + ", bias = false) and @BatchNorm";
        }
        if (!input.isImage() || !target.isImage()) {
            return null;
        }
        int stride = stride(input.dim(1), input.dim(2), target.dim(1), target.dim(2));
        String strides;
        if (stride != 0) {
            strides = stride == 1 ? "" : ", stride = " + stride;
        } else {
            int sh = stride(input.dim(1), input.dim(1), target.dim(1), target.dim(1));
            int sw = stride(input.dim(2), input.dim(2), target.dim(2), target.dim(2));
            if (sh == 0 || sw == 0) {
                return null;
            }
            strides = ", stride = {" + sh + ", " + sw + "}";
        }
        return "a @Block with @Conv2d(filters = " + target.dim(0) + ", kernel = 1" + strides
                + ", bias = false) and @BatchNorm";
    }

    /**
     * The smallest stride with which a 1x1 convolution turns {@code h x w} into {@code toH x toW}
     * (its output is {@code ceil(in / stride)} per axis, with either padding), or 0 for none.
     */
    private static int stride(int h, int w, int toH, int toW) {
        if (toH < 1 || toW < 1 || toH > h || toW > w) {
            return 0;
        }
        // ceil(in / s) does not increase with s, so the strides that fit one axis are an interval
        // starting at ceil(in / to); the smallest stride that may fit both starts the later interval.
        int stride = Math.max(ceilDiv(h, toH), ceilDiv(w, toW));
        return ceilDiv(h, stride) == toH && ceilDiv(w, stride) == toW ? stride : 0;
    }

    private static int ceilDiv(int in, int stride) {
        return (int) (((long) in + stride - 1) / stride);
    }
}
