package dev.lamina.runtime.kernel;

import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per-channel shifted sums of a tensor {@code y [N, C, ...]}, the statistics BatchNorm needs in training,
 * filled by {@link Conv2d#forward(org.nd4j.linalg.api.ndarray.INDArray, org.nd4j.linalg.api.ndarray.INDArray,
 * org.nd4j.linalg.api.ndarray.INDArray, Conv2d.Geometry, ChannelSums)} while it writes y, so that a following
 * BatchNorm need not read y once more for them.
 *
 * <p>For each channel c over its M = N * (positions per image) values ({@link #count()}):
 * <pre>
 *   shift(c)      = y[0, c, 0, 0]          (the channel's first value: near the mean)
 *   sum(c)        = sum (y - shift(c))
 *   sumSquares(c) = sum (y - shift(c))^2
 * </pre>
 * exactly as {@code FusedLoops.shiftedSums} defines them (in double, or in float lanes folded into double
 * on the Vector API loops). The shift keeps the variance {@code sumSquares / M - (sum / M)^2} from
 * cancelling when the mean is large against the spread (Chan, Golub and LeVeque 1983, "Algorithms for
 * computing the sample variance"). {@link #mean} and {@link #variance} give BatchNorm's batch statistics
 * (the biased variance, as PyTorch normalises with).
 *
 * <p>These are the sums {@link BatchNormActivation}'s training pass takes over its input before it
 * normalises (the same shift, the same definitions, mean and variance by the same formulas), so a chain
 * {@code Conv2d -> BatchNorm} could hand them over and skip that pass: one read of the convolution's
 * output fewer.
 *
 * <p>One instance may be reused for any number of calls: each call overwrites it, growing its arrays when
 * a call has more channels, so a training step allocates nothing for it. Not thread-safe.
 */
public final class ChannelSums {
    private int channels;
    private long count;
    private double[] shift = new double[0];
    private double[] sum = new double[0];
    private double[] sumSquares = new double[0];
    /** Per (image, channel) pairs: the sums of one plane, added up per channel in image order. */
    private double[] partial = new double[0];

    /** An empty instance, to pass to a kernel that fills it. */
    public ChannelSums() {}

    /** Sets the size of the next fill and clears the sums; returns the per-(image, channel) scratch. */
    double[] reset(int channels, long count, int images) {
        if (shift.length < channels) {
            shift = new double[channels];
            sum = new double[channels];
            sumSquares = new double[channels];
        }
        this.channels = channels;
        this.count = count;
        Arrays.fill(sum, 0, channels, 0.0);
        Arrays.fill(sumSquares, 0, channels, 0.0);
        int pairs = 2 * images * channels;
        if (partial.length < pairs) {
            partial = new double[pairs];
        }
        return partial;
    }

    /** Adds the per-(image, channel) sums of {@link #reset}'s scratch into the channels' sums, image by image. */
    void addPartials(int images) {
        for (int n = 0; n < images; n++) {
            for (int c = 0; c < channels; c++) {
                int at = 2 * (n * channels + c);
                sum[c] += partial[at];
                sumSquares[c] += partial[at + 1];
            }
        }
    }

    void setShift(int c, double value) {
        shift[c] = value;
    }

    /**
     * Fills this from a finished tensor {@code y [N, C, ...]} (FLOAT or DOUBLE), channel by channel in
     * parallel, each channel's runs in image order: the kernels' fallback when they cannot sum while
     * writing y.
     */
    void fillFrom(INDArray y, FusedLoops loops) {
        BatchNorm.Channels ch = new BatchNorm.Channels(y);
        reset(ch.c, (long) ch.n * ch.inner, 0);
        Buffer buffer = Segments.buffer(ch.x);
        int off = (int) ch.x.offset(), inner = ch.inner;
        Parallel.forRange(ch.c, 2L * ch.x.length(), (from, to) -> {
            double[] two = new double[2];
            for (int c = from; c < to; c++) {
                two[0] = 0;
                two[1] = 0;
                if (buffer instanceof FloatBuffer fb) {
                    float[] run = Staging.floats(0, inner);
                    float first = fb.get(off + ch.start(0, c));
                    for (int n = 0; n < ch.n; n++) {
                        fb.get(off + ch.start(n, c), run, 0, inner);
                        loops.shiftedSums(run, 0, inner, first, two);
                    }
                    shift[c] = first;
                } else {
                    DoubleBuffer db = (DoubleBuffer) buffer;
                    double first = db.get(off + ch.start(0, c));
                    for (int n = 0; n < ch.n; n++) {
                        Segments.shiftedSums(db, off + ch.start(n, c), inner, first, two);
                    }
                    shift[c] = first;
                }
                sum[c] = two[0];
                sumSquares[c] = two[1];
            }
        });
    }

    /**
     * The number of channels of the last fill.
     *
     * @return C, 0 before the first fill
     */
    public int channels() {
        return channels;
    }

    /**
     * The number of values summed per channel.
     *
     * @return M = N times the positions per image (OH * OW for a convolution), 0 before the first fill
     */
    public long count() {
        return count;
    }

    /**
     * The value the channel's sums are taken relative to.
     *
     * @param c a channel in {@code [0, channels())}
     * @return {@code y[0, c, 0, 0]}, the channel's first value
     * @throws IndexOutOfBoundsException if c is not a channel of the last fill
     */
    public double shift(int c) {
        return shift[checkChannel(c)];
    }

    /**
     * {@code sum (y - shift(c))} over the channel's values.
     *
     * @param c a channel in {@code [0, channels())}
     * @return the shifted sum
     * @throws IndexOutOfBoundsException if c is not a channel of the last fill
     */
    public double sum(int c) {
        return sum[checkChannel(c)];
    }

    /**
     * {@code sum (y - shift(c))^2} over the channel's values.
     *
     * @param c a channel in {@code [0, channels())}
     * @return the shifted sum of squares
     * @throws IndexOutOfBoundsException if c is not a channel of the last fill
     */
    public double sumSquares(int c) {
        return sumSquares[checkChannel(c)];
    }

    /**
     * The channel's mean, {@code shift + sum / M}.
     *
     * @param c a channel in {@code [0, channels())}
     * @return the mean over the channel's M values
     * @throws IndexOutOfBoundsException if c is not a channel of the last fill
     */
    public double mean(int c) {
        return shift(c) + sum[c] / count;
    }

    /**
     * The channel's biased variance, {@code sumSquares / M - (sum / M)^2}, at least 0.
     *
     * @param c a channel in {@code [0, channels())}
     * @return the variance over the channel's M values (divided by M, not M - 1)
     * @throws IndexOutOfBoundsException if c is not a channel of the last fill
     */
    public double variance(int c) {
        double meanShift = sum[checkChannel(c)] / count;
        return Math.max(sumSquares[c] / count - meanShift * meanShift, 0.0);
    }

    private int checkChannel(int c) {
        if (c < 0 || c >= channels) {
            throw new IndexOutOfBoundsException("channel " + c + " of " + channels);
        }
        return c;
    }
}
