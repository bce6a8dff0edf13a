package dev.lamina.examples.models;

import dev.lamina.runtime.model.Model;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * The MNIST models the {@code lamina} command line trains and loads, by the name {@code --model}
 * takes. A checkpoint records its model's class name ({@code Checkpoint.model()}), which
 * {@link #byClassName} maps back to an entry. Every model takes {@code [N, 1, 28, 28]} images and
 * gives 10 logits. A new model is one more line in {@link #builtIn()}.
 */
public final class MnistModels {
    /**
     * One model.
     *
     * @param name    the {@code --model} value, e.g. {@code seed}
     * @param title   for messages, e.g. {@code seed network}
     * @param source  the declaring file, e.g. {@code SeedNet.java}
     * @param type    the generated class, whose name checkpoints record
     * @param factory the generated class's {@code create(seed)}
     * @param defaults the recommended training settings, for the options {@code lamina train} is not given
     */
    public record Entry(String name, String title, String source, Class<? extends Model> type,
            LongFunction<? extends Model> factory, TrainingDefaults defaults) {
        /** Checks that no component is null. */
        public Entry {
            Objects.requireNonNull(defaults, "defaults");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(factory, "factory");
        }

        /**
         * A model trained by default with Adam at 1e-3, without schedule or clipping ({@link TrainingDefaults#ADAM}).
         *
         * @param name    the {@code --model} value
         * @param title   for messages
         * @param source  the declaring file
         * @param type    the generated class
         * @param factory the generated class's {@code create(seed)}
         */
        public Entry(String name, String title, String source, Class<? extends Model> type,
                LongFunction<? extends Model> factory) {
            this(name, title, source, type, factory, TrainingDefaults.ADAM);
        }

        /**
         * A new instance, initialised from {@code seed}.
         *
         * @param seed the initialisation seed
         * @return the model
         */
        public Model create(long seed) {
            return factory.apply(seed);
        }

        /** {@return {@code seed (dev.lamina.examples.models.LaminaSeedNet)}, for messages} */
        public String describe() {
            return name + " (" + type.getName() + ")";
        }
    }

    /**
     * The ViT's recipe (see {@link MnistViT}): AdamW with weight decay 0.05 at a peak rate of 2e-3,
     * 300 steps of linear warm-up, cosine decay to 1e-5, gradients clipped to global norm 1.
     */
    public static final TrainingDefaults VIT_DEFAULTS = new TrainingDefaults(TrainingDefaults.Optimizer.ADAMW, 2e-3,
            0.05, TrainingDefaults.Schedule.WARMUP_COSINE, 300, 1e-5, 1.0);

    /**
     * The ResNet's recipe: Adam at 1e-3 annealed to 0 over the run by a cosine, without warm-up. At
     * Adam's constant 1e-3 its BatchNorm running statistics trail the weights, which still move fast at
     * the end of an epoch: after 2 epochs, 96.2% test accuracy with them, 98.8% with statistics
     * recomputed for the final weights, 99.2% with the cosine schedule.
     */
    public static final TrainingDefaults RESNET_DEFAULTS = new TrainingDefaults(TrainingDefaults.Optimizer.ADAM, 1e-3,
            Double.NaN, TrainingDefaults.Schedule.WARMUP_COSINE, 0, 0, 0);

    private final Map<String, Entry> byName = new LinkedHashMap<>();

    /**
     * A registry of {@code entries}; the first is the default.
     *
     * @param entries the models, with distinct names and classes
     * @throws IllegalArgumentException if there are none, or two share a name or a class
     */
    public MnistModels(List<Entry> entries) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("no models");
        }
        List<Class<?>> types = new ArrayList<>();
        for (Entry e : entries) {
            if (byName.putIfAbsent(e.name(), e) != null || types.contains(e.type())) {
                throw new IllegalArgumentException("two models named " + e.name() + " or of class " + e.type());
            }
            types.add(e.type());
        }
    }

    /** {@return the models of the examples: {@code seed} (the default), {@code resnet} and {@code vit}} */
    public static MnistModels builtIn() {
        return new MnistModels(List.of(
                new Entry("seed", "seed network", "SeedNet.java", LaminaSeedNet.class, LaminaSeedNet::create),
                new Entry("resnet", "MNIST ResNet", "MnistResNet.java", LaminaMnistResNet.class,
                        LaminaMnistResNet::create, RESNET_DEFAULTS),
                new Entry("vit", "MNIST Vision Transformer", "MnistViT.java", LaminaMnistViT.class,
                        LaminaMnistViT::create, VIT_DEFAULTS)));
    }

    /** {@return the model used when none is named: the first} */
    public Entry defaultModel() {
        return byName.values().iterator().next();
    }

    /**
     * The model named {@code name}.
     *
     * @param name a {@code --model} value
     * @return the entry, or empty
     */
    public Optional<Entry> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The model whose generated class is named {@code className}, as a checkpoint records it.
     *
     * @param className a fully qualified class name
     * @return the entry, or empty
     */
    public Optional<Entry> byClassName(String className) {
        return byName.values().stream().filter(e -> e.type().getName().equals(className)).findFirst();
    }

    /** {@return every model, the default first} */
    public List<Entry> all() {
        return List.copyOf(byName.values());
    }

    /** {@return the names, the default first, e.g. {@code [seed, resnet]}} */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }
}
