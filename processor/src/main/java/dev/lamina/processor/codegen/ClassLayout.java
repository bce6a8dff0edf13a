package dev.lamina.processor.codegen;

import com.palantir.javapoet.NameAllocator;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.RewriteFact;
import dev.lamina.processor.plan.ExecutionPlan;
import dev.lamina.processor.plan.Fusion;
import dev.lamina.processor.plan.TrainingPass;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link ExecutionPlan} laid out as a Java class: an emitter per layer and every Java name the
 * generated class uses. All names (fields, constants, locals) come from one {@link NameAllocator},
 * so no local shadows a field and no two layers collide. It decides nothing about what runs: that is
 * the plan's.
 */
final class ClassLayout {
    private final ExecutionPlan plan;
    private final List<LayerContext> layers;
    private final Map<String, LayerContext> byName;

    private ClassLayout(ExecutionPlan plan, List<LayerContext> layers) {
        this.plan = plan;
        this.layers = List.copyOf(layers);
        this.byName = new HashMap<>();
        layers.forEach(l -> byName.put(l.name(), l));
    }

    static ClassLayout of(ExecutionPlan plan) {
        NameAllocator names = new NameAllocator();
        for (String reserved : List.of(Members.DATA_TYPE, Members.INIT_RNG, Members.DROPOUT_RNG,
                Members.INPUT_SHAPE, Members.OUTPUT_SHAPE, Members.LAYERS, Members.DROPOUT_SEED_MIX, Members.INPUT,
                Members.TRAINING, Members.D_OUTPUT, Members.INFERENCE_PASS, Members.LINT_FINDINGS, Members.INPUT_GRADIENT,
                Members.NO_INPUT_GRADIENT, "seed",
                "buffers")) {
            names.newName(reserved);
        }

        TrainingPass training = plan.training();
        List<LayerNode> nodes = training.layers();
        List<LayerEmitter> emitters = nodes.stream().map(n -> LayerEmitters.forSpec(n.spec())).toList();
        int first = training.firstWithParameters();

        // Output locals in forward, and dLoss/d(output) locals in backward.
        List<String> outs = new ArrayList<>();
        List<String> dOuts = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            String name = nodes.get(i).name();
            outs.add(names.newName(name + "Out"));
            boolean last = i == nodes.size() - 1;
            dOuts.add(last ? Members.D_OUTPUT : names.newName("d" + capitalize(name) + "Out"));
        }

        List<Map<Role, String>> fieldsByLayer = new ArrayList<>();
        List<Map<Hyperparameter, String>> settingsByLayer = new ArrayList<>();
        List<String> constants = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            LayerNode node = nodes.get(i);
            LayerEmitter emitter = emitters.get(i);
            Map<Role, String> fields = new EnumMap<>(Role.class);
            List<LayerEmitter.Tensor> tensors = new ArrayList<>(emitter.parameters(node));
            tensors.addAll(emitter.elided(node));
            tensors.addAll(emitter.buffers(node));
            tensors.addAll(emitter.scratch(node));
            for (LayerEmitter.Tensor t : tensors) {
                fields.put(t.role(), names.newName(node.name() + t.role().fieldSuffix()));
            }
            if (training.inBackward(i)) {
                for (LayerEmitter.Cache c : emitter.caches(node)) {
                    fields.put(c.role(), names.newName(node.name() + c.role().fieldSuffix()));
                }
            }
            fieldsByLayer.add(fields);
            constants.add(names.newName(upperSnake(node.name())));
            Map<Hyperparameter, String> settings = new EnumMap<>(Hyperparameter.class);
            for (LayerEmitter.Setting setting : emitter.settings(node)) {
                settings.put(setting.name(), names.newName(upperSnake(node.name()) + "_" + setting.name()));
            }
            settingsByLayer.add(settings);
        }

        // Built from the last layer back, so that a layer can refer to the BatchNorm folded into it.
        LayerContext[] layers = new LayerContext[nodes.size()];
        for (int i = nodes.size() - 1; i >= 0; i--) {
            LayerNode node = nodes.get(i);
            Optional<RewriteFact.FoldsBatchNorm> folds = node.fact(RewriteFact.FoldsBatchNorm.class);
            if (folds.isPresent() && (i + 1 >= nodes.size() || !nodes.get(i + 1).name().equals(folds.get().batchNorm()))) {
                throw new IllegalArgumentException(node.name() + " folds a BatchNorm that does not follow it");
            }
            boolean inBackward = training.inBackward(i);
            layers[i] = new LayerContext(node, emitters.get(i), constants.get(i), fieldsByLayer.get(i),
                    settingsByLayer.get(i),
                    i == 0 ? Members.INPUT : outs.get(i - 1),
                    outs.get(i),
                    dOuts.get(i),
                    inBackward && i > first ? dOuts.get(i - 1) : null,
                    inBackward,
                    i == first,
                    folds.isPresent() ? layers[i + 1] : null);
        }
        return new ClassLayout(plan, List.of(layers));
    }

    /** The layer named {@code name}. */
    LayerContext layer(String name) {
        LayerContext layer = byName.get(name);
        if (layer == null) {
            throw new IllegalArgumentException("no layer named " + name);
        }
        return layer;
    }

    ExecutionPlan plan() {
        return plan;
    }

    /** The executed model. */
    ModelIR model() {
        return plan.executed();
    }

    /** The layers of the training pass, in order. */
    List<LayerContext> layers() {
        return layers;
    }

    /** The fused group whose last layer is {@code layer}, if any. */
    Optional<Fusion> fusionEndingAt(LayerContext layer) {
        return plan.training().fusions().stream()
                .filter(f -> f.layers().get(f.layers().size() - 1).equals(layer.name()))
                .findFirst();
    }

    /** Index of the first layer with parameters, where backward ends; -1 when no layer has any. */
    int firstWithParameters() {
        return plan.training().firstWithParameters();
    }

    /** The forward local holding the model's output, or {@code input} for a model without layers. */
    String forwardOutput() {
        return layers.isEmpty() ? Members.INPUT : layers.get(layers.size() - 1).out();
    }

    boolean hasDropout() {
        return layers.stream().anyMatch(l -> l.emitter() instanceof DropoutEmitter);
    }

    static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** {@code conv1} to {@code CONV1}, {@code firstConv} to {@code FIRST_CONV}. */
    static String upperSnake(String camel) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c) && i > 0 && !Character.isUpperCase(camel.charAt(i - 1))
                    && camel.charAt(i - 1) != '_') {
                s.append('_');
            }
            s.append(Character.toUpperCase(c));
        }
        return s.toString();
    }
}
