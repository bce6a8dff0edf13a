package dev.lamina.runtime.model;

import dev.lamina.dsl.Layer;
import dev.lamina.dsl.Loss;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What every generated model offers the runtime: a forward pass, a backward pass into parameter
 * gradients, and its parameters. Generated classes implement this interface next to the user's
 * {@code @Sequential} interface.
 *
 * <p>Call order for one training step: {@link #zeroGrad()}, {@link #forward(INDArray, boolean)}
 * with {@code training = true}, the loss gradient, {@link #backward(INDArray)}, then an optimizer
 * step over {@link #parameters()}.
 *
 * <p><b>Threads.</b> A model is not synchronised; for the models Lamina generates (see
 * {@link GeneratedModel}):
 * <ul>
 *   <li>Safe from several threads at once: inference, that is {@link #forward(INDArray, boolean)},
 *       {@link #forward(INDArray, boolean, LayerObserver)} and {@link #firstNonFiniteLayer} with
 *       {@code training = false}, and the read-only methods ({@link #loss()}, {@link #inputShape()},
 *       {@link #outputShape()}, {@link #layers()}, {@link #dataType()}, {@link #summary()},
 *       {@link #lintFindings()}), provided that no thread changes the model meanwhile. Each
 *       observer and each non-finite search belongs to its own call: it sees only that call's layers.</li>
 *   <li>One thread at a time, with no other call running: training ({@code training = true} in any
 *       of the three, which keeps tensors for {@link #backward} and updates BatchNorm running
 *       statistics), {@link #backward}, {@link #zeroGrad()}, {@link #seedDropout}, optimizer steps, and
 *       anything that writes {@link #parameters()} or {@link #buffers()} (such as loading a checkpoint).
 *       Handing a model from one thread to another needs the usual happens-before edge (an executor,
 *       a lock, a {@code volatile} write).</li>
 * </ul>
 * Other implementations state their own rules.
 */
public interface Model {
    /**
     * Runs the network on a batch.
     *
     * <p>Generated models take input of any floating-point type and cast it once to {@link #dataType()}
     * (as Keras does), take token ids as INT or LONG when declared with {@code tokens = true}, and refuse
     * other integer input with a message naming the type to pass ({@link GeneratedModel#startForward}).
     *
     * @param input    {@code [N, ...inputShape()]}, of {@link #dataType()} (or, for generated models,
     *                 another floating-point type)
     * @param training true: batch statistics in BatchNorm, fresh dropout masks, and activations
     *                 kept for {@link #backward}; false: running statistics, no dropout
     * @return the last layer's raw output (logits for the cross-entropy losses), {@code [N, ...outputShape()]};
     *     {@link #predict} applies the loss's output activation
     * @throws IllegalArgumentException if {@code input}'s shape does not match {@link #inputShape()}, it
     *     holds no examples ({@code N = 0}), or its type does not fit the model
     */
    INDArray forward(INDArray input, boolean training);

    /**
     * What the model predicts for a batch: {@link #forward forward(input, false)} (inference mode,
     * running BatchNorm statistics, no dropout, nothing kept for {@link #backward}) followed by the
     * output activation of the declared {@link #loss()}, as {@code torch.softmax(model(x), -1)} under
     * {@code model.eval()} in PyTorch, or Keras' {@code model.predict(x)} on a model whose last layer
     * holds the activation:
     * <ul>
     *   <li>{@link Loss#SOFTMAX_CROSS_ENTROPY}: softmax over the class axis (the last), so each row
     *       of {@code K} sums to 1: {@code [N, K]} for one class per example, {@code [N, T, K]} for one
     *       class per position;</li>
     *   <li>{@link Loss#SIGMOID_BINARY_CROSS_ENTROPY}: the logistic sigmoid of every unit, each an
     *       independent probability in [0, 1];</li>
     *   <li>{@link Loss#MSE}: the identity (the regression values themselves).</li>
     * </ul>
     *
     * @param input {@code [N, ...inputShape()]}, as for {@link #forward(INDArray, boolean)}
     * @return {@code [N, ...outputShape()]}, of {@link #dataType()}
     * @throws IllegalArgumentException as {@link #forward(INDArray, boolean)} for an input that does not fit
     */
    default INDArray predict(INDArray input) {
        return Predictions.probabilities(this, input);
    }

    /**
     * The predicted classes of a batch, from an inference-mode forward pass as in {@link #predict}:
     * <ul>
     *   <li>{@link Loss#SOFTMAX_CROSS_ENTROPY}: the index of the largest output over the class axis
     *       (the last; the first index on ties, a NaN counting as largest as in {@code torch.argmax}),
     *       {@code [N]} for outputs {@code [N, K]} and {@code [N, T]} for outputs {@code [N, T, K]};</li>
     *   <li>{@link Loss#SIGMOID_BINARY_CROSS_ENTROPY}: per unit (multi-label), 1 where the predicted
     *       probability exceeds 0.5 (the logit is above 0) and 0 elsewhere, {@code [N, ...outputShape()]},
     *       as Keras' former {@code predict_classes} for a sigmoid output;</li>
     *   <li>{@link Loss#MSE}: none, a regression model has no classes.</li>
     * </ul>
     *
     * @param input {@code [N, ...inputShape()]}, as for {@link #forward(INDArray, boolean)}
     * @return class indices or 0/1 flags, of type LONG
     * @throws UnsupportedOperationException if the loss is {@link Loss#MSE} (use {@link #predict})
     * @throws IllegalArgumentException as {@link #forward(INDArray, boolean)} for an input that does not fit
     */
    default INDArray predictClasses(INDArray input) {
        return Predictions.classes(this, input);
    }

    /**
     * Back-propagates {@code dOutput} (dLoss/dOutput of the last training-mode forward pass) and
     * accumulates ({@code +=}) every parameter's gradient.
     *
     * @param dOutput same shape as the last forward output
     * @throws IllegalStateException if no training-mode forward pass preceded this call
     */
    void backward(INDArray dOutput);

    /** {@return all trainable parameters, in declaration order} */
    List<Parameter> parameters();

    /** {@return the non-trainable state that inference needs (BatchNorm running statistics), by name} */
    Map<String, INDArray> buffers();

    /** Sets every parameter gradient to zero. */
    default void zeroGrad() {
        for (Parameter p : parameters()) {
            p.grad().assign(0);
        }
    }

    /**
     * Runs {@link #forward forward(input, training)} and names the first layer, in forward order,
     * whose output holds a NaN or an infinity: the place where a diverged training run first went
     * non-finite. Empty when every layer's output is finite, and always empty for a model that cannot
     * look between its layers (the default). Like any forward pass in training mode, it draws dropout
     * masks and updates BatchNorm running statistics.
     *
     * @param input    {@code [N, ...inputShape()]}, of {@link #dataType()}
     * @param training as for {@link #forward}
     * @return the name of the first layer whose output is not finite, or empty
     */
    default Optional<String> firstNonFiniteLayer(INDArray input, boolean training) {
        return Optional.empty();
    }

    /**
     * Runs {@link #forward forward(input, training)} and hands every layer's output to
     * {@code observer} as soon as the layer has computed it, in the order the layers run (see
     * {@link LayerObserver}): a way to look inside a
     * model without changing it (activation statistics, {@code dev.lamina.runtime.analysis.VarianceShift}).
     * The pass itself is the ordinary one: in training mode it draws dropout masks and updates
     * BatchNorm running statistics.
     *
     * @param input    {@code [N, ...inputShape()]}, of {@link #dataType()}
     * @param training as in {@link #forward(INDArray, boolean)}
     * @param observer called once per layer with the layer's name and its output {@code [N, ...]}
     * @return the same as {@code forward(input, training)}
     * @throws UnsupportedOperationException if the model cannot look between its layers (the default;
     *     generated models can)
     * @throws IllegalArgumentException if {@code input}'s shape does not match {@link #inputShape()}
     */
    default INDArray forward(INDArray input, boolean training, LayerObserver observer) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot report its layers' outputs");
    }

    /**
     * Attaches a profiler that times each layer of the following passes (see {@link LayerProfiler}), or
     * detaches it with {@code null}. Like any write to the model, from one thread with no pass running.
     *
     * @param profiler the profiler, or null for none
     * @throws UnsupportedOperationException if the model cannot time its layers (the default; generated
     *     models can)
     */
    default void setProfiler(LayerProfiler profiler) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot time its layers");
    }

    /**
     * {@return the lint findings that Lamina's processor reported for this model's declaration at compile
     * time, in the order javac printed them (by layer, then by rule); empty when there were none, and for
     * models not generated by Lamina (the default)}
     */
    default List<LintFinding> lintFindings() {
        return List.of();
    }

    /**
     * {@return the first layer that cannot train on a batch of one example, or empty} Such a layer is a
     * BatchNorm that normalises one value per channel per example (after a Dense layer, or on a 1x1 map):
     * with one example its batch variance is 0, so a training pass on it fails, as in PyTorch ("Expected
     * more than 1 value per channel when training"). A trainer avoids the case with drop-last
     * ({@code Trainer.Builder.dropLast}) when the training set leaves a last batch of one. Empty by
     * default; generated models know their layers.
     */
    default Optional<Layer> layerNeedingTwoExamples() {
        return Optional.empty();
    }

    /**
     * Re-seeds the generator that draws dropout masks; the same seed gives the same masks.
     *
     * @param seed the new seed
     */
    void seedDropout(long seed);

    /** {@return the loss declared on the model} */
    Loss loss();

    /** {@return the shape of one input example, without the batch axis} */
    int[] inputShape();

    /** {@return the shape of one output example, without the batch axis} */
    int[] outputShape();

    /** {@return the declared layers, in order} */
    List<Layer> layers();

    /** {@return the element type of parameters and activations} */
    DataType dataType();

    /**
     * A Keras-style table of the layers (name, kind, output shape with batch axis {@code N},
     * trainable and non-trainable parameters, output memory) with totals, for a batch of one example.
     * See {@link ModelSummary}; {@code System.out.print(model.summary())} prints it.
     *
     * @return the table, lines ending in {@code \n}
     */
    default String summary() {
        return summary(1);
    }

    /**
     * Like {@link #summary()}, with activation memory for a forward pass of {@code batchSize} examples.
     *
     * @param batchSize examples per forward pass, >= 1
     * @return the table, lines ending in {@code \n}
     * @throws IllegalArgumentException if {@code batchSize < 1}
     */
    default String summary(int batchSize) {
        return ModelSummary.of(this, batchSize).table();
    }
}
