package dev.lamina.examples.testing;

import dev.lamina.runtime.loss.LossFunction;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.model.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A model's parameter gradients (one backward pass of its loss on {@code x}, {@code y}) against
 * central finite differences at random entries of every parameter tensor, for DOUBLE models without
 * dropout (each forward pass must be deterministic).
 */
public final class CentralDifferences {
    private CentralDifferences() {}

    /**
     * What {@link #check} found.
     *
     * @param checked  entries compared
     * @param worst    the largest relative error, {@code |numeric - analytic| / (1e-3 + max(|numeric|, |analytic|))}
     *                 (the absolute floor for entries whose true gradient is about 0)
     * @param failures one line per entry whose relative error exceeds 1e-4
     */
    public record Result(int checked, double worst, List<String> failures) {}

    /**
     * Compares {@code perParameter} random entries (seeded) of each parameter tensor, with step {@code h}.
     *
     * @param model        a DOUBLE model
     * @param x            the input batch
     * @param y            the targets of the model's loss
     * @param perParameter entries per parameter tensor
     * @param h            the finite-difference step
     * @return the comparison
     */
    public static Result check(Model model, INDArray x, INDArray y, int perParameter, double h) {
        LossFunction loss = LossFunction.of(model.loss());
        model.zeroGrad();
        INDArray out = model.forward(x, true);
        model.backward(loss.gradient(out, y));

        Random pick = new Random(5);
        List<String> failures = new ArrayList<>();
        double worst = 0;
        int checked = 0;
        for (Parameter p : model.parameters()) {
            INDArray flat = p.value().reshape(p.value().length());
            INDArray grad = p.grad().reshape(p.grad().length());
            for (int s = 0; s < perParameter; s++) {
                long i = (long) (pick.nextDouble() * flat.length());
                double original = flat.getDouble(i);
                flat.putScalar(i, original + h);
                double plus = loss.loss(model.forward(x, true), y);
                flat.putScalar(i, original - h);
                double minus = loss.loss(model.forward(x, true), y);
                flat.putScalar(i, original);
                double numeric = (plus - minus) / (2 * h);
                double analytic = grad.getDouble(i);
                double error = Math.abs(numeric - analytic) / (1e-3 + Math.max(Math.abs(numeric), Math.abs(analytic)));
                worst = Math.max(worst, error);
                checked++;
                if (error > 1e-4) {
                    failures.add(p.name() + "[" + i + "]: analytic " + analytic + ", numeric " + numeric);
                }
            }
        }
        return new Result(checked, worst, failures);
    }
}
