package dev.lamina.runtime.train;

import dev.lamina.runtime.loss.LossFunction;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.model.Tensors;
import dev.lamina.runtime.optim.Optimizer;
import java.util.Objects;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One optimizer step of a model on one batch: clear the gradients, forward in training mode with
 * the given dropout seed, the loss of the model's declared loss function, backward, and the
 * optimizer's update. The {@link Trainer} runs its steps through this class; benchmarks and custom
 * loops can too.
 *
 * <p>Forward, loss and backward run in one ND4J workspace reused from step to step, so that in the
 * steady state (every step after the first at a given batch size) no activation, cache, dropout
 * mask or activation gradient takes fresh off-heap memory: the first step learns the size, later
 * steps reuse it. The optimizer's update runs outside the workspace, because optimizers keep their
 * state (Adam's moments) from step to step. Arrays made during a step are therefore valid only
 * within it: after {@link #run} the model's cached activations must not be read, and
 * {@link Model#backward} needs a new forward pass first.
 *
 * <p>Not thread-safe; a workspace belongs to the thread that opens it.
 */
public final class TrainingStep {
    private final Model model;
    private final Optimizer optimizer;
    private final LossFunction loss;
    private final StepWorkspace workspace = new StepWorkspace("lamina-training-step");

    /**
     * The outcome of one step.
     *
     * @param loss           the batch's mean loss before the update; NaN or infinite if the step diverged
     * @param correct        examples whose arg-max output is their labelled class
     * @param nonFiniteAt    when the loss is not finite: {@code "input"} if the batch itself holds NaN or
     *                       infinity, else the first layer whose output is not finite (found by running
     *                       the same forward pass again with the same masks), or null if every output was
     *                       finite; null when the loss is finite
     */
    public record Result(double loss, long correct, String nonFiniteAt) {
        /** {@return whether the loss is finite, that is, whether the parameters were updated} */
        public boolean finite() {
            return Double.isFinite(loss);
        }
    }

    /**
     * Steps for {@code model}, updated by {@code optimizer}.
     *
     * @param model     the model to train; its {@link Model#loss()} is the loss minimised
     * @param optimizer updates {@link Model#parameters()} from their gradients
     */
    public TrainingStep(Model model, Optimizer optimizer) {
        this.model = Objects.requireNonNull(model, "model");
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.loss = LossFunction.of(model.loss());
    }

    /**
     * Runs one step. When the loss is not finite, backward and the update are skipped (the
     * parameters are left as they were) and {@link Result#nonFiniteAt()} says where it started.
     *
     * @param features    {@code [N, ...model.inputShape()]} of the model's data type
     * @param labels      {@code [N, K]} one-hot (or target values for MSE), {@code [K] = model.outputShape()}
     * @param dropoutSeed seeds the model's dropout masks for this step ({@link Model#seedDropout})
     * @return the batch's loss and correct count
     * @throws IllegalArgumentException if a shape does not fit the model (from the model, before any
     *     computation)
     */
    public Result run(INDArray features, INDArray labels, long dropoutSeed) {
        double batchLoss;
        long correct;
        try (MemoryWorkspace ignored = workspace.open()) {
            model.zeroGrad();
            model.seedDropout(dropoutSeed);
            INDArray output = model.forward(features, true);
            batchLoss = loss.loss(output, labels);
            correct = correct(output, labels);
            if (!Double.isFinite(batchLoss)) {
                return new Result(batchLoss, correct, nonFiniteAt(features, dropoutSeed));
            }
            model.backward(loss.gradient(output, labels));
        }
        optimizer.step(model.parameters());
        return new Result(batchLoss, correct, null);
    }

    private String nonFiniteAt(INDArray features, long dropoutSeed) {
        if (!Tensors.allFinite(features)) {
            return "input";
        }
        model.seedDropout(dropoutSeed);
        return model.firstNonFiniteLayer(features, true).orElse(null);
    }

    /** Examples in a batch whose arg-max output is their labelled class (arg-max of the one-hot label). */
    static long correct(INDArray output, INDArray labels) {
        long[] predicted = output.argMax(1).toLongVector();
        long[] actual = labels.argMax(1).toLongVector();
        long n = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] == actual[i]) {
                n++;
            }
        }
        return n;
    }
}
