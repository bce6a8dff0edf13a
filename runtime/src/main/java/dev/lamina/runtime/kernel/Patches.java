package dev.lamina.runtime.kernel;

import java.nio.Buffer;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Cuts images into non-overlapping square patches and flattens each into a token, the first step of a
 * Vision Transformer's patch embedding (Dosovitskiy et al. 2021, "An Image is Worth 16x16 Words",
 * arXiv 2010.11929, section 3.1; a {@link Dense} layer after it is the linear projection). x
 * {@code [N, C, H, W]} with patch size P dividing H and W gives y {@code [N, (H/P)(W/P), C*P*P]}:
 * <pre>
 *   y[n, pi * (W/P) + pj, (c * P + i) * P + j] = x[n, c, pi * P + i, pj * P + j]
 * </pre>
 * Patches are numbered in row-major order over the image and each is flattened in (c, i, j) order,
 * exactly as PyTorch's {@code x.unfold(2, P, P).unfold(3, P, P).permute(0, 2, 3, 1, 4, 5).reshape(N, -1, C*P*P)},
 * and as a {@code Conv2d(C, F, kernel_size=P, stride=P)} patch embedding flattens its weights
 * ({@code weight.reshape(F, C*P*P)} is the transpose of the equivalent Dense weights). The mapping is
 * a permutation, so backward is its inverse. FLOAT or DOUBLE; inputs are not modified.
 */
public final class Patches {
    private Patches() {}

    /**
     * Forward pass.
     *
     * @param x    images {@code [N, C, H, W]}, FLOAT or DOUBLE
     * @param size the patch side P, at least 1, dividing H and W
     * @return y {@code [N, (H/P)(W/P), C*P*P]}, a new array of x's type
     * @throws IllegalArgumentException if x is not of rank 4 or P does not divide H and W
     */
    public static INDArray forward(INDArray x, int size) {
        check(x, size);
        long n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        INDArray y = Support.newArray(x.dataType(), n, (h / size) * (w / size), c * size * size);
        permute(Support.denseC(x), y, (int) c, (int) h, (int) w, size, true);
        return y;
    }

    /**
     * Backward pass: puts each token's gradient back at its pixels.
     *
     * @param x    the forward input {@code [N, C, H, W]} (only its shape and type are read)
     * @param dy   dL/dy {@code [N, (H/P)(W/P), C*P*P]}
     * @param size the forward pass's patch side P
     * @return dL/dx {@code [N, C, H, W]}, a new array
     * @throws IllegalArgumentException if dy does not have the forward output's shape and x's type
     */
    public static INDArray backward(INDArray x, INDArray dy, int size) {
        check(x, size);
        long n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        Support.checkShape(dy, "dy", n, (h / size) * (w / size), c * size * size);
        Support.checkSameType(x, dy, "dy");
        INDArray dx = Support.newLike(x);
        permute(Support.denseC(dy), dx, (int) c, (int) h, (int) w, size, false);
        return dx;
    }

    /** Per image, pixels to patches (forward) or back, in bulk runs of P values (a patch row). */
    private static void permute(INDArray src, INDArray dst, int c, int h, int w, int p, boolean toPatches) {
        int n = (int) src.size(0), block = c * h * w, wp = w / p, hp = h / p;
        Buffer sb = Segments.buffer(src), db = Segments.buffer(dst);
        int so = (int) src.offset(), dOff = (int) dst.offset();
        Parallel.forRange(n, 2L * n * block, (from, to) -> {
            for (int e = from; e < to; e++) {
                double[] in = Rows.read(sb, so + e * block, block, 0);
                double[] out = Staging.doubles(1, block);
                for (int pi = 0; pi < hp; pi++) {
                    for (int pj = 0; pj < wp; pj++) {
                        for (int ch = 0; ch < c; ch++) {
                            for (int i = 0; i < p; i++) {
                                int pixel = (ch * h + pi * p + i) * w + pj * p;
                                int token = (((pi * wp + pj) * c + ch) * p + i) * p;
                                if (toPatches) {
                                    System.arraycopy(in, pixel, out, token, p);
                                } else {
                                    System.arraycopy(in, token, out, pixel, p);
                                }
                            }
                        }
                    }
                }
                Rows.write(db, dOff + e * block, out, block, 1);
            }
        });
    }

    private static void check(INDArray x, int size) {
        Support.checkRank(x, 4, "x");
        if (size < 1 || x.size(2) % size != 0 || x.size(3) % size != 0) {
            throw new IllegalArgumentException("patch size " + size + " must divide the height and width of x "
                    + Arrays.toString(x.shape()));
        }
        if (x.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arrays above 2^31 elements are not supported");
        }
    }
}
