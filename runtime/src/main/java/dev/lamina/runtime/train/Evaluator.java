package dev.lamina.runtime.train;

import dev.lamina.runtime.data.Batch;
import dev.lamina.runtime.data.Batches;
import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.loss.LossFunction;
import dev.lamina.runtime.model.Model;
import java.util.Arrays;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Measures loss and accuracy of a model in inference mode. */
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
     * @param model     the model to run in inference mode ({@code training = false})
     * @param dataset   features {@code [N, ...model.inputShape()]}, one-hot labels {@code [N, K]} with
     *                  {@code [K] = model.outputShape()}, or class ids {@code [N, T]} with
     *                  {@code [T, K] = model.outputShape()}
     * @param batchSize examples per forward pass, >= 1
     * @return loss as the mean over all {@code N} examples of the model's declared loss, and accuracy
     * @throws IllegalArgumentException if the dataset is empty, its shapes do not fit the model, or
     *     {@code batchSize < 1}
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
        int seen = 0;
        boolean perPosition = dataset.perPosition();
        StepWorkspace workspace = new StepWorkspace("lamina-evaluation");
        for (Batch batch : Batches.inOrder(dataset, batchSize)) {
            // Each batch's activations reuse the memory of the previous one's.
            try (MemoryWorkspace ignored = workspace.open()) {
                INDArray output = model.forward(castTo(batch.features(), model), false);
                lossSum += loss.loss(output, batch.labels()) * batch.size();
                if (perPosition) {
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

    /** @throws IllegalArgumentException if the dataset's example or label shape does not match the model */
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
