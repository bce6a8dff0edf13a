package dev.lamina.examples;

import static com.google.common.truth.Truth.assertWithMessage;

import dev.lamina.examples.models.LaminaSeedNet;
import dev.lamina.runtime.loss.LossFunction;
import dev.lamina.runtime.model.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The generated seed model's whole backward pass against central finite differences, in double
 * precision, with dropout masks held fixed by re-seeding before every forward pass.
 */
class SeedNetGradientTest {
    private static final long MASK_SEED = 7;
    private static final double H = 1e-5;

    @Test
    void everyParameterGradientMatchesCentralDifferences() {
        LaminaSeedNet model = LaminaSeedNet.create(3, DataType.DOUBLE);
        LossFunction loss = LossFunction.of(model.loss());
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 1, 28, 28);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 3, 10);
        y.putScalar(0, 4, 1.0).putScalar(1, 0, 1.0).putScalar(2, 9, 1.0);

        model.zeroGrad();
        model.seedDropout(MASK_SEED);
        INDArray out = model.forward(x, true);
        model.backward(loss.gradient(out, y));

        Random pick = new Random(5);
        List<String> failures = new ArrayList<>();
        double worst = 0;
        for (Parameter p : model.parameters()) {
            INDArray flat = p.value().reshape(p.value().length());
            INDArray grad = p.grad().reshape(p.grad().length());
            // Every entry of the small tensors, a random sample of the large ones.
            int samples = (int) Math.min(flat.length(), 12);
            for (int s = 0; s < samples; s++) {
                long i = flat.length() <= 12 ? s : (long) (pick.nextDouble() * flat.length());
                double original = flat.getDouble(i);
                flat.putScalar(i, original + H);
                double plus = lossAt(model, loss, x, y);
                flat.putScalar(i, original - H);
                double minus = lossAt(model, loss, x, y);
                flat.putScalar(i, original);
                double numeric = (plus - minus) / (2 * H);
                double analytic = grad.getDouble(i);
                // Absolute floor for entries whose true gradient is ~0 (a bias before BatchNorm).
                double error = Math.abs(numeric - analytic) / (1e-3 + Math.max(Math.abs(numeric), Math.abs(analytic)));
                worst = Math.max(worst, error);
                if (error > 1e-4) {
                    failures.add(p.name() + "[" + i + "]: analytic " + analytic + ", numeric " + numeric);
                }
            }
        }
        assertWithMessage("max relative error %s; mismatches:\n%s", worst, String.join("\n", failures))
                .that(failures).isEmpty();
    }

    private static double lossAt(LaminaSeedNet model, LossFunction loss, INDArray x, INDArray y) {
        model.seedDropout(MASK_SEED);
        return loss.loss(model.forward(x, true), y);
    }
}
