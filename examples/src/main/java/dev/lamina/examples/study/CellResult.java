package dev.lamina.examples.study;

import dev.lamina.runtime.analysis.BatchNormShift;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of training one ordering with one seed: test loss and accuracy of the final model, and
 * the variance shift of each of its BatchNorm layers on the test set.
 *
 * @param ordering     the ordering
 * @param seed         the seed of initialisation, shuffling and dropout
 * @param testLoss     mean softmax cross-entropy over the test subset, inference mode
 * @param testAccuracy fraction of the test subset classified correctly, in [0, 1]
 * @param trainLoss    mean training loss of the last epoch (training mode, while learning); NaN when
 *                     unknown (a run resumed after its last epoch had ended)
 * @param seconds      wall-clock seconds spent on this cell in the run that finished it
 * @param shifts       one entry per BatchNorm layer, in forward order
 */
public record CellResult(Ordering ordering, long seed, double testLoss, double testAccuracy, double trainLoss,
        double seconds, List<Shift> shifts) {
    public CellResult {
        Objects.requireNonNull(ordering, "ordering");
        shifts = List.copyOf(shifts);
    }

    /**
     * One BatchNorm layer's per-channel variance ratio, inference-input variance over running variance
     * ({@link BatchNormShift#varianceRatios()}).
     */
    public record Shift(String layer, double[] ratios) {
        public Shift {
            Objects.requireNonNull(layer, "layer");
            ratios = ratios.clone();
        }

        static Shift of(BatchNormShift shift) {
            return new Shift(shift.layer(), shift.varianceRatios());
        }

        @Override
        public double[] ratios() {
            return ratios.clone();
        }

        public double mean() {
            return Arrays.stream(ratios).average().orElse(Double.NaN);
        }

        public double max() {
            return Arrays.stream(ratios).max().orElse(Double.NaN);
        }

        public double min() {
            return Arrays.stream(ratios).min().orElse(Double.NaN);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Shift that && layer.equals(that.layer) && Arrays.equals(ratios, that.ratios);
        }

        @Override
        public int hashCode() {
            return 31 * layer.hashCode() + Arrays.hashCode(ratios);
        }

        @Override
        public String toString() {
            return layer + Arrays.toString(ratios);
        }
    }

    /** The shift of the BatchNorm layer named {@code layer}, if the model has one. */
    public java.util.Optional<Shift> shift(String layer) {
        return shifts.stream().filter(s -> s.layer().equals(layer)).findFirst();
    }
}
