package dev.lamina.processor.codegen;

import com.palantir.javapoet.NameAllocator;
import dev.lamina.processor.ir.Graph;
import dev.lamina.processor.ir.Group;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.Step;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.RewriteFact;
import dev.lamina.processor.plan.ExecutionPlan;
import dev.lamina.processor.plan.Fusion;
import dev.lamina.processor.plan.TrainingPass;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
    private final Graph graph;
    private final Map<String, List<String>> gradientParts;
    private final Map<String, String> repeatConstants;
    private final Map<Fusion, String> fusedOutputs;
    private final Map<Fusion, String> fusionFields;

    private ClassLayout(ExecutionPlan plan, List<LayerContext> layers, Graph graph,
            Map<String, List<String>> gradientParts, Map<String, String> repeatConstants,
            Map<Fusion, String> fusedOutputs, Map<Fusion, String> fusionFields) {
        this.plan = plan;
        this.fusedOutputs = Map.copyOf(fusedOutputs);
        this.fusionFields = Map.copyOf(fusionFields);
        this.layers = List.copyOf(layers);
        this.byName = new HashMap<>();
        layers.forEach(l -> byName.put(l.name(), l));
        this.graph = graph;
        this.gradientParts = Map.copyOf(gradientParts);
        this.repeatConstants = Map.copyOf(repeatConstants);
    }

    static ClassLayout of(ExecutionPlan plan) {
        NameAllocator names = new NameAllocator();
        for (String reserved : List.of(Members.DATA_TYPE, Members.INIT_RNG, Members.DROPOUT_RNG,
                Members.INPUT_SHAPE, Members.OUTPUT_SHAPE, Members.LAYERS, Members.DROPOUT_SEED_MIX, Members.INPUT,
                Members.TRAINING, Members.D_OUTPUT, Members.INFERENCE_PASS, Members.LINT_FINDINGS, Members.INPUT_GRADIENT,
                Members.NO_INPUT_GRADIENT, Members.TOKEN_IDS, "seed",
                "buffers")) {
            names.newName(reserved);
        }
        for (String type : RuntimeTypes.simpleNames()) {
            names.newName(type);
        }

        TrainingPass training = plan.training();
        Graph graph = training.graph();
        List<LayerNode> nodes = graph.nodes();
        Set<String> inBackward = TrainingPass.inBackward(graph);
        List<LayerEmitter> emitters = nodes.stream().map(n -> LayerEmitters.forSpec(n.spec())).toList();

        // Output locals in forward.
        Map<String, String> outs = new HashMap<>();
        outs.put(Graph.INPUT, Members.INPUT);
        for (LayerNode node : nodes) {
            outs.put(node.name(), names.newName(javaName(node.name()) + "Out"));
        }

        // Backward, from the last layer back: dLoss/d(output) of each layer, and the local each
        // reader declares for its share of it. A residual addition passes its own gradient on, so
        // its shares are its dOut; a layer read by several gets the sum of their shares.
        Map<String, String> dOuts = new HashMap<>();
        Map<String, List<String>> dIns = new HashMap<>();
        Map<String, List<String>> parts = new HashMap<>();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            LayerNode node = nodes.get(i);
            if (!inBackward.contains(node.name())) {
                continue;
            }
            List<String> shares = new ArrayList<>();
            List<LayerNode> readers = graph.readersOf(node.name());
            int reads = 0;
            for (LayerNode reader : readers) {
                reads += (int) graph.inputsOf(reader).stream().filter(node.name()::equals).count();
            }
            if (reads == 0) {
                dOuts.put(node.name(), Members.D_OUTPUT);
                continue;
            }
            String dOut = null;
            for (LayerNode reader : readers) {
                List<String> inputs = graph.inputsOf(reader);
                for (int j = 0; j < inputs.size(); j++) {
                    if (!inputs.get(j).equals(node.name())) {
                        continue;
                    }
                    String share;
                    if (reader.spec() instanceof LayerSpec.Add) {
                        share = dOuts.get(reader.name());
                    } else if (reads == 1) {
                        share = names.newName("d" + capitalize(javaName(node.name())) + "Out");
                    } else {
                        share = names.newName("d" + capitalize(javaName(node.name())) + "OutVia"
                                + capitalize(javaName(reader.name())));
                    }
                    dIns.computeIfAbsent(reader.name(), k -> new ArrayList<>(
                            Collections.nCopies(inputs.size(), null))).set(j, share);
                    shares.add(share);
                    dOut = share;
                }
            }
            if (reads > 1) {
                dOut = names.newName("d" + capitalize(javaName(node.name())) + "Out");
                parts.put(node.name(), shares);
            }
            dOuts.put(node.name(), dOut);
        }

        List<Map<Role, String>> fieldsByLayer = new ArrayList<>();
        List<Map<Hyperparameter, String>> settingsByLayer = new ArrayList<>();
        List<String> constants = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            LayerNode node = nodes.get(i);
            String base = javaName(node.name());
            LayerEmitter emitter = emitters.get(i);
            Map<Role, String> fields = new EnumMap<>(Role.class);
            List<LayerEmitter.Tensor> tensors = new ArrayList<>(emitter.parameters(node));
            tensors.addAll(emitter.elided(node));
            tensors.addAll(emitter.buffers(node));
            tensors.addAll(emitter.scratch(node));
            for (LayerEmitter.Tensor t : tensors) {
                fields.put(t.role(), names.newName(base + t.role().fieldSuffix()));
            }
            // A fusion keeps what its backward reads in one field of its own, not in its layers' caches.
            if (inBackward.contains(node.name()) && !training.fused(node.name())) {
                for (LayerEmitter.Cache c : emitter.caches(node)) {
                    fields.put(c.role(), names.newName(base + c.role().fieldSuffix()));
                }
            }
            fieldsByLayer.add(fields);
            constants.add(names.newName(upperSnake(base)));
            Map<Hyperparameter, String> settings = new EnumMap<>(Hyperparameter.class);
            for (LayerEmitter.Setting setting : emitter.settings(node)) {
                settings.put(setting.name(), names.newName(upperSnake(base) + "_" + setting.name()));
            }
            settingsByLayer.add(settings);
        }
        Map<String, String> repeatConstants = new LinkedHashMap<>();
        for (String repeat : repeats(plan.declared().steps())) {
            repeatConstants.put(repeat, names.newName(upperSnake(javaName(repeat))));
        }

        // Built from the last layer back, so that a layer can refer to the BatchNorm folded into it.
        LayerContext[] layers = new LayerContext[nodes.size()];
        for (int i = nodes.size() - 1; i >= 0; i--) {
            LayerNode node = nodes.get(i);
            Optional<RewriteFact.FoldsBatchNorm> folds = node.fact(RewriteFact.FoldsBatchNorm.class);
            if (folds.isPresent() && (i + 1 >= nodes.size() || !nodes.get(i + 1).name().equals(folds.get().batchNorm()))) {
                throw new IllegalArgumentException(node.name() + " folds a BatchNorm that does not follow it");
            }
            List<String> inputs = graph.inputsOf(node);
            // Only inputs whose producer is in backward got a gradient local above; the others stay null.
            List<String> nodeDIns = dIns.getOrDefault(node.name(), Collections.nCopies(inputs.size(), null));
            layers[i] = new LayerContext(node, emitters.get(i), constants.get(i), fieldsByLayer.get(i),
                    settingsByLayer.get(i),
                    inputs.stream().map(outs::get).toList(),
                    outs.get(node.name()),
                    dOuts.get(node.name()),
                    nodeDIns,
                    inBackward.contains(node.name()),
                    folds.isPresent() ? layers[i + 1] : null);
        }
        // The local holding a fused forward call's outputs and the field that keeps them for backward, both
        // named after the group's first layer.
        Map<Fusion, String> fusedOutputs = new HashMap<>();
        Map<Fusion, String> fusionFields = new HashMap<>();
        for (Fusion fusion : training.fusions()) {
            fusedOutputs.put(fusion, names.newName(javaName(fusion.layers().get(0)) + "Fused"));
            fusionFields.put(fusion, names.newName(javaName(fusion.layers().get(0)) + "Fusion"));
        }
        return new ClassLayout(plan, List.of(layers), graph, parts, repeatConstants, fusedOutputs, fusionFields);
    }

    /**
     * The names of the {@code @Repeat} uses among {@code steps} (not inside blocks), once per repeat,
     * in order.
     */
    private static List<String> repeats(List<Step> steps) {
        List<String> repeats = new ArrayList<>();
        for (Step step : steps) {
            if (step instanceof Group group) {
                if (!repeats.contains(group.repeat())) {
                    repeats.add(group.repeat());
                }
            }
        }
        return repeats;
    }

    /**
     * For a {@code @Repeat} use of the model's interface, by its method name, the constant of its
     * {@code Layer}: what the interface's method returns.
     */
    Map<String, String> repeatConstants() {
        return repeatConstants;
    }

    /**
     * The locals whose sum is dLoss/d(output of {@code layer}) when several layers read its output
     * (a fork before a block), in the order backward declared them; empty when one layer reads it.
     */
    List<String> gradientParts(LayerContext layer) {
        return gradientParts.getOrDefault(layer.name(), List.of());
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

    /** In forward: the local holding the outputs of {@code fusion}'s kernel call, e.g. {@code bn1Fused}. */
    String fusedOutputs(Fusion fusion) {
        return fusedOutputs.get(fusion);
    }

    /** The field keeping what {@code fusion}'s forward call returned, for its backward, e.g. {@code bn1Fusion}. */
    String fusionField(Fusion fusion) {
        return fusionFields.get(fusion);
    }

    /** Whether {@code layer} is one of a fusion's layers (whose backward reads the fusion's field, not caches). */
    boolean fused(LayerContext layer) {
        return plan.training().fused(layer.name());
    }

    /** The fused groups of the training pass. */
    List<Fusion> fusions() {
        return plan.training().fusions();
    }

    /** The fused group whose first layer is {@code layer}, if any. */
    Optional<Fusion> fusionStartingAt(LayerContext layer) {
        return plan.training().fusions().stream()
                .filter(f -> f.layers().get(0).equals(layer.name()))
                .findFirst();
    }

    /** The fused group whose last layer is {@code layer}, if any. */
    Optional<Fusion> fusionEndingAt(LayerContext layer) {
        return plan.training().fusions().stream()
                .filter(f -> f.layers().get(f.layers().size() - 1).equals(layer.name()))
                .findFirst();
    }

    /** Whether backward runs any layer: false when no layer has parameters. */
    boolean hasBackward() {
        return layers.stream().anyMatch(LayerContext::inBackward);
    }

    /** The forward local holding the model's output, or {@code input} for a model without layers. */
    String forwardOutput() {
        return outs(List.of(graph.output())).get(0);
    }

    /**
     * The locals holding the outputs of {@code producers} (layer names or {@link Graph#INPUT}) in
     * forward, or in a pass that runs some of the same layers.
     */
    List<String> outs(List<String> producers) {
        return producers.stream().map(p -> p.equals(Graph.INPUT) ? Members.INPUT : layer(p).out()).toList();
    }

    /** Whether a layer draws dropout masks: a Dropout layer, or attention with a dropout rate. */
    boolean hasDropout() {
        return layers.stream().anyMatch(l -> l.emitter() instanceof DropoutEmitter
                || l.emitter() instanceof MultiHeadAttentionEmitter && MultiHeadAttentionEmitter.dropsOut(l.node()));
    }

    /**
     * A layer's path as a Java identifier: {@code conv1} stays, {@code down2.shortcut.conv} becomes
     * {@code down2ShortcutConv}, {@code stage1[2].res.conv1} becomes {@code stage1_2ResConv1}.
     */
    static String javaName(String path) {
        StringBuilder s = new StringBuilder();
        for (String part : path.split("[.\\[\\]]+")) {
            if (part.isEmpty()) {
                continue;
            }
            if (s.length() == 0) {
                s.append(part);
            } else if (Character.isDigit(part.charAt(0))) {
                s.append('_').append(part);
            } else {
                s.append(capitalize(part));
            }
        }
        return s.toString();
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
