package dev.lamina.examples.study;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void summaryUsesTheSampleStandardDeviation() {
        Stats.Summary s = Stats.Summary.of(1, 2, 3, 4);
        assertThat(s.mean()).isEqualTo(2.5);
        assertThat(s.sd()).isWithin(1e-12).of(Math.sqrt(5.0 / 3));
        assertThat(s.n()).isEqualTo(4);
        assertThat(Stats.Summary.of(7).sd()).isNaN();
    }

    @Test
    void spearmanGivesTiesTheMeanOfTheirRanks() {
        // y is x's ranks with the tie averaged (1, 3.5, 2, 3.5), so the ranks agree exactly.
        double[] x = {10, 30, 20, 30};
        double[] midRanks = {1, (3 + 4) / 2.0, 2, (3 + 4) / 2.0};
        assertThat(Stats.spearman(x, midRanks).rho()).isWithin(1e-12).of(1);
        // Ranking the tie 3 and 4 instead would not.
        assertThat(Stats.spearman(x, new double[] {1, 3, 2, 4}).rho()).isLessThan(1 - 1e-3);
    }

    @Test
    void aNaNRanksAboveEveryNumber() {
        Stats.Correlation c = Stats.spearman(new double[] {1, Double.NaN, 2}, new double[] {1, 3, 2});
        assertThat(c.rho()).isWithin(1e-12).of(1);
    }

    @Test
    void spearmanOfMonotoneDataIsOneWithTheExactTailProbability() {
        // Only the identity and the reversal reach |rho| = 1: p = 2 / 5!.
        Stats.Correlation c = Stats.spearman(new double[] {1, 2, 3, 4, 5}, new double[] {0.1, 0.4, 0.5, 2, 9});
        assertThat(c.rho()).isWithin(1e-12).of(1);
        assertThat(c.p()).isWithin(1e-12).of(2.0 / 120);
        assertThat(c.exact()).isTrue();

        Stats.Correlation reversed = Stats.spearman(new double[] {1, 2, 3, 4}, new double[] {4, 3, 2, 1});
        assertThat(reversed.rho()).isWithin(1e-12).of(-1);
        assertThat(reversed.p()).isWithin(1e-12).of(2.0 / 24);
    }

    @Test
    void spearmanMatchesTheRankDifferenceFormulaWithoutTies() {
        double[] x = {3, 1, 4, 1.5, 9, 2.6};
        double[] y = {2, 7, 1, 8, 2.8, 1.8};
        double[] rx = new NaturalRanking().rank(x);
        double[] ry = new NaturalRanking().rank(y);
        double d2 = 0;
        for (int i = 0; i < x.length; i++) {
            d2 += (rx[i] - ry[i]) * (rx[i] - ry[i]);
        }
        int n = x.length;
        Stats.Correlation c = Stats.spearman(x, y);
        assertThat(c.rho()).isWithin(1e-12).of(1 - 6 * d2 / (n * (n * n - 1.0)));
        assertThat(c.p()).isGreaterThan(0.0);
        assertThat(c.p()).isAtMost(1.0);
    }

    @Test
    void spearmanNeedsThreePairs() {
        assertThrows(IllegalArgumentException.class, () -> Stats.spearman(new double[] {1, 2}, new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> Stats.spearman(new double[] {1, 2, 3}, new double[] {1, 2}));
    }

    @Test
    void groupDifferenceEnumeratesEverySplit() {
        // {10, 11} vs {1, 2, 3}: C(5, 2) = 10 splits; only this one is as extreme (the mirror split is
        // not of the same sizes).
        Stats.GroupDifference d = Stats.groupDifference(new double[] {10, 11}, new double[] {1, 2, 3});
        assertThat(d.meanA()).isEqualTo(10.5);
        assertThat(d.meanB()).isEqualTo(2.0);
        assertThat(d.difference()).isEqualTo(8.5);
        assertThat(d.splits()).isEqualTo(10);
        assertThat(d.p()).isWithin(1e-12).of(1.0 / 10);

        // Identical groups: every split is at least as extreme as a difference of 0.
        assertThat(Stats.groupDifference(new double[] {1, 1}, new double[] {1, 1}).p()).isEqualTo(1.0);
    }
}
