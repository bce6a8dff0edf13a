package dev.lamina.runtime.model;

import dev.lamina.dsl.Layer;
import dev.lamina.dsl.Loss;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
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
 * {@link #finishTrainingForward} at the end of a training pass; {@link #afterInferenceLayer} after each
 * layer of the inference pass; {@link #startBackward} first in {@code backward} and {@link #afterBackward}
 * after each layer's (or fusion's) backward. The hooks after layers feed the {@link LayerProfiler} while
 * one is attached and cost a field read otherwise.
 *
 * <p><b>Threads.</b> What {@link Model} promises for generated models holds as follows. The layer
 * observer and the non-finite search are per call: they live in a {@link ThreadLocal} for the length
 * of one {@link #forward(INDArray, boolean, LayerObserver)} or {@link #firstNonFiniteLayer} call, so
 * each observer sees only its own call's layers, in that call's thread, while other threads run
 * plain or observed passes of their own. (A refusal of concurrent observed calls was the alternative;
 * per-call state costs one thread-local read per layer and lets several threads watch at once.)
 * An inference pass ({@code training = false}) writes no field that another pass reads: the declared
 * layers keep nothing outside training, and the rewritten inference pass refolds BatchNorm into
 * scratch arrays of the instance, which concurrent passes overwrite with the same values as long as
 * parameters and buffers do not change meanwhile. A training pass keeps the tensors that
 * {@link #backward} reads in fields, and {@link #startForward} clears the flag that {@link #backward}
 * checks: training is for one thread at a time, with no other pass running.
 */
public abstract class GeneratedModel implements Model {
    /** The last argument of a weight layer's backward kernel: compute dL/d(input). */
    protected static final boolean INPUT_GRADIENT = true;
    /** The same, for the first layer with parameters: nothing before it needs dL/d(input). */
    protected static final boolean NO_INPUT_GRADIENT = false;
    /** The last constructor argument of a model declared with {@code tokens = true}: its input is token ids. */
    protected static final boolean TOKEN_IDS = true;

    private final String modelName;
    private final Loss loss;
    private final int[] inputShape;
    private final int[] outputShape;
    private final List<Layer> layers;
    /** The element type of parameters and activations. */
    protected final DataType dataType;
    /** Whether the input is token ids {@code [N, T]} of type INT or LONG ({@code tokens = true}). */
    private final boolean tokenInput;

    /**
     * The first BatchNorm layer with one value per channel per example (after a Dense layer, or on a
     * 1x1 map), which cannot train on a batch of one example; null if there is none.
     */
    private final Layer batchOfOneBreaks;

    private List<Parameter> parameters = List.of();
    private Map<String, INDArray> buffers = Map.of();
    /** Whether the last forward pass was a completed training pass, whose tensors backward reads. */
    private boolean backwardReady;
    /**
     * What watches the forward pass running on this thread: set for the length of one call of
     * {@link #forward(INDArray, boolean, LayerObserver)} or {@link #firstNonFiniteLayer}, on the
     * calling thread only, so that concurrent calls on other threads neither feed it nor see it.
     */
    private final ThreadLocal<Watch> watch = new ThreadLocal<>();

    /** The attached profiler, or null: the one field every profiling hook reads first. */
    private LayerProfiler profiler;
    /** Each layer's parameters (weight first) by layer name, for the profiler's estimates; built on first attach. */
    private Map<String, List<INDArray>> parametersByLayer;
    /** Each layer's kind by name, for the profiler; built on first attach. */
    private Map<String, String> kinds;
    /** The shapes of each layer's last forward pass while profiling, which its backward estimate reads. */
    private final Map<String, LayerWork.Shapes> forwardShapes = new ConcurrentHashMap<>();

    /** One watching call's state: its observer (or null) and, for the non-finite search, what it found. */
    private static final class Watch {
        final LayerObserver observer;
        final boolean findNonFinite;
        /** The first layer whose output held NaN or infinity, or null. */
        String nonFiniteLayer;

        Watch(LayerObserver observer, boolean findNonFinite) {
            this.observer = observer;
            this.findNonFinite = findNonFinite;
        }
    }

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
        this(modelName, loss, inputShape, outputShape, layers, dataType, false);
    }

    /**
     * The shared state of a generated model whose input may be token ids.
     *
     * @param modelName   the model interface's simple name, for messages
     * @param loss        the declared loss
     * @param inputShape  one input example's shape, without the batch axis ({@code [T]} for token ids)
     * @param outputShape one output example's shape, without the batch axis
     * @param layers      the declared layers, in declaration order
     * @param dataType    the element type of parameters and activations
     * @param tokenInput  {@link #TOKEN_IDS} when the model is declared with {@code tokens = true}: forward
     *                    then takes INT or LONG ids {@code [N, T]}
     * @throws IllegalArgumentException if {@code dataType} is not a floating-point type
     */
    protected GeneratedModel(String modelName, Loss loss, int[] inputShape, int[] outputShape, List<Layer> layers,
            DataType dataType, boolean tokenInput) {
        this.tokenInput = tokenInput;
        if (!dataType.isFPType()) {
            throw new IllegalArgumentException("dataType must be a floating-point type, not " + dataType);
        }
        this.modelName = modelName;
        this.loss = loss;
        this.inputShape = inputShape.clone();
        this.outputShape = outputShape.clone();
        this.layers = List.copyOf(layers);
        this.dataType = dataType;
        this.batchOfOneBreaks = this.layers.stream()
                .filter(l -> l.kind().equals("BatchNorm") && valuesPerChannelPerExample(l) == 1)
                .findFirst().orElse(null);
    }

    /** H * W for a BatchNorm over {@code [C, H, W]}, 1 over {@code [C]}. */
    private static long valuesPerChannelPerExample(Layer layer) {
        int[] shape = layer.outputShape();
        long values = 1;
        for (int axis = 1; axis < shape.length; axis++) {
            values *= shape[axis];
        }
        return values;
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
        Watch search = new Watch(null, true);
        watching(search, input, training);
        return Optional.ofNullable(search.nonFiniteLayer);
    }

    /** {@inheritDoc} The observer sees only this call's layers, whatever other threads run meanwhile. */
    @Override
    public final INDArray forward(INDArray input, boolean training, LayerObserver observer) {
        return watching(new Watch(Objects.requireNonNull(observer, "observer"), false), input, training);
    }

    /** Runs forward on this thread with {@code w} watching it, then restores what watched before (a nested call). */
    private INDArray watching(Watch w, INDArray input, boolean training) {
        Watch outer = watch.get();
        watch.set(w);
        try {
            return forward(input, training);
        } finally {
            if (outer == null) {
                watch.remove();
            } else {
                watch.set(outer);
            }
        }
    }

    /**
     * {@inheritDoc} The profiler times every layer of every pass from the next pass on: the training
     * forward pass, backward, and the rewritten inference pass. Attaching one does not change what runs.
     */
    @Override
    public final void setProfiler(LayerProfiler profiler) {
        if (profiler != null && kinds == null) {
            Map<String, String> byName = new HashMap<>();
            for (Layer l : layers) {
                byName.put(l.name(), l.kind());
            }
            Map<String, List<INDArray>> byLayer = new HashMap<>();
            for (Parameter parameter : parameters) {
                String name = parameter.name();
                byLayer.computeIfAbsent(name.substring(0, Math.max(0, name.lastIndexOf('.'))), k -> new ArrayList<>())
                        .add(parameter.value());
            }
            kinds = byName;
            parametersByLayer = byLayer;
        }
        this.profiler = profiler;
    }

    @Override
    public final Optional<Layer> layerNeedingTwoExamples() {
        return Optional.ofNullable(batchOfOneBreaks);
    }

    /** {@code SeedNet (Lamina; 14 layers, 843,850 parameters, FLOAT)}: the declared layers and parameters. */
    @Override
    public String toString() {
        long count = layers.stream().mapToLong(Layer::parameterCount).sum();
        return String.format(Locale.ROOT, "%s (Lamina; %d layers, %,d parameters, %s)", modelName, layers.size(),
                count, dataType);
    }

    /**
     * The start of every forward pass: checks the input, before any layer runs (so that a failed
     * training pass has updated no running statistics), forgets the last training pass, and returns
     * the input in the model's type.
     *
     * <p>Input types, as Keras, which casts floating-point inputs to a layer's compute type: a
     * floating-point input of another type than {@link #dataType()} (DOUBLE into a FLOAT model, FLOAT
     * into a DOUBLE one, HALF...) is cast once, here, so the layers see one type; casting DOUBLE down to
     * FLOAT rounds the values, as the FLOAT model would anyway. An integer input to a model that does not
     * take token ids is refused rather than cast (PyTorch refuses it too): integers there are usually
     * token ids given to the wrong model, or raw pixel values that training saw scaled.
     *
     * @param input    the batch, {@code [N, ...inputShape]}
     * @param training the forward pass's flag
     * @return {@code input} itself if it already has the model's type (or holds token ids), else a
     *     copy cast to {@link #dataType()}
     * @throws IllegalArgumentException naming both example shapes if {@code input} is not a batch of
     *     input examples (suggesting {@code reshape(1, ...)} for one example without its batch axis);
     *     naming the shape if the batch holds no examples ({@code N = 0}); naming the type if a model
     *     of token ids gets values that are not INT or LONG (an id out of range is the embedding kernel's exception, naming the id), or another model gets
     *     values that are not floating-point (naming the type to pass); naming the layer if a training
     *     pass gives a BatchNorm layer one value per channel (a batch of one example where the layer
     *     normalises one value per example and channel)
     */
    protected final INDArray startForward(INDArray input, boolean training) {
        checkExampleShape("input", input, inputShape);
        if (input.size(0) == 0) {
            // ND4J fails inside its ops on an empty array; a clear refusal beats a NullPointerException.
            throw new IllegalArgumentException("input " + Arrays.toString(input.shape()) + " of " + modelName
                    + " holds no examples: pass a batch of at least one example (skip empty batches)");
        }
        if (tokenInput && input.dataType() != DataType.INT32 && input.dataType() != DataType.INT64) {
            throw new IllegalArgumentException("input of " + modelName + " holds " + input.dataType() + " values, but "
                    + modelName + " takes token ids: an INT or LONG array " + Arrays.toString(batchShape(inputShape))
                    + " (N sequences of " + inputShape[0] + " ids)");
        }
        if (!tokenInput && !input.dataType().isFPType()) {
            throw new IllegalArgumentException("input of " + modelName + " holds " + input.dataType() + " values, but "
                    + modelName + " computes in " + dataType + " and takes floating-point values: pass a " + dataType
                    + " array " + Arrays.toString(batchShape(inputShape)) + " (input.castTo(DataType." + dataType
                    + "), scaled as the training data was); DOUBLE or another floating type is cast to " + dataType);
        }
        if (training && input.size(0) < 2 && batchOfOneBreaks != null) {
            throw new IllegalArgumentException("layer '" + batchOfOneBreaks.name() + "' (BatchNorm over "
                    + Arrays.toString(batchOfOneBreaks.outputShape()) + ") of " + modelName
                    + " cannot train on a batch of " + input.size(0) + " example" + (input.size(0) == 1 ? "" : "s")
                    + ": training needs more than one value per channel; train on batches of at least 2"
                    + " examples (drop a last batch of one)");
        }
        backwardReady = false;
        startLap();
        return tokenInput || input.dataType() == dataType ? input : input.castTo(dataType);
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
        return !training && watch.get() == null;
    }

    /**
     * Called by forward after each junction (a residual addition, a concatenation), which reads several
     * inputs: as {@link #afterLayer(String, INDArray, INDArray)}, with the profiler's estimate of the
     * inputs derived from the output.
     *
     * @param layer  the layer's declared name
     * @param output its output batch
     */
    protected final void afterLayer(String layer, INDArray output) {
        afterLayer(layer, null, output);
    }

    /**
     * Called by forward after each layer: times it for an attached {@link LayerProfiler}, notes
     * {@code layer} if, while looking for it, it is the first whose {@code output} holds NaN or infinity,
     * and hands the output to the layer observer, if any (whose time the profiler does not count).
     *
     * @param layer  the layer's declared name
     * @param input  its input batch, or null for a junction
     * @param output its output batch
     */
    protected final void afterLayer(String layer, INDArray input, INDArray output) {
        LayerProfiler p = profiler;
        if (p != null) {
            LayerWork.Shapes shapes = LayerWork.shapes(kind(layer), input, output, parametersOf(layer));
            forwardShapes.put(layer, shapes);
            p.lap(LayerProfiler.Pass.FORWARD, layer, kind(layer), shapes.forward());
        }
        watchLayer(layer, output);
    }

    /**
     * Called by forward right after a fused forward kernel, which computes several layers (BatchNorm, an
     * activation, Dropout, a max pooling) in one call: times the call as one {@link LayerProfiler} entry,
     * named as its backward's, with the layers' work summed. Each layer's output then goes to
     * {@link #afterFusedLayer}.
     *
     * @param layers the fused layers' declared names joined by {@code +} in forward order
     *               ({@code bn1+act1+drop1})
     * @param input  the first layer's input batch; every layer but the last keeps its shape
     * @param output the last layer's output batch
     */
    protected final void afterFusedForward(String layers, INDArray input, INDArray output) {
        LayerProfiler p = profiler;
        if (p == null) {
            return;
        }
        String last = layers.substring(layers.lastIndexOf('+') + 1);
        lapGroup(p, LayerProfiler.Pass.FORWARD, layers, layer -> {
            LayerWork.Shapes shapes = LayerWork.shapes(kind(layer), input, layer.equals(last) ? output : input,
                    parametersOf(layer));
            forwardShapes.put(layer, shapes);
            return shapes.forward();
        });
    }

    /**
     * Called by forward after each layer of a fused forward kernel, after {@link #afterFusedForward}:
     * as {@link #afterLayer(String, INDArray, INDArray)} without the profiler, which timed the kernel as
     * one entry. Notes {@code layer} if, while looking for it, it is the first whose {@code output} holds
     * NaN or infinity, and hands the output to the layer observer, if any.
     *
     * @param layer  the layer's declared name
     * @param output its output batch
     */
    protected final void afterFusedLayer(String layer, INDArray output) {
        watchLayer(layer, output);
    }

    /**
     * As {@link #afterFusedLayer(String, INDArray)} for a fused layer whose output the kernel did not write
     * (it only computed it on the way to the next layer's): {@code output} computes it, and is called only
     * while a layer observer or the non-finite search watches this call.
     *
     * @param layer  the layer's declared name
     * @param output computes its output batch
     */
    protected final void afterFusedLayer(String layer, Supplier<INDArray> output) {
        if (watch.get() != null) {
            watchLayer(layer, output.get());
        }
    }

    /** The non-finite search and the layer observer of {@link #afterLayer(String, INDArray, INDArray)}. */
    private void watchLayer(String layer, INDArray output) {
        Watch w = watch.get();
        if (w == null) {
            return;
        }
        if (w.findNonFinite && w.nonFiniteLayer == null && !Tensors.allFinite(output)) {
            w.nonFiniteLayer = layer;
        }
        if (w.observer != null) {
            w.observer.layerOutput(layer, output);
        }
        // The observer's time is not the next layer's.
        startLap();
    }

    /**
     * Called by the inference pass after each junction, for an attached {@link LayerProfiler}: as
     * {@link #afterInferenceLayer(String, INDArray, INDArray)} with the inputs derived from the output.
     *
     * @param layer  the layer's declared name
     * @param output its output batch
     */
    protected final void afterInferenceLayer(String layer, INDArray output) {
        afterInferenceLayer(layer, null, output);
    }

    /**
     * Called by the inference pass after each layer, for an attached {@link LayerProfiler}.
     *
     * @param layer  the layer's declared name
     * @param input  its input batch in this pass, or null for a junction (a residual addition, a
     *               concatenation), whose inputs the estimate derives from its output
     * @param output its output batch
     */
    protected final void afterInferenceLayer(String layer, INDArray input, INDArray output) {
        LayerProfiler p = profiler;
        if (p != null) {
            p.lap(LayerProfiler.Pass.INFERENCE, layer, kind(layer),
                    LayerWork.shapes(kind(layer), input, output, parametersOf(layer)).forward());
        }
    }

    /**
     * Called by backward after each layer's backward, or a fusion's, for an attached {@link LayerProfiler};
     * the estimate uses the shapes of the layers' last profiled forward pass.
     *
     * @param layers        the layer's declared name, or the fused layers' names joined by {@code +} in
     *                      forward order ({@code bn1+act1+drop1})
     * @param inputGradient whether the backward computed dL/d(input) ({@link #INPUT_GRADIENT}) or not
     */
    protected final void afterBackward(String layers, boolean inputGradient) {
        LayerProfiler p = profiler;
        if (p == null) {
            return;
        }
        lapGroup(p, LayerProfiler.Pass.BACKWARD, layers, layer -> {
            LayerWork.Shapes shapes = forwardShapes.get(layer);
            return shapes == null ? null : shapes.backward(inputGradient);
        });
    }

    /**
     * One profiler entry for {@code layers} (one name, or fused names joined by {@code +}): their kinds
     * joined the same way and their work summed, each layer's from {@code work} (null: not known).
     */
    private void lapGroup(LayerProfiler p, LayerProfiler.Pass pass, String layers, Function<String, LayerWork> work) {
        double flop = 0;
        double bytes = 0;
        List<String> kindsOfLayers = new ArrayList<>();
        for (String layer : layers.split("\\+")) {
            kindsOfLayers.add(kind(layer));
            LayerWork w = work.apply(layer);
            if (w != null) {
                flop += w.flop();
                bytes += w.bytes();
            }
        }
        p.lap(pass, layers, String.join("+", kindsOfLayers), new LayerWork(flop, bytes));
    }

    /** Restarts the attached profiler's clock on this thread, if one is attached. */
    private void startLap() {
        LayerProfiler p = profiler;
        if (p != null) {
            p.startLap();
        }
    }

    /** The kind of a declared layer ({@code Conv2d}), for the profiler (attached, so the map exists). */
    private String kind(String layer) {
        return kinds.getOrDefault(layer, "");
    }

    /** The trainable parameters of a layer, in declaration order ({@code <layer>.<role>}), for the profiler. */
    private List<INDArray> parametersOf(String layer) {
        return parametersByLayer.getOrDefault(layer, List.of());
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
        startLap();
    }

    /** {@code [N, ...exampleShape]}, for messages. */
    private static String[] batchShape(int[] exampleShape) {
        String[] shape = new String[exampleShape.length + 1];
        shape[0] = "N";
        for (int axis = 0; axis < exampleShape.length; axis++) {
            shape[axis + 1] = Integer.toString(exampleShape[axis]);
        }
        return shape;
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
            String oneExample = Arrays.equals(shape, Arrays.stream(exampleShape).asLongStream().toArray())
                    ? "; it has the shape of one example: add the batch axis with " + what + ".reshape(1, "
                            + Arrays.stream(exampleShape).mapToObj(Integer::toString)
                                    .collect(Collectors.joining(", ")) + ")"
                    : "";
            throw new IllegalArgumentException(what + " " + Arrays.toString(shape) + " holds examples of shape "
                    + Arrays.toString(actual) + ", but " + modelName + " expects examples of shape "
                    + Arrays.toString(exampleShape) + " (shapes without the batch axis)" + oneExample);
        }
    }
}
