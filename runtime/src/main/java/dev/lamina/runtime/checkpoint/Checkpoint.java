package dev.lamina.runtime.checkpoint;

import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.model.Parameter;
import dev.lamina.runtime.optim.ForwardingOptimizer;
import dev.lamina.runtime.optim.Optimizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A snapshot of a training run: the model's parameters and buffers, the optimizer's state and the
 * position in the run. {@link #capture} copies the tensors, so the snapshot does not change when
 * training goes on; {@link #restoreInto} checks that everything fits before it changes anything.
 * Stored with {@link CheckpointFile}.
 *
 * @param model          the model's class name ({@code test.LaminaSeedNet}); a checkpoint restores only
 *                       into the same class
 * @param optimizer      the optimizer's class name (of the wrapped one, for a {@link ForwardingOptimizer});
 *                       likewise
 * @param position       where the run stands
 * @param parameters     {@link Model#parameters()} values by name, in the model's order
 * @param buffers        {@link Model#buffers()} by name
 * @param optimizerState {@link Optimizer#state} by key
 * @param metadata       what the program that trains records about the run, as text by key (a run id,
 *                       the evaluation set's size...; as safetensors' {@code __metadata__}); empty in
 *                       checkpoints of format version 1
 */
public record Checkpoint(String model, String optimizer, TrainingPosition position, Map<String, INDArray> parameters,
        Map<String, INDArray> buffers, Map<String, INDArray> optimizerState, Map<String, String> metadata) {
    /**
     * Keeps unmodifiable copies of the four maps, in their iteration order.
     *
     * @param model          the model's class name
     * @param optimizer      the optimizer's class name
     * @param position       where the run stands
     * @param parameters     parameter values by name
     * @param buffers        buffers by name
     * @param optimizerState optimizer state by key
     * @param metadata       text by key
     * @throws NullPointerException if an argument, or a metadata key or value, is null
     */
    public Checkpoint {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(position, "position");
        parameters = ordered(parameters);
        buffers = ordered(buffers);
        optimizerState = ordered(optimizerState);
        Objects.requireNonNull(metadata, "metadata");
        metadata.forEach((k, v) -> {
            Objects.requireNonNull(k, "metadata key");
            Objects.requireNonNull(v, () -> "metadata " + k);
        });
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * A checkpoint without metadata.
     *
     * @param model          the model's class name
     * @param optimizer      the optimizer's class name
     * @param position       where the run stands
     * @param parameters     parameter values by name
     * @param buffers        buffers by name
     * @param optimizerState optimizer state by key
     * @throws NullPointerException if an argument is null
     */
    public Checkpoint(String model, String optimizer, TrainingPosition position, Map<String, INDArray> parameters,
            Map<String, INDArray> buffers, Map<String, INDArray> optimizerState) {
        this(model, optimizer, position, parameters, buffers, optimizerState, Map.of());
    }

    /**
     * This checkpoint with {@code metadata} in place of its own; the tensors are shared, not copied.
     *
     * @param metadata text by key, stored as given (see {@link CheckpointFile} for the limits)
     * @return a checkpoint that differs from this one in its metadata only
     */
    public Checkpoint withMetadata(Map<String, String> metadata) {
        return new Checkpoint(model, optimizer, position, parameters, buffers, optimizerState, metadata);
    }

    private static Map<String, INDArray> ordered(Map<String, INDArray> tensors) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /**
     * A copy of the model's and the optimizer's state.
     *
     * @param model     the model being trained
     * @param optimizer the optimizer training it
     * @param position  where the run stands
     * @return a snapshot whose tensors are copies (C order) that later steps do not change
     */
    public static Checkpoint capture(Model model, Optimizer optimizer, TrainingPosition position) {
        Map<String, INDArray> parameters = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            parameters.put(p.name(), p.value().dup('c'));
        }
        Map<String, INDArray> buffers = new LinkedHashMap<>();
        model.buffers().forEach((name, buffer) -> buffers.put(name, buffer.dup('c')));
        Map<String, INDArray> state = new LinkedHashMap<>();
        optimizer.state(model.parameters()).forEach((key, tensor) -> state.put(key, tensor.dup('c')));
        return new Checkpoint(model.getClass().getName(), stateOwner(optimizer), position, parameters, buffers, state);
    }

    /**
     * Copies this snapshot into {@code model} and {@code optimizer}, after checking that it was taken
     * from the same model class with the same parameter and buffer names, shapes and data types, and
     * from the same optimizer class. Nothing is changed when a check fails.
     *
     * @param model     the model to restore into, of the class the checkpoint was taken from
     * @param optimizer the optimizer to restore into, of the class the checkpoint was taken from
     * @param source    named in error messages (the file it was read from)
     * @throws CheckpointException naming {@code source} and what the checkpoint holds and the model expects
     */
    public void restoreInto(Model model, Optimizer optimizer, Path source) throws CheckpointException {
        checkModel(model, source);
        String optimizerName = stateOwner(optimizer);
        if (!this.optimizer.equals(optimizerName)) {
            throw new CheckpointException(source, "checkpoint holds the state of optimizer " + this.optimizer
                    + ", not of " + optimizerName);
        }
        try {
            optimizer.loadState(model.parameters(), optimizerState);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source, "optimizer state does not fit: " + e.getMessage(), e);
        }
        copyInto(model);
    }

    /**
     * Copies only the parameters and buffers into {@code model}, for inference or evaluation; the
     * optimizer state and position are ignored. Checks the model class and every parameter and buffer
     * name, shape and data type first; nothing is changed when a check fails.
     *
     * @param model  the model to load into, of the class the checkpoint was taken from
     * @param source named in error messages (the file it was read from)
     * @throws CheckpointException naming {@code source} and what the checkpoint holds and the model expects
     */
    public void restoreModelInto(Model model, Path source) throws CheckpointException {
        checkModel(model, source);
        copyInto(model);
    }

    private void checkModel(Model model, Path source) throws CheckpointException {
        String modelName = model.getClass().getName();
        if (!this.model.equals(modelName)) {
            throw new CheckpointException(source, "checkpoint is of model " + this.model + ", not of " + modelName);
        }
        Map<String, INDArray> modelParameters = new LinkedHashMap<>();
        model.parameters().forEach(p -> modelParameters.put(p.name(), p.value()));
        List<String> problems = new ArrayList<>();
        compare("parameter", parameters, modelParameters, problems);
        compare("buffer", buffers, model.buffers(), problems);
        if (!problems.isEmpty()) {
            throw new CheckpointException(source, "checkpoint does not fit model " + modelName + ": "
                    + String.join("; ", problems));
        }
    }

    private void copyInto(Model model) {
        for (Parameter p : model.parameters()) {
            p.value().assign(parameters.get(p.name()));
        }
        model.buffers().forEach((name, buffer) -> buffer.assign(buffers.get(name)));
    }

    private static void compare(String what, Map<String, INDArray> saved, Map<String, INDArray> expected,
            List<String> problems) {
        for (Map.Entry<String, INDArray> e : expected.entrySet()) {
            INDArray s = saved.get(e.getKey());
            if (s == null) {
                problems.add(what + " " + e.getKey() + " is missing");
            } else if (!Arrays.equals(s.shape(), e.getValue().shape()) || s.dataType() != e.getValue().dataType()) {
                problems.add(what + " " + e.getKey() + " is " + describe(s) + " in the checkpoint but "
                        + describe(e.getValue()) + " in the model");
            }
        }
        for (String name : saved.keySet()) {
            if (!expected.containsKey(name)) {
                problems.add("the model has no " + what + " " + name);
            }
        }
    }

    /** The class whose state a checkpoint holds: wrappers forward to the optimizer they wrap. */
    private static String stateOwner(Optimizer optimizer) {
        Optimizer o = optimizer;
        while (o instanceof ForwardingOptimizer f) {
            o = f.delegate();
        }
        return o.getClass().getName();
    }

    static String describe(INDArray a) {
        return a.dataType() + " " + Arrays.toString(a.shape());
    }
}
