package dev.lamina.runtime.analysis;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lamina.dsl.Layer;
import dev.lamina.dsl.Loss;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.model.LayerInfo;
import dev.lamina.runtime.model.LayerObserver;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.model.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class VarianceShiftTest {
    /**
     * A hand-written model whose layers are "scale" (multiplies by {@code factor}) and then "bn", or
     * only "bn" when {@code factor} is 0; bn is the identity here: what matters is its input and
     * buffers. Input {@code [N, ...shape]} with channels on axis 1.
     */
    private static final class ScaleThenBn implements Model {
        private final int[] shape;
        private final double factor;
        private final Map<String, INDArray> buffers = new LinkedHashMap<>();
        private final boolean observable;
        int forwardPasses;

        ScaleThenBn(int[] shape, double factor, double[] runningMean, double[] runningVar, boolean observable) {
            this.shape = shape;
            this.factor = factor;
            this.observable = observable;
            if (runningMean != null) {
                buffers.put("bn.running_mean", Nd4j.createFromArray(runningMean).castTo(DataType.FLOAT));
                buffers.put("bn.running_var", Nd4j.createFromArray(runningVar).castTo(DataType.FLOAT));
            }
        }

        @Override
        public INDArray forward(INDArray input, boolean training) {
            return forward(input, training, (layer, output) -> {});
        }

        @Override
        public INDArray forward(INDArray input, boolean training, LayerObserver observer) {
            if (!observable) {
                return Model.super.forward(input, training, observer);
            }
            assertThat(training).isFalse();
            assertThat(input.dataType()).isEqualTo(DataType.FLOAT);
            forwardPasses++;
            INDArray x = input;
            if (factor != 0) {
                x = input.mul(factor);
                observer.layerOutput("scale", x);
            }
            observer.layerOutput("bn", x);
            return x;
        }

        @Override
        public void backward(INDArray dOutput) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Parameter> parameters() {
            return List.of();
        }

        @Override
        public Map<String, INDArray> buffers() {
            return buffers;
        }

        @Override
        public void seedDropout(long seed) {}

        @Override
        public Loss loss() {
            return Loss.MSE;
        }

        @Override
        public int[] inputShape() {
            return shape.clone();
        }

        @Override
        public int[] outputShape() {
            return shape.clone();
        }

        @Override
        public List<Layer> layers() {
            List<Layer> layers = new ArrayList<>();
            if (factor != 0) {
                layers.add(new LayerInfo("scale", "Scale", shape, 0));
            }
            layers.add(new LayerInfo("bn", "BatchNorm", shape, 2L * shape[0]));
            return layers;
        }

        @Override
        public DataType dataType() {
            return DataType.FLOAT;
        }
    }

    /** Values of channel {@code c} of {@code x} ({@code [N, C, ...]}), in double. */
    private static double[] channel(float[][][] x, int c) {
        List<Double> values = new ArrayList<>();
        for (float[][] example : x) {
            for (float v : example[c]) {
                values.add((double) v);
            }
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).sum() / v.length;
    }

    /** Two-pass unbiased variance. */
    private static double variance(double[] v) {
        double m = mean(v);
        return Arrays.stream(v).map(d -> (d - m) * (d - m)).sum() / (v.length - 1);
    }

    /** {@code [n, c, s]} floats: channel c has mean offset + c and standard deviation 1 + c. */
    private static float[][][] data(int n, int c, int s, double offset, long seed) {
        Random random = new Random(seed);
        float[][][] x = new float[n][c][s];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < c; k++) {
                for (int j = 0; j < s; j++) {
                    x[i][k][j] = (float) (offset + k + (1 + k) * random.nextGaussian());
                }
            }
        }
        return x;
    }

    @Test
    void measuresTheInputOfBatchNormOverBatches() {
        float[][][] x = data(7, 3, 1, 0, 1);
        INDArray features = Nd4j.createFromArray(x).reshape(7, 3);
        double[] runningMean = {0.5, 0, -1};
        double[] runningVar = {1, 2, 4};
        ScaleThenBn model = new ScaleThenBn(new int[] {3}, 2, runningMean, runningVar, true);

        // Batches of 3 do not divide 7: the last one is short.
        List<BatchNormShift> shifts = VarianceShift.measure(model, features, 3);

        assertThat(model.forwardPasses).isEqualTo(3);
        assertThat(shifts).hasSize(1);
        BatchNormShift bn = shifts.get(0);
        assertThat(bn.layer()).isEqualTo("bn");
        assertThat(bn.channels()).isEqualTo(3);
        assertThat(bn.valuesPerChannel()).isEqualTo(7);
        double[] ratios = bn.varianceRatios();
        for (int c = 0; c < 3; c++) {
            double[] scaled = Arrays.stream(channel(x, c)).map(v -> 2 * v).toArray();
            assertThat(bn.inferenceVariance()[c]).isWithin(1e-9 * variance(scaled)).of(variance(scaled));
            assertThat(bn.inferenceMean()[c]).isWithin(1e-9).of(mean(scaled));
            assertThat(bn.runningVariance()[c]).isEqualTo(runningVar[c]);
            assertThat(ratios[c]).isWithin(1e-9).of(variance(scaled) / runningVar[c]);
        }
        assertThat(bn.meanVarianceRatio()).isWithin(1e-12).of(Arrays.stream(ratios).average().orElseThrow());
        assertThat(bn.maxVarianceRatio()).isEqualTo(Arrays.stream(ratios).max().orElseThrow());
        assertThat(bn.minVarianceRatio()).isEqualTo(Arrays.stream(ratios).min().orElseThrow());
    }

    @Test
    void firstLayerBatchNormOnImagesReadsTheInput() {
        // [N, C, H, W] = [5, 2, 3, 3]: statistics over N*H*W = 45 values per channel.
        float[][][] flat = data(5, 2, 9, 0, 2);
        INDArray features = Nd4j.createFromArray(flat).reshape(5, 2, 3, 3);
        ScaleThenBn model = new ScaleThenBn(new int[] {2, 3, 3}, 0, new double[] {0, 1}, new double[] {1, 4}, true);

        BatchNormShift bn = VarianceShift.measure(model, new Dataset(features, Nd4j.zeros(DataType.FLOAT, 5, 1),
                new int[5]), 2).get(0);

        assertThat(bn.valuesPerChannel()).isEqualTo(45);
        for (int c = 0; c < 2; c++) {
            double expected = variance(channel(flat, c));
            assertThat(bn.inferenceVariance()[c]).isWithin(1e-9 * expected).of(expected);
        }
        assertThat(bn.varianceRatios()[1]).isWithin(1e-9).of(variance(channel(flat, 1)) / 4);
    }

    @Test
    void staysAccurateFarFromZero() {
        // Values near 1e4 with unit spread: a naive sum of squares in float would lose the variance.
        float[][][] x = data(50, 2, 16, 1e4, 3);
        INDArray features = Nd4j.createFromArray(x).reshape(50, 2, 4, 4);
        ScaleThenBn model = new ScaleThenBn(new int[] {2, 4, 4}, 0, new double[] {1e4, 1e4 + 1},
                new double[] {1, 4}, true);

        BatchNormShift bn = VarianceShift.measure(model, features, 16).get(0);

        for (int c = 0; c < 2; c++) {
            double expected = variance(channel(x, c));
            assertThat(bn.inferenceVariance()[c]).isWithin(1e-6 * expected).of(expected);
            assertThat(bn.inferenceMean()[c]).isWithin(1e-6).of(mean(channel(x, c)));
        }
    }

    @Test
    void castsFeaturesToTheModelsType() {
        INDArray features = Nd4j.createFromArray(new double[][] {{1, 2}, {3, 5}, {0, -1}});
        ScaleThenBn model = new ScaleThenBn(new int[] {2}, 1, new double[] {0, 0}, new double[] {1, 1}, true);

        BatchNormShift bn = VarianceShift.measure(model, features, 10).get(0);

        assertThat(bn.inferenceVariance()[0]).isWithin(1e-9).of(variance(new double[] {1, 3, 0}));
        assertThat(bn.inferenceVariance()[1]).isWithin(1e-9).of(variance(new double[] {2, 5, -1}));
    }

    @Test
    void meterMeasuresDuringTheCallersOwnPass() {
        float[][][] x = data(9, 3, 1, 0, 4);
        INDArray features = Nd4j.createFromArray(x).reshape(9, 3);
        ScaleThenBn model = new ScaleThenBn(new int[] {3}, 3, new double[] {0, 1, 2}, new double[] {1, 2, 3}, true);

        VarianceShift.Meter meter = VarianceShift.meter(model);
        INDArray first = meter.forward(features.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 4)));
        meter.forward(features.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(4, 9)));

        assertThat(first).isEqualTo(features.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 4)).mul(3));
        assertThat(meter.shifts()).isEqualTo(VarianceShift.measure(model, features, 4));
    }

    @Test
    void meterNeedsTwoValuesPerChannel() {
        ScaleThenBn model = new ScaleThenBn(new int[] {3}, 2, new double[3], new double[] {1, 1, 1}, true);
        VarianceShift.Meter meter = VarianceShift.meter(model);
        meter.forward(Nd4j.rand(DataType.FLOAT, 1, 3));

        assertThrows(IllegalStateException.class, meter::shifts);
    }

    @Test
    void rejectsWhatItCannotMeasure() {
        INDArray features = Nd4j.rand(DataType.FLOAT, 4, 3);
        ScaleThenBn blind = new ScaleThenBn(new int[] {3}, 2, new double[3], new double[] {1, 1, 1}, false);
        assertThrows(UnsupportedOperationException.class, () -> VarianceShift.measure(blind, features, 2));

        ScaleThenBn noBuffers = new ScaleThenBn(new int[] {3}, 2, null, null, true);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> VarianceShift.measure(noBuffers, features, 2));
        assertThat(missing).hasMessageThat().contains("bn.running_mean");

        ScaleThenBn ok = new ScaleThenBn(new int[] {3}, 2, new double[3], new double[] {1, 1, 1}, true);
        assertThrows(IllegalArgumentException.class, () -> VarianceShift.measure(ok, features, 0));
        assertThrows(IllegalArgumentException.class,
                () -> VarianceShift.measure(ok, Nd4j.rand(DataType.FLOAT, 1, 3), 2));
    }
}
