package dev.lamina.processor.ir;

import java.util.Arrays;

/**
 * A tensor shape of one example, without the batch axis: {@code [C, H, W]} (NCHW images) or
 * {@code [F]} (feature vectors).
 */
public record Shape(int[] dims) {
    public Shape {
        dims = dims.clone();
    }

    public static Shape of(int... dims) {
        return new Shape(dims);
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
        return dims.length == 3;
    }

    /** True for {@code [F]}. */
    public boolean isVector() {
        return dims.length == 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** {@code [32, 26, 26]}. */
    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
