package dev.lamina.examples.study;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.lamina.runtime.analysis.BatchNormShift;
import dev.lamina.runtime.analysis.VarianceShift;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.model.Model;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The variance shift of Li et al. (2018) on generated models, with the weights held fixed: training-mode
 * forward passes over a set of MNIST images set BatchNorm's running statistics, then
 * {@link VarianceShift} measures the inference inputs of the same images. With nothing else changing,
 * a batch norm right after the conv sees the same distribution in both modes (ratio 1), while one right
 * after dropout of rate p sees, per channel of mean mu and variance s2, a training variance of
 * s2 / (1 - p) + mu^2 p / (1 - p): the ratio is (1 - p) s2 / (s2 + p mu^2).
 */
class VarianceShiftOnGeneratedModelsTest {
    private static final int IMAGES = 256;
    private static final int BATCH = 64;
    private static final int PASSES = 16;
    private static final double MOMENTUM = 0.1;

    /**
     * Sets the running statistics from {@value #PASSES} training-mode passes: they start at 0 and are
     * divided by 1 - 0.9^16 afterwards (the bias correction of an exponential average started at 0),
     * which is what 150 passes from the usual start would approach, at a tenth of the cost.
     */
    private static List<BatchNormShift> settleAndMeasure(Model model, INDArray images) {
        model.buffers().values().forEach(b -> b.assign(0));
        int batches = IMAGES / BATCH;
        for (int pass = 0; pass < PASSES; pass++) {
            int b = pass % batches;
            model.forward(images.get(NDArrayIndex.interval(b * BATCH, (b + 1) * BATCH)), true);
        }
        double weight = 1 - Math.pow(1 - MOMENTUM, PASSES);
        model.buffers().values().forEach(b -> b.divi(weight));
        return VarianceShift.measure(model, images, 128);
    }

    private static INDArray images() {
        Dataset test = MnistSlice.load().test();
        return test.slice(0, IMAGES).features();
    }

    /**
     * The oracle needs no knowledge of which layer feeds which: a fresh BatchNorm (gamma 1, beta 0,
     * running mean 0, running variance 1) outputs its input divided by sqrt(1 + eps) at inference, so
     * its input's variance is its output's times (1 + eps). This holds whatever order the generated
     * code runs the layers in, including orderings the processor rewrites (max pooling moved before the
     * activation in Conv-Drop-Act-Pool-BN, where bn1's input is the activation's output).
     */
    @Test
    void measuresTheInputThatEachBatchNormNormalises() {
        INDArray batch = images().get(NDArrayIndex.interval(0, 64));
        for (Ordering o : Ordering.all()) {
            Model model = o.create(9);
            java.util.Map<String, INDArray> bnOutputs = new java.util.HashMap<>();
            model.forward(batch, false, (layer, output) -> {
                if (layer.startsWith("bn")) {
                    bnOutputs.put(layer, output.dup());
                }
            });
            for (BatchNormShift shift : VarianceShift.measure(model, batch, 64)) {
                INDArray y = bnOutputs.get(shift.layer());
                long channels = y.size(1);
                // [N, C, H, W] -> per channel over N, H, W.
                INDArray perChannel = y.permute(1, 0, 2, 3).dup('c').reshape(channels, -1)
                        .castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
                double[] expectedVariance = perChannel.var(true, 1).mul(1 + 1e-5).toDoubleVector();
                double[] expectedMean = perChannel.mean(1).mul(Math.sqrt(1 + 1e-5)).toDoubleVector();
                for (int c = 0; c < channels; c++) {
                    assertWithMessage("%s %s channel %s variance", o.label(), shift.layer(), c)
                            .that(shift.inferenceVariance()[c]).isWithin(1e-4 * expectedVariance[c] + 1e-9)
                            .of(expectedVariance[c]);
                    assertWithMessage("%s %s channel %s mean", o.label(), shift.layer(), c)
                            .that(shift.inferenceMean()[c]).isWithin(1e-4 * Math.abs(expectedMean[c]) + 1e-6)
                            .of(expectedMean[c]);
                }
            }
        }
    }

    @Test
    void batchNormRightAfterConvSeesNoShift() {
        List<BatchNormShift> shifts = settleAndMeasure(Ordering.CONV_BN_ACT_DROP_POOL.create(5), images());

        BatchNormShift bn1 = shifts.get(0);
        assertThat(bn1.layer()).isEqualTo("bn1");
        assertThat(bn1.channels()).isEqualTo(32);
        assertThat(bn1.valuesPerChannel()).isEqualTo((long) IMAGES * 26 * 26);
        // Running variance: an average of unbiased batch variances of the same images.
        assertThat(bn1.meanVarianceRatio()).isWithin(0.03).of(1.0);
        assertThat(bn1.minVarianceRatio()).isGreaterThan(0.9);
        assertThat(bn1.maxVarianceRatio()).isLessThan(1.1);
    }

    @Test
    void batchNormRightAfterDropoutSeesTheShiftLiEtAlPredict() {
        List<BatchNormShift> shifts = settleAndMeasure(Ordering.CONV_DROP_BN_ACT_POOL.create(5), images());

        // bn1 takes conv1's output on the raw images through drop1 alone: the formula applies exactly.
        BatchNormShift bn1 = shifts.get(0);
        double rate = 0.2;
        double[] mean = bn1.inferenceMean();
        double[] variance = bn1.inferenceVariance();
        double[] measured = bn1.varianceRatios();
        double predictedMean = 0;
        for (int c = 0; c < bn1.channels(); c++) {
            double predicted = (1 - rate) * variance[c] / (variance[c] + rate * mean[c] * mean[c]);
            assertWithMessage("bn1 channel %s", c).that(measured[c]).isWithin(0.1 * predicted).of(predicted);
            predictedMean += predicted / bn1.channels();
        }
        assertThat(bn1.meanVarianceRatio()).isWithin(0.03 * predictedMean).of(predictedMean);
        assertThat(bn1.maxVarianceRatio()).isLessThan(1 - rate + 0.05);

        // bn2 also inherits drop1's noise through conv2 in training, so its ratio is lower still than
        // drop2 alone would make it.
        BatchNormShift bn2 = shifts.get(1);
        assertThat(bn2.layer()).isEqualTo("bn2");
        assertThat(bn2.meanVarianceRatio()).isLessThan(1 - 0.3);
    }
}
