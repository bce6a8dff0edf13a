package dev.lamina.examples.study;

import java.util.Arrays;
import java.util.Random;

/** The few statistics the study report needs, exact where the sample sizes allow. */
public final class Stats {
    private Stats() {}

    /** Above this many items, permutation tests sample instead of enumerating. */
    private static final int EXACT_LIMIT = 10;
    private static final int SAMPLED_PERMUTATIONS = 200_000;

    /**
     * Mean and sample standard deviation of a set of numbers.
     *
     * @param sd the standard deviation with n - 1 in the denominator; NaN when {@code n < 2}
     */
    public record Summary(double mean, double sd, int n) {
        public static Summary of(double... values) {
            int n = values.length;
            double mean = n == 0 ? Double.NaN : Arrays.stream(values).sum() / n;
            double sd = Double.NaN;
            if (n >= 2) {
                double ss = 0;
                for (double v : values) {
                    ss += (v - mean) * (v - mean);
                }
                sd = Math.sqrt(ss / (n - 1));
            }
            return new Summary(mean, sd, n);
        }
    }

    /** Ranks from 1, ties sharing the mean of their ranks. */
    static double[] ranks(double[] values) {
        int n = values.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
        double[] ranks = new double[n];
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = rank;
            }
            i = j + 1;
        }
        return ranks;
    }

    /** Pearson's correlation; NaN if either side is constant. */
    static double pearson(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(Double.NaN);
        double my = Arrays.stream(y).average().orElse(Double.NaN);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    /**
     * Spearman's rank correlation with a two-sided permutation p-value.
     *
     * @param rho       Pearson's correlation of the ranks (ties get mean ranks)
     * @param p         the fraction of the n! pairings (all of them for n <= 10, else a fixed-seed sample of
     *                  200,000) whose |rho| is at least the observed |rho|; NaN if rho is NaN
     * @param exact     whether p enumerated every permutation
     */
    public record Correlation(double rho, double p, int n, boolean exact) {}

    /** @throws IllegalArgumentException if the arrays differ in length or have fewer than 3 items */
    public static Correlation spearman(double[] x, double[] y) {
        if (x.length != y.length || x.length < 3) {
            throw new IllegalArgumentException("need two equally long lists of at least 3 values, found "
                    + x.length + " and " + y.length);
        }
        double[] rx = ranks(x);
        double[] ry = ranks(y);
        double rho = pearson(rx, ry);
        if (Double.isNaN(rho)) {
            return new Correlation(rho, Double.NaN, x.length, true);
        }
        double threshold = Math.abs(rho) - 1e-12;
        int n = x.length;
        if (n <= EXACT_LIMIT) {
            long[] counts = new long[2];
            permute(ry.clone(), n, rx, threshold, counts);
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
            if (Math.abs(pearson(rx, shuffled)) >= threshold) {
                atLeast++;
            }
        }
        return new Correlation(rho, (atLeast + 1.0) / (SAMPLED_PERMUTATIONS + 1.0), n, false);
    }

    /** Heap's algorithm over a[0..k): counts[1] permutations, counts[0] of them with |r| >= threshold. */
    private static void permute(double[] a, int k, double[] fixed, double threshold, long[] counts) {
        if (k == 1) {
            counts[1]++;
            if (Math.abs(pearson(fixed, a)) >= threshold) {
                counts[0]++;
            }
            return;
        }
        for (int i = 0; i < k - 1; i++) {
            permute(a, k - 1, fixed, threshold, counts);
            int j = k % 2 == 0 ? i : 0;
            double tmp = a[j];
            a[j] = a[k - 1];
            a[k - 1] = tmp;
        }
        permute(a, k - 1, fixed, threshold, counts);
    }

    /**
     * The difference of two groups' means with a two-sided permutation p-value over every way of
     * splitting the pooled values into groups of the same sizes.
     *
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
        double total = Arrays.stream(pooled).sum();
        double observed = mean(a) - mean(b);
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
        return new GroupDifference(mean(a), mean(b), observed, (double) atLeast / splits, splits);
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).sum() / values.length;
    }
}
