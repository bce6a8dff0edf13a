package dev.lamina.runtime.train;

/**
 * A model's quality on a dataset.
 *
 * @param loss     mean loss per example, of the model's declared loss
 * @param accuracy fraction in [0, 1] of examples whose arg-max output equals their class (of positions, for
 *                 labels of one class per position)
 * @param count    number of examples evaluated
 */
public record Evaluation(double loss, double accuracy, int count) {}
