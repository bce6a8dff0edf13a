package dev.lamina.runtime.model;

import dev.lamina.dsl.Layer;
import dev.lamina.dsl.Loss;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The base class of every model class Lamina generates: what all of them share, so that the
 * generated class holds only its own layers (parameters, the forward, inference and backward passes).
 * It keeps the model's description (loss, shapes, declared layers), the parameter and buffer lists
 * that optimizers and checkpoints read, the state check between a training forward pass and
 * {@link #backward}, and the hooks of {@link #firstNonFiniteLayer} and
 * {@link #forward(INDArray, boolean, LayerObserver)}.
 *
 * <p>Not meant for hand-written models, which implement {@link Model} directly. A generated class
 * calls, in order: the constructor; {@link #register} at the end of its own constructor;
 * {@link #startForward} first in {@code forward}, {@link #afterLayer} after each layer and
 * {@link #finishTrainingForward} at the end of a training pass; {@link #startBackward} first in
 * {@code backward}.
 */
public abstract class GeneratedModel implements Model {
    /** The last argument of a weight layer's backward kernel: compute dL/d(input). */
    protected static final boolean INPUT_GRADIENT = true;
    /** The same, for the first layer with parameters: nothing before it needs dL/d(input). */
    protected static final boolean NO_INPUT_GRADIENT = false;

    private final String modelName;
    private final Loss loss;
    private final int[] inputShape;
    private final int[] outputShape;
    private final List<Layer> layers;
    /** The element type of parameters and activations. */
    protected final DataType dataType;

    private List<Parameter> parameters = List.of();
    private Map<String, INDArray> buffers = Map.of();
    /** Whether the last forward pass was a completed training pass, whose tensors backward reads. */
    private boolean backwardReady;
    /** Set during {@link #firstNonFiniteLayer}: forward then notes the first layer whose output is not finite. */
    private boolean findNonFinite;
    /** The first layer whose output held NaN or infinity while looking, or null. */
    private String nonFiniteLayer;
    /** Set during {@link #forward(INDArray, boolean, LayerObserver)}: receives each layer's output. */
    private LayerObserver layerObserver;

    /**
     * The shared state of a generated model; the generated constructor then creates the layers'
     * parameters and calls {@link #register}.
     *
     * @param modelName   the model interface's simple name, for messages
     * @param loss        the declared loss
     * @param inputShape  one input example's shape, without the batch axis
     * @param outputShape one output example's shape, without the batch axis
     * @param layers      the declared layers, in declaration order
     * @param dataType    the element type of parameters and activations
     * @throws IllegalArgumentException if {@code dataType} is not a floating-point type
     */
    protected GeneratedModel(String modelName, Loss loss, int[] inputShape, int[] outputShape, List<Layer> layers,
            DataType dataType) {
        if (!dataType.isFPType()) {
            throw new IllegalArgumentException("dataType must be a floating-point type, not " + dataType);
        }
        this.modelName = modelName;
        this.loss = loss;
        this.inputShape = inputShape.clone();
        this.outputShape = outputShape.clone();
        this.layers = List.copyOf(layers);
        this.dataType = dataType;
    }

    /**
     * Sets what {@link #parameters()} and {@link #buffers()} return; called once, at the end of the
     * generated constructor.
     *
     * @param parameters the trainable parameters in declaration order
     * @param buffers    the buffers by name ({@code <layer>.<buffer>}), in declaration order
     */
    protected final void register(List<Parameter> parameters, Map<String, INDArray> buffers) {
        this.parameters = List.copyOf(parameters);
        this.buffers = Collections.unmodifiableMap(new LinkedHashMap<>(buffers));
    }

    @Override
    public final List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public final Map<String, INDArray> buffers() {
        return buffers;
    }

    @Override
    public final Loss loss() {
        return loss;
    }

    @Override
    public final int[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public final int[] outputShape() {
        return outputShape.clone();
    }

    @Override
    public final List<Layer> layers() {
        return layers;
    }

    @Override
    public final DataType dataType() {
        return dataType;
    }

    @Override
    public final Optional<String> firstNonFiniteLayer(INDArray input, boolean training) {
        findNonFinite = true;
        nonFiniteLayer = null;
        try {
            forward(input, training);
        } finally {
            findNonFinite = false;
        }
        return Optional.ofNullable(nonFiniteLayer);
    }

    @Override
    public final INDArray forward(INDArray input, boolean training, LayerObserver observer) {
        layerObserver = Objects.requireNonNull(observer, "observer");
        try {
            return forward(input, training);
        } finally {
            layerObserver = null;
        }
    }

    /** {@code SeedNet (Lamina; 14 layers, 843,850 parameters, FLOAT)}: the declared layers and parameters. */
    @Override
    public String toString() {
        long count = layers.stream().mapToLong(Layer::parameterCount).sum();
        return String.format(Locale.ROOT, "%s (Lamina; %d layers, %,d parameters, %s)", modelName, layers.size(),
                count, dataType);
    }

    /**
     * The start of every forward pass: checks the input's shape and forgets the last training pass.
     *
     * @param input the batch, {@code [N, ...inputShape]}
     * @throws IllegalArgumentException naming both example shapes if {@code input} is not a batch of
     *     input examples
     */
    protected final void startForward(INDArray input) {
        checkExampleShape("input", input, inputShape);
        backwardReady = false;
    }

    /**
     * Whether a forward pass with this {@code training} flag may run the rewritten inference pass:
     * only outside training, and only while no layer observer and no non-finite search watches (they
     * see each declared layer's own output).
     *
     * @param training the forward pass's flag
     * @return whether the inference pass may run
     */
    protected final boolean mayRunInferencePass(boolean training) {
        return !training && layerObserver == null && !findNonFinite;
    }

    /**
     * Called by forward after each layer: notes {@code layer} if, while looking for it, it is the
     * first whose {@code output} holds NaN or infinity, and hands the output to the layer observer, if any.
     *
     * @param layer  the layer's declared name
     * @param output its output batch
     */
    protected final void afterLayer(String layer, INDArray output) {
        if (findNonFinite && nonFiniteLayer == null && !Tensors.allFinite(output)) {
            nonFiniteLayer = layer;
        }
        if (layerObserver != null) {
            layerObserver.layerOutput(layer, output);
        }
    }

    /** The end of a training forward pass, whose tensors {@link #backward} may now read. */
    protected final void finishTrainingForward() {
        backwardReady = true;
    }

    /**
     * The start of every backward pass.
     *
     * @param dOutput dLoss/d(output), {@code [N, ...outputShape]}
     * @throws IllegalStateException if the last forward pass was not a completed training pass
     * @throws IllegalArgumentException naming both example shapes if {@code dOutput} is not a batch
     *     of output examples
     */
    protected final void startBackward(INDArray dOutput) {
        if (!backwardReady) {
            throw new IllegalStateException("call forward(input, true) before backward()");
        }
        checkExampleShape("dOutput", dOutput, outputShape);
    }

    /** Checks that {@code array} is a batch of examples of {@code exampleShape}: {@code [N, ...exampleShape]}. */
    private void checkExampleShape(String what, INDArray array, int[] exampleShape) {
        long[] shape = array.shape();
        boolean matches = shape.length == exampleShape.length + 1;
        for (int axis = 0; matches && axis < exampleShape.length; axis++) {
            matches = shape[axis + 1] == exampleShape[axis];
        }
        if (!matches) {
            long[] actual = Arrays.copyOfRange(shape, Math.min(1, shape.length), shape.length);
            throw new IllegalArgumentException(what + " " + Arrays.toString(shape) + " holds examples of shape "
                    + Arrays.toString(actual) + ", but " + modelName + " expects examples of shape "
                    + Arrays.toString(exampleShape) + " (shapes without the batch axis)");
        }
    }
}
