package dev.lamina.runtime.train;

import dev.lamina.dsl.Loss;
import dev.lamina.runtime.data.Batch;
import dev.lamina.runtime.data.Batches;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.loss.LossFunction;
import dev.lamina.runtime.model.Model;
import java.util.Arrays;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Measures a model in inference mode: its loss, and accuracy for classification or mean squared and
 * mean absolute error for regression.
 */
public final class Evaluator {
    private Evaluator() {}

    /**
     * Runs {@code model} in inference mode ({@code training = false}: running BatchNorm statistics, no
     * dropout) over {@code dataset} in order, {@code batchSize} examples at a time.
     *
     * <p>Accuracy counts an example as correct when the arg-max of the model's raw output over the
     * {@code K} classes equals its class; the output activations (softmax, sigmoid) are monotonic, so
     * they need not be applied. With {@code K = 1} every example is class 0, so accuracy is 1 there.
     * With one class per position ({@link Dataset#perPosition}) it counts positions: the arg-max over
     * the last axis of the {@code [N, T, K]} output against the {@code [N, T]} class ids. Integer
     * features (token ids) are passed to the model as they are; floating-point ones are cast to its type.
     *
     * <p>For a regression dataset ({@link Dataset#regression}, which needs a model with {@code Loss.MSE})
     * there is no accuracy: the result holds the mean squared and the mean absolute error of the raw
     * output (the prediction, as MSE's output activation is the identity) over all {@code N * K}
     * target values, like Keras' {@code mse} and {@code mae} metrics.
     *
     * @param model     the model to run in inference mode ({@code training = false})
     * @param dataset   features {@code [N, ...model.inputShape()]}, one-hot labels {@code [N, K]} with
     *                  {@code [K] = model.outputShape()}, or class ids {@code [N, T]} with
     *                  {@code [T, K] = model.outputShape()}, or regression targets {@code [N, K]}
     * @param batchSize examples per forward pass, >= 1
     * @return loss as the mean over all {@code N} examples of the model's declared loss, and accuracy (or,
     *     for regression, the mean squared and absolute errors)
     * @throws IllegalArgumentException if the dataset is empty, its shapes do not fit the model, a
     *     regression dataset meets a model whose loss is not {@code MSE}, or {@code batchSize < 1}
     */
    @SuppressWarnings("try")  // the workspace is open for the block; its handle is not read
    public static Evaluation evaluate(Model model, Dataset dataset, int batchSize) {
        if (dataset.size() == 0) {
            throw new IllegalArgumentException("cannot evaluate on an empty dataset");
        }
        checkFits(model, dataset, "evaluation");
        LossFunction loss = LossFunction.of(model.loss());
        double lossSum = 0;
        long correct = 0;
        double squaredErrors = 0;
        double absoluteErrors = 0;
        int seen = 0;
        boolean perPosition = dataset.perPosition();
        boolean regression = dataset.isRegression();
        StepWorkspace workspace = new StepWorkspace("lamina-evaluation");
        for (Batch batch : Batches.inOrder(dataset, batchSize)) {
            // Each batch's activations reuse the memory of the previous one's.
            try (MemoryWorkspace ignored = workspace.open()) {
                INDArray output = model.forward(castTo(batch.features(), model), false);
                lossSum += loss.loss(output, batch.labels()) * batch.size();
                if (regression) {
                    INDArray error = output.sub(batch.labels().castTo(output.dataType()));
                    absoluteErrors += Transforms.abs(error, false).sumNumber().doubleValue();
                    squaredErrors += error.muli(error).sumNumber().doubleValue();
                } else if (perPosition) {
                    correct += TrainingStep.correct(output, batch.labels());
                } else {
                    long[] predicted = output.argMax(1).toLongVector();
                    for (int i = 0; i < predicted.length; i++) {
                        if (predicted[i] == dataset.classOf(seen + i)) {
                            correct++;
                        }
                    }
                }
            }
            seen += batch.size();
        }
        if (regression) {
            double values = (double) seen * dataset.labels().size(1);
            return Evaluation.regression(lossSum / seen, squaredErrors / values, absoluteErrors / values, seen);
        }
        return new Evaluation(lossSum / seen, (double) correct / ((long) seen * dataset.labelsPerExample()), seen);
    }

    /**
     * {@code array} in the model's data type (a copy if the types differ); integer arrays (token ids)
     * as they are.
     */
    static INDArray castTo(INDArray array, Model model) {
        return array.dataType() == model.dataType() || !array.dataType().isFPType() ? array
                : array.castTo(model.dataType());
    }

    /**
     * @throws IllegalArgumentException if the dataset's example or label shape does not match the model,
     *     or it has regression targets and the model's loss is not MSE
     */
    static void checkFits(Model model, Dataset dataset, String what) {
        long[] featureShape = dataset.features().shape();
        long[] example = Arrays.copyOfRange(featureShape, 1, featureShape.length);
        long[] expected = Arrays.stream(model.inputShape()).asLongStream().toArray();
        if (!Arrays.equals(example, expected)) {
            throw new IllegalArgumentException(what + " data has examples of shape " + Arrays.toString(example)
                    + " but the model takes " + Arrays.toString(expected) + " (features are "
                    + Arrays.toString(featureShape) + ")");
        }
        long[] output = Arrays.stream(model.outputShape()).asLongStream().toArray();
        if (dataset.isRegression()) {
            long[] targets = {dataset.labels().size(1)};
            if (model.loss() != Loss.MSE) {
                throw new IllegalArgumentException(what + " data has regression targets, which need a model with"
                        + " loss = Loss.MSE, but the model's loss is " + model.loss() + "; for classes, build the"
                        + " dataset with Dataset.of(features, classes, numClasses)");
            }
            if (!Arrays.equals(output, targets)) {
                throw new IllegalArgumentException(what + " data has " + targets[0] + " target values per example"
                        + " but the model outputs " + Arrays.toString(output));
            }
            return;
        }
        if (dataset.perPosition()) {
            long[] labelled = {dataset.labelsPerExample(), dataset.numClasses()};
            if (!Arrays.equals(output, labelled)) {
                throw new IllegalArgumentException(what + " data has one class per position (" + labelled[0]
                        + " positions, " + labelled[1] + " classes), so the model must output "
                        + Arrays.toString(labelled) + ", but it outputs " + Arrays.toString(output));
            }
            return;
        }
        if (!Arrays.equals(output, new long[] {dataset.numClasses()})) {
            throw new IllegalArgumentException(what + " data has " + dataset.numClasses()
                    + " classes but the model outputs " + Arrays.toString(output));
        }
    }
}
