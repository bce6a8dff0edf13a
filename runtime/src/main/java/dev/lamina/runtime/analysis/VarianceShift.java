package dev.lamina.runtime.analysis;

import dev.lamina.dsl.Layer;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.model.Model;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Measures the variance shift of every BatchNorm layer of a model: how the statistics of the layer's
 * input at inference differ from the running statistics the layer normalises with (Li et al. 2018,
 * "Understanding the Disharmony between Dropout and Batch Normalization by Variance Shift", arXiv
 * 1801.05134). Works on any model that implements {@link Model#forward(INDArray, boolean,
 * dev.lamina.runtime.model.LayerObserver)}, which every Lamina-generated model does.
 *
 * <pre>{@code
 * for (BatchNormShift shift : VarianceShift.measure(model, mnist.test(), 500)) {
 *     System.out.println(shift);   // bn1: variance ratio mean 0.8123, min ..., max ... over 32 channels
 * }
 * }</pre>
 *
 * <p>One inference pass ({@code training = false}: dropout off, BatchNorm on its running statistics)
 * over the dataset in order; the input of each BatchNorm layer (the output the model computed just
 * before it, or the model's input for a first-layer BatchNorm) is accumulated per channel in double
 * precision, shifted by the running mean for accuracy. The model is not changed.
 */
public final class VarianceShift {
    /** The layer kind that {@link Layer#kind()} reports for batch normalisation. */
    public static final String BATCH_NORM_KIND = "BatchNorm";

    private VarianceShift() {}

    /**
     * Measures every BatchNorm layer of {@code model} over {@code dataset}'s features, as
     * {@link #measure(Model, INDArray, int)} does.
     *
     * @param model     the model, which is not changed
     * @param dataset   its features {@code [N, ...model.inputShape()]} are used; the labels are not
     * @param batchSize examples per forward pass, >= 1
     * @return one entry per BatchNorm layer, in forward order; empty if the model has none
     * @throws IllegalArgumentException      as {@link #measure(Model, INDArray, int)} does
     * @throws UnsupportedOperationException if the model cannot report its layers' outputs
     */
    public static List<BatchNormShift> measure(Model model, Dataset dataset, int batchSize) {
        return measure(model, dataset.features(), batchSize);
    }

    /**
     * Measures every BatchNorm layer of {@code model} over {@code features}.
     *
     * @param model     the model, which is not changed
     * @param features  {@code [N, ...model.inputShape()]}, N >= 2; cast to the model's data type batch by batch
     * @param batchSize examples per forward pass, >= 1
     * @return one entry per BatchNorm layer, in forward order; empty if the model has none
     * @throws IllegalArgumentException if {@code batchSize < 1}, there are fewer than 2 examples, the
     *     features do not fit the model, or a BatchNorm layer has no {@code <layer>.running_mean} and
     *     {@code <layer>.running_var} buffers
     * @throws UnsupportedOperationException if the model cannot report its layers' outputs
     */
    public static List<BatchNormShift> measure(Model model, INDArray features, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, found " + batchSize);
        }
        long n = features.size(0);
        if (n < 2) {
            throw new IllegalArgumentException("need at least 2 examples to measure a variance, found " + n);
        }
        Meter meter = meter(model);
        for (long from = 0; from < n; from += batchSize) {
            meter.forward(features.get(NDArrayIndex.interval(from, Math.min(n, from + batchSize))));
        }
        return meter.shifts();
    }

    /**
     * A meter for measuring during inference passes that the caller runs, for example while it
     * evaluates the model on the same data: feed every batch through {@link Meter#forward}, then read
     * {@link Meter#shifts()}.
     *
     * @param model the model to measure; it must not train while the meter is in use
     * @return a meter with nothing accumulated yet
     * @throws IllegalArgumentException if a BatchNorm layer has no {@code <layer>.running_mean} and
     *     {@code <layer>.running_var} buffers
     */
    public static Meter meter(Model model) {
        return new Meter(model);
    }

    /**
     * Accumulates the input statistics of every BatchNorm layer of one model over inference passes.
     * The running statistics are read when the meter is made; the model must not train meanwhile.
     * Not thread-safe.
     */
    public static final class Meter {
        private final Model model;
        /** The accumulator of each BatchNorm layer, by name. */
        private final Map<String, Accumulator> byLayer = new HashMap<>();
        private final List<Accumulator> accumulators = new ArrayList<>();

        private Meter(Model model) {
            this.model = model;
            for (Layer layer : model.layers()) {
                if (BATCH_NORM_KIND.equals(layer.kind())) {
                    Accumulator acc = new Accumulator(layer.name(), buffer(model, layer.name() + ".running_mean"),
                            buffer(model, layer.name() + ".running_var"));
                    accumulators.add(acc);
                    byLayer.put(layer.name(), acc);
                }
            }
        }

        /**
         * Runs the model in inference mode on {@code batch} and accumulates what its BatchNorm layers see.
         *
         * @param batch {@code [N, ...model.inputShape()]}; cast to the model's data type if needed
         * @return the model's output, {@code [N, ...model.outputShape()]}
         * @throws UnsupportedOperationException if the model cannot report its layers' outputs
         * @throws IllegalArgumentException      if the batch does not fit the model
         */
        public INDArray forward(INDArray batch) {
            INDArray input = batch.dataType() == model.dataType() ? batch : batch.castTo(model.dataType());
            if (accumulators.isEmpty()) {
                return model.forward(input, false);
            }
            // The observer sees the layers in the order the generated code runs them, which rewrites may
            // change (max pooling moved before a monotone activation): a BatchNorm's input is the output
            // observed just before its own, or the model's input.
            INDArray[] previous = {input};
            INDArray output = model.forward(input, false, (name, layerOutput) -> {
                Accumulator acc = byLayer.get(name);
                if (acc != null) {
                    acc.add(previous[0]);
                }
                previous[0] = layerOutput;
            });
            return output;
        }

        /**
         * {@return one entry per BatchNorm layer, in forward order, over every batch fed so far; empty if
         * the model has none}
         *
         * @throws IllegalStateException if fewer than 2 values per channel were seen
         */
        public List<BatchNormShift> shifts() {
            List<BatchNormShift> shifts = new ArrayList<>(accumulators.size());
            for (Accumulator acc : accumulators) {
                shifts.add(acc.result());
            }
            return List.copyOf(shifts);
        }
    }

    private static double[] buffer(Model model, String name) {
        INDArray buffer = model.buffers().get(name);
        if (buffer == null) {
            throw new IllegalArgumentException("BatchNorm buffer '" + name + "' not found; the model has "
                    + model.buffers().keySet());
        }
        return buffer.castTo(DataType.DOUBLE).toDoubleVector();
    }

    /** Per-channel shifted sums of one BatchNorm layer's input. */
    private static final class Accumulator {
        private final String layer;
        private final double[] runningMean;
        private final double[] runningVar;
        private final double[] sum;
        private final double[] sumSquares;
        private long perChannel;

        Accumulator(String layer, double[] runningMean, double[] runningVar) {
            if (runningMean.length != runningVar.length) {
                throw new IllegalArgumentException("running mean and variance of '" + layer + "' differ in length");
            }
            this.layer = layer;
            this.runningMean = runningMean;
            this.runningVar = runningVar;
            this.sum = new double[runningMean.length];
            this.sumSquares = new double[runningMean.length];
        }

        /** Adds a batch {@code [N, C]} or {@code [N, C, H, W]}. */
        void add(INDArray x) {
            int channels = sum.length;
            if (x.rank() < 2 || x.size(1) != channels) {
                throw new IllegalArgumentException("input of BatchNorm '" + layer + "' has shape "
                        + java.util.Arrays.toString(x.shape()) + ", expected " + channels + " channels on axis 1");
            }
            long batch = x.size(0);
            int spatial = (int) (x.length() / (batch * channels));
            // A row-major copy, read as one flat vector: n, then c, then the spatial positions.
            double[] values = x.dup('c').reshape(x.length()).castTo(DataType.DOUBLE).toDoubleVector();
            int i = 0;
            for (long n = 0; n < batch; n++) {
                for (int c = 0; c < channels; c++) {
                    double shift = runningMean[c];
                    double s = 0;
                    double s2 = 0;
                    for (int k = 0; k < spatial; k++, i++) {
                        double d = values[i] - shift;
                        s += d;
                        s2 += d * d;
                    }
                    sum[c] += s;
                    sumSquares[c] += s2;
                }
            }
            perChannel += batch * spatial;
        }

        BatchNormShift result() {
            if (perChannel < 2) {
                throw new IllegalStateException("BatchNorm '" + layer + "' has seen " + perChannel
                        + " value(s) per channel; a variance needs at least 2");
            }
            int channels = sum.length;
            double[] mean = new double[channels];
            double[] var = new double[channels];
            for (int c = 0; c < channels; c++) {
                double shiftedMean = sum[c] / perChannel;
                // Unbiased, like the running variance; shifted sums keep the subtraction well conditioned.
                var[c] = Math.max(0, (sumSquares[c] - perChannel * shiftedMean * shiftedMean) / (perChannel - 1));
                mean[c] = runningMean[c] + shiftedMean;
            }
            return new BatchNormShift(layer, mean, var, runningMean, runningVar, perChannel);
        }
    }
}
