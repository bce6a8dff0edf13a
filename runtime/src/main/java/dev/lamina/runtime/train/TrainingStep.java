package dev.lamina.runtime.train;

import dev.lamina.runtime.loss.LossFunction;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.model.Tensors;
import dev.lamina.runtime.optim.GradientClipping;
import dev.lamina.runtime.optim.Optimizer;
import java.util.Objects;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One optimizer step of a model on one batch: clear the gradients, forward in training mode with
 * the given dropout seed, the loss of the model's declared loss function, backward, optionally
 * gradient clipping by global norm ({@link GradientClipping#clipGradNorm}), and the optimizer's update. The {@link Trainer} runs its steps through this class; benchmarks and custom
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
    private final double maxGradNorm;
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
     * @param gradNorm       the global L2 norm of the gradients before clipping, when the step clips;
     *                       NaN when it does not (the norm is then not computed) or the loss is not finite
     */
    public record Result(double loss, long correct, String nonFiniteAt, double gradNorm) {
        /**
         * A result without a gradient norm.
         *
         * @param loss        the batch's mean loss
         * @param correct     labels predicted correctly
         * @param nonFiniteAt where a non-finite loss started, or null
         */
        public Result(double loss, long correct, String nonFiniteAt) {
            this(loss, correct, nonFiniteAt, Double.NaN);
        }

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
     * @throws NullPointerException if an argument is null
     */
    public TrainingStep(Model model, Optimizer optimizer) {
        this(model, optimizer, Double.NaN, false);
    }

    /**
     * Steps for {@code model}, updated by {@code optimizer} after clipping the gradients to a global
     * L2 norm of {@code maxGradNorm} ({@link GradientClipping#clipGradNorm}, PyTorch's
     * {@code clip_grad_norm_}).
     *
     * @param model       the model to train; its {@link Model#loss()} is the loss minimised
     * @param optimizer   updates {@link Model#parameters()} from their clipped gradients
     * @param maxGradNorm the largest global gradient norm, > 0 ({@code +Infinity} measures without clipping)
     * @throws IllegalArgumentException unless {@code maxGradNorm > 0}
     * @throws NullPointerException     if {@code model} or {@code optimizer} is null
     */
    public TrainingStep(Model model, Optimizer optimizer, double maxGradNorm) {
        this(model, optimizer, GradientClipping.checkMaxNorm(maxGradNorm), true);
    }

    private TrainingStep(Model model, Optimizer optimizer, double maxGradNorm, boolean clip) {
        this.model = Objects.requireNonNull(model, "model");
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.loss = LossFunction.of(model.loss());
        this.maxGradNorm = clip ? maxGradNorm : Double.NaN;
    }

    /**
     * Runs one step. When the loss is not finite, backward and the update are skipped (the
     * parameters are left as they were) and {@link Result#nonFiniteAt()} says where it started.
     *
     * @param features    {@code [N, ...model.inputShape()]} of the model's data type, or integer token ids
     * @param labels      {@code [N, K]} one-hot (or target values for MSE), {@code [K] = model.outputShape()};
     *                    or class ids {@code [N, T]} (INT or LONG) for a model that outputs {@code [T, K]}
     * @param dropoutSeed seeds the model's dropout masks for this step ({@link Model#seedDropout})
     * @return the batch's loss, correct count (of examples, or of positions for class ids) and, when
     *     clipping, the gradient norm before clipping
     * @throws IllegalArgumentException if a shape does not fit the model (from the model, before any
     *     computation)
     */
    @SuppressWarnings("try")  // the workspace is open for the block; its handle is not read
    public Result run(INDArray features, INDArray labels, long dropoutSeed) {
        double batchLoss;
        long correct;
        double gradNorm = Double.NaN;
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
            if (!Double.isNaN(maxGradNorm)) {
                gradNorm = GradientClipping.clipGradNorm(model.parameters(), maxGradNorm);
            }
        }
        optimizer.step(model.parameters());
        return new Result(batchLoss, correct, null, gradNorm);
    }

    private String nonFiniteAt(INDArray features, long dropoutSeed) {
        if (!Tensors.allFinite(features)) {
            return "input";
        }
        model.seedDropout(dropoutSeed);
        return model.firstNonFiniteLayer(features, true).orElse(null);
    }

    /**
     * Labels in a batch whose arg-max output (over the last axis) is their class: examples for
     * {@code [N, K]} one-hot labels (arg-max of the label), positions for {@code [N, T]} class ids with
     * {@code [N, T, K]} outputs.
     */
    static long correct(INDArray output, INDArray labels) {
        long[] predicted;
        long[] actual;
        if (output.rank() == 2 && labels.dataType().isFPType()) {
            predicted = output.argMax(1).toLongVector();
            actual = labels.argMax(1).toLongVector();
        } else {
            int last = output.rank() - 1;
            predicted = flat(output.argMax(last));
            actual = flat(labels.dataType().isFPType() ? labels.argMax(last) : labels);
        }
        long n = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] == actual[i]) {
                n++;
            }
        }
        return n;
    }

    private static long[] flat(INDArray array) {
        return array.reshape('c', new long[] {array.length()}).toLongVector();
    }
}
