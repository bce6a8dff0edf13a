package dev.lamina.runtime.kernel;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Concatenation on axis 1: the channel axis of NCHW images ({@code [N, C1, H, W], [N, C2, H, W] ->
 * [N, C1 + C2, H, W]}) or the feature axis of vectors ({@code [N, F1], [N, F2] -> [N, F1 + F2]}), as
 * an Inception module (Szegedy et al. 2015, arXiv 1409.4842) or a DenseNet layer (Huang et al. 2017,
 * arXiv 1608.06993) joins its branches. Backward hands each part its slice of dL/dy. FLOAT or DOUBLE;
 * inputs are not modified.
 */
public final class Concat {
    private Concat() {}

    /**
     * Forward pass.
     *
     * @param parts the tensors to join, in order: equal in every axis but 1, of one floating-point type
     * @return the parts joined on axis 1, a new dense array
     * @throws IllegalArgumentException if there are no parts, or their ranks, other axes or types differ
     */
    public static INDArray forward(INDArray... parts) {
        if (parts == null || parts.length == 0) {
            throw new IllegalArgumentException("nothing to concatenate");
        }
        INDArray first = parts[0];
        Support.checkNotNull(first, "parts[0]");
        Support.checkFloating(first, "parts[0]");
        for (int i = 1; i < parts.length; i++) {
            INDArray p = parts[i];
            Support.checkNotNull(p, "parts[" + i + "]");
            Support.checkSameType(first, p, "parts[" + i + "]");
            long[] a = first.shape().clone();
            long[] b = p.shape().clone();
            if (a.length != b.length || a.length < 2) {
                throw new IllegalArgumentException("parts[" + i + "] has shape " + Arrays.toString(b)
                        + ", parts[0] " + Arrays.toString(a) + ": ranks differ or are below 2");
            }
            a[1] = 0;
            b[1] = 0;
            if (!Arrays.equals(a, b)) {
                throw new IllegalArgumentException("parts[" + i + "] has shape " + Arrays.toString(p.shape())
                        + ", parts[0] " + Arrays.toString(first.shape()) + ": they may differ only in axis 1");
            }
        }
        if (parts.length == 1) {
            return first.dup('c');
        }
        return org.nd4j.linalg.factory.Nd4j.concat(1, parts);
    }

    /**
     * Backward pass for one part: its slice {@code [from, to)} of dL/dy on axis 1.
     *
     * @param dy   dL/dy, the concatenation's shape
     * @param from the part's first index on axis 1
     * @param to   one past its last index on axis 1
     * @return dL/d(part), a new dense array
     * @throws IllegalArgumentException if {@code [from, to)} is empty or outside axis 1 of dy
     */
    public static INDArray part(INDArray dy, long from, long to) {
        Support.checkNotNull(dy, "dy");
        if (dy.rank() < 2 || from < 0 || to <= from || to > dy.size(1)) {
            throw new IllegalArgumentException("no part [" + from + ", " + to + ") on axis 1 of dy "
                    + Arrays.toString(dy.shape()));
        }
        INDArrayIndex[] at = new INDArrayIndex[dy.rank()];
        Arrays.fill(at, NDArrayIndex.all());
        at[1] = NDArrayIndex.interval(from, to);
        return dy.get(at).dup('c');
    }
}
