package dev.lamina.runtime.model;

import dev.lamina.dsl.Loss;
import dev.lamina.runtime.loss.LossFunction;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** What {@link Model#predict} and {@link Model#predictClasses} compute, from an inference-mode forward pass. */
final class Predictions {
    private Predictions() {}

    /** The output activation of the model's loss applied to its inference-mode output. */
    static INDArray probabilities(Model model, INDArray input) {
        return LossFunction.of(model.loss()).activate(model.forward(input, false));
    }

    /**
     * The arg-max over the last axis (softmax cross-entropy), or {@code logit > 0} per unit (sigmoid
     * binary cross-entropy), as LONG.
     */
    static INDArray classes(Model model, INDArray input) {
        Loss loss = model.loss();
        if (loss == Loss.MSE) {
            throw new UnsupportedOperationException("a model trained with loss MSE is a regression model: it has no"
                    + " classes to predict; use predict(x), which returns its output values");
        }
        INDArray output = model.forward(input, false);
        long[] shape = output.shape();
        double[] logits = output.dup('c').data().asDouble();
        if (loss == Loss.SIGMOID_BINARY_CROSS_ENTROPY) {
            long[] present = new long[logits.length];
            for (int i = 0; i < logits.length; i++) {
                // sigmoid(z) > 0.5 exactly when z > 0; NaN is neither.
                present[i] = logits[i] > 0 ? 1 : 0;
            }
            return Nd4j.createFromArray(present).reshape('c', shape);
        }
        int k = (int) shape[shape.length - 1];
        int rows = logits.length / Math.max(1, k);
        long[] classes = new long[rows];
        for (int row = 0; row < rows; row++) {
            classes[row] = argMax(logits, row * k, k);
        }
        return Nd4j.createFromArray(classes).reshape('c', Arrays.copyOf(shape, shape.length - 1));
    }

    /** The first index of the largest of {@code x[from .. from+k)}, a NaN counting as largest (as {@code torch.argmax}). */
    private static int argMax(double[] x, int from, int k) {
        int best = 0;
        for (int j = 1; j < k; j++) {
            double value = x[from + j];
            double top = x[from + best];
            if (!Double.isNaN(top) && (value > top || Double.isNaN(value))) {
                best = j;
            }
        }
        return best;
    }
}
