package dev.lamina.examples.study;

import java.util.Random;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

/**
 * The study's statistics: means, standard deviations, ranks and correlations from Apache Commons
 * Math; the permutation tests, which it does not offer, here, exact where the sample sizes allow.
 */
public final class Stats {
    private Stats() {}

    /** Above this many items, permutation tests sample instead of enumerating. */
    private static final int EXACT_LIMIT = 10;
    private static final int SAMPLED_PERMUTATIONS = 200_000;
    /** Ranks from 1, ties sharing the mean of their ranks, NaN above every number. */
    private static final NaturalRanking RANKING = new NaturalRanking(NaNStrategy.MAXIMAL, TiesStrategy.AVERAGE);

    /**
     * Mean and sample standard deviation of a set of numbers.
     *
     * @param mean the mean; NaN when {@code n == 0}
     * @param sd   the standard deviation with n - 1 in the denominator; NaN when {@code n < 2}
     * @param n    how many numbers
     */
    public record Summary(double mean, double sd, int n) {
        /** {@return the summary of {@code values}} */
        public static Summary of(double... values) {
            int n = values.length;
            double mean = StatUtils.mean(values); // NaN when empty
            double sd = n < 2 ? Double.NaN : Math.sqrt(StatUtils.variance(values, mean));
            return new Summary(mean, sd, n);
        }
    }

    /**
     * Spearman's rank correlation with a two-sided permutation p-value.
     *
     * @param rho       Pearson's correlation of the ranks (ties get mean ranks); NaN if either side is constant
     * @param p         the fraction of the n! pairings (all of them for n <= 10, else a fixed-seed sample of
     *                  200,000) whose |rho| is at least the observed |rho|; NaN if rho is NaN
     * @param n         how many pairs
     * @param exact     whether p enumerated every permutation
     */
    public record Correlation(double rho, double p, int n, boolean exact) {}

    /** @throws IllegalArgumentException if the arrays differ in length or have fewer than 3 items */
    public static Correlation spearman(double[] x, double[] y) {
        if (x.length != y.length || x.length < 3) {
            throw new IllegalArgumentException("need two equally long lists of at least 3 values, found "
                    + x.length + " and " + y.length);
        }
        double[] rx = RANKING.rank(x);
        double[] ry = RANKING.rank(y);
        PearsonsCorrelation pearson = new PearsonsCorrelation();
        double rho = pearson.correlation(rx, ry);
        if (Double.isNaN(rho)) {
            return new Correlation(rho, Double.NaN, x.length, true);
        }
        double threshold = Math.abs(rho) - 1e-12;
        int n = x.length;
        if (n <= EXACT_LIMIT) {
            long[] counts = new long[2];
            permute(ry.clone(), n, rx, threshold, counts, pearson);
            return new Correlation(rho, (double) counts[0] / counts[1], n, true);
        }
        Random random = new Random(1);
        double[] shuffled = ry.clone();
        int atLeast = 0;
        for (int t = 0; t < SAMPLED_PERMUTATIONS; t++) {
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                double tmp = shuffled[i];
                shuffled[i] = shuffled[j];
                shuffled[j] = tmp;
            }
            if (Math.abs(pearson.correlation(rx, shuffled)) >= threshold) {
                atLeast++;
            }
        }
        return new Correlation(rho, (atLeast + 1.0) / (SAMPLED_PERMUTATIONS + 1.0), n, false);
    }

    /** Heap's algorithm over a[0..k): counts[1] permutations, counts[0] of them with |r| >= threshold. */
    private static void permute(double[] a, int k, double[] fixed, double threshold, long[] counts,
            PearsonsCorrelation pearson) {
        if (k == 1) {
            counts[1]++;
            if (Math.abs(pearson.correlation(fixed, a)) >= threshold) {
                counts[0]++;
            }
            return;
        }
        for (int i = 0; i < k - 1; i++) {
            permute(a, k - 1, fixed, threshold, counts, pearson);
            int j = k % 2 == 0 ? i : 0;
            double tmp = a[j];
            a[j] = a[k - 1];
            a[k - 1] = tmp;
        }
        permute(a, k - 1, fixed, threshold, counts, pearson);
    }

    /**
     * The difference of two groups' means with a two-sided permutation p-value over every way of
     * splitting the pooled values into groups of the same sizes.
     *
     * @param meanA      mean of group a
     * @param meanB      mean of group b
     * @param difference mean of group a minus mean of group b
     * @param p          fraction of the C(n, |a|) splits whose |difference| is at least the observed one
     * @param splits     how many splits p is over
     */
    public record GroupDifference(double meanA, double meanB, double difference, double p, long splits) {}

    /** @throws IllegalArgumentException if a group is empty or there are more than 20 values */
    public static GroupDifference groupDifference(double[] a, double[] b) {
        if (a.length == 0 || b.length == 0 || a.length + b.length > 20) {
            throw new IllegalArgumentException("need two non-empty groups of at most 20 values together, found "
                    + a.length + " and " + b.length);
        }
        double[] pooled = new double[a.length + b.length];
        System.arraycopy(a, 0, pooled, 0, a.length);
        System.arraycopy(b, 0, pooled, a.length, b.length);
        double total = StatUtils.sum(pooled);
        double meanA = StatUtils.mean(a);
        double meanB = StatUtils.mean(b);
        double observed = meanA - meanB;
        double threshold = Math.abs(observed) - 1e-12;
        int n = pooled.length;
        long splits = 0;
        long atLeast = 0;
        for (int mask = 0; mask < (1 << n); mask++) {
            if (Integer.bitCount(mask) != a.length) {
                continue;
            }
            double sumA = 0;
            for (int i = 0; i < n; i++) {
                if ((mask & (1 << i)) != 0) {
                    sumA += pooled[i];
                }
            }
            double difference = sumA / a.length - (total - sumA) / b.length;
            splits++;
            if (Math.abs(difference) >= threshold) {
                atLeast++;
            }
        }
        return new GroupDifference(meanA, meanB, observed, (double) atLeast / splits, splits);
    }
}
