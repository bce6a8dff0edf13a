package dev.lamina.runtime.train;

import java.util.Locale;

/**
 * A model's quality on a dataset, in the metrics that fit its task: accuracy for classification,
 * mean squared and mean absolute error for regression ({@link dev.lamina.runtime.data.Dataset#regression}).
 * The metrics that do not apply are NaN.
 *
 * @param loss              mean loss per example, of the model's declared loss
 * @param accuracy          classification: fraction in [0, 1] of examples whose arg-max output equals their
 *                          class (of positions, for labels of one class per position); NaN for regression
 * @param meanSquaredError  regression: {@code (1/(N K)) sum (output - target)^2} over all {@code N * K}
 *                          target values, in squared target units; NaN for classification
 * @param meanAbsoluteError regression: {@code (1/(N K)) sum |output - target|}, in target units; NaN for
 *                          classification
 * @param count             number of examples evaluated
 */
public record Evaluation(double loss, double accuracy, double meanSquaredError, double meanAbsoluteError, int count) {
    /**
     * A classification result (no regression errors).
     *
     * @param loss     mean loss per example
     * @param accuracy fraction in [0, 1] classified correctly
     * @param count    number of examples evaluated
     */
    public Evaluation(double loss, double accuracy, int count) {
        this(loss, accuracy, Double.NaN, Double.NaN, count);
    }

    /**
     * A regression result (no accuracy).
     *
     * @param loss              mean loss per example
     * @param meanSquaredError  mean squared error over all target values
     * @param meanAbsoluteError mean absolute error over all target values
     * @param count             number of examples evaluated
     * @return the evaluation, with accuracy NaN
     */
    public static Evaluation regression(double loss, double meanSquaredError, double meanAbsoluteError, int count) {
        return new Evaluation(loss, Double.NaN, meanSquaredError, meanAbsoluteError, count);
    }

    /** {@return whether this evaluates regression targets: errors reported, accuracy NaN} */
    public boolean isRegression() {
        return Double.isNaN(accuracy);
    }

    /**
     * The metrics for people: {@code loss 0.3012  accuracy 91.50%  (200 examples)}, or for regression
     * {@code loss 0.0123  MSE 0.0123  MAE 0.0901  (200 examples)}.
     */
    @Override
    public String toString() {
        return isRegression()
                ? String.format(Locale.ROOT, "loss %.4f  MSE %.4g  MAE %.4g  (%d examples)", loss, meanSquaredError,
                        meanAbsoluteError, count)
                : String.format(Locale.ROOT, "loss %.4f  accuracy %.2f%%  (%d examples)", loss, 100 * accuracy, count);
    }
}
