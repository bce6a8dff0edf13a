package dev.lamina.processor.codegen;

import com.palantir.javapoet.NameAllocator;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.rewrite.BatchNormFold;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model laid out for code generation: an emitter per layer, every Java name the generated class
 * uses, and how far the backward pass goes. All names (fields, constants, locals) come from one
 * {@link NameAllocator}, so no local shadows a field and no two layers collide.
 *
 * <p>The backward pass stops at the first layer with parameters: that layer computes no input
 * gradient, and the layers before it have nothing to learn and keep nothing for backward.
 */
final class ModelPlan {
    private final ModelIR model;
    private final List<LayerContext> layers;
    private final int firstWithParameters;
    private final List<BatchNormActivationFusion> fusions;

    private ModelPlan(ModelIR model, List<LayerContext> layers, int firstWithParameters,
            List<BatchNormActivationFusion> fusions) {
        this.model = model;
        this.layers = List.copyOf(layers);
        this.firstWithParameters = firstWithParameters;
        this.fusions = List.copyOf(fusions);
    }

    /** The plan with the fusion rules on. */
    static ModelPlan of(ModelIR model) {
        return of(model, true);
    }

    /**
     * The plan of {@code model}; with {@code fuse}, chains that a fusion rule matches
     * ({@link BatchNormActivationFusion}) are planned as one group.
     */
    static ModelPlan of(ModelIR model, boolean fuse) {
        NameAllocator names = new NameAllocator();
        for (String reserved : List.of(Members.DATA_TYPE, Members.INIT_RNG, Members.DROPOUT_RNG,
                Members.BACKWARD_READY, Members.PARAMETERS, Members.BUFFERS, Members.INPUT_SHAPE,
                Members.OUTPUT_SHAPE, Members.LAYERS, Members.DROPOUT_SEED_MIX, Members.INPUT, Members.TRAINING,
                Members.D_OUTPUT, Members.FIND_NON_FINITE, Members.NON_FINITE_LAYER, Members.INFERENCE_PASS, "seed",
                "buffers")) {
            names.newName(reserved);
        }

        List<LayerNode> nodes = model.layers();
        List<LayerEmitter> emitters = new ArrayList<>();
        int first = -1;
        for (int i = 0; i < nodes.size(); i++) {
            LayerEmitter emitter = LayerEmitters.forSpec(nodes.get(i).spec());
            emitters.add(emitter);
            if (first < 0 && !emitter.parameters(nodes.get(i)).isEmpty()) {
                first = i;
            }
        }

        // Output locals in forward, and dLoss/d(output) locals in backward.
        List<String> outs = new ArrayList<>();
        List<String> dOuts = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            String name = nodes.get(i).name();
            outs.add(names.newName(name + "Out"));
            boolean last = i == nodes.size() - 1;
            dOuts.add(last ? Members.D_OUTPUT : names.newName("d" + capitalize(name) + "Out"));
        }

        List<Map<String, String>> fieldsByLayer = new ArrayList<>();
        List<String> constants = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            LayerNode node = nodes.get(i);
            LayerEmitter emitter = emitters.get(i);
            boolean inBackward = first >= 0 && i >= first;
            Map<String, String> fields = new LinkedHashMap<>();
            for (LayerEmitter.Tensor t : emitter.parameters(node)) {
                fields.put(t.role(), names.newName(node.name() + capitalize(camel(t.role()))));
            }
            for (LayerEmitter.Tensor t : emitter.elided(node)) {
                fields.put(t.role(), names.newName(node.name() + capitalize(camel(t.role()))));
            }
            for (LayerEmitter.Tensor t : emitter.buffers(node)) {
                fields.put(t.role(), names.newName(node.name() + capitalize(camel(t.role()))));
            }
            for (LayerEmitter.Tensor t : emitter.scratch(node)) {
                fields.put(t.role(), names.newName(node.name() + capitalize(camel(t.role()))));
            }
            if (inBackward) {
                for (LayerEmitter.Cache c : emitter.caches(node)) {
                    fields.put(c.role(), names.newName(node.name() + capitalize(camel(c.role()))));
                }
            }
            fieldsByLayer.add(fields);
            constants.add(names.newName(upperSnake(node.name())));
        }

        // Built from the last layer back, so that a layer can refer to the BatchNorm folded into it.
        LayerContext[] layers = new LayerContext[nodes.size()];
        for (int i = nodes.size() - 1; i >= 0; i--) {
            boolean inBackward = first >= 0 && i >= first;
            boolean folds = BatchNormFold.foldsNext(nodes.get(i));
            if (folds && (i + 1 >= nodes.size() || !BatchNormFold.isFolded(nodes.get(i + 1)))) {
                throw new IllegalArgumentException(nodes.get(i).name() + " folds a BatchNorm that does not follow it");
            }
            layers[i] = new LayerContext(nodes.get(i), emitters.get(i), constants.get(i), fieldsByLayer.get(i),
                    i == 0 ? Members.INPUT : outs.get(i - 1),
                    outs.get(i),
                    dOuts.get(i),
                    inBackward && i > first ? dOuts.get(i - 1) : null,
                    inBackward,
                    i == first,
                    folds ? layers[i + 1] : null);
        }
        List<LayerContext> layerList = List.of(layers);
        List<BatchNormActivationFusion> fusions = new ArrayList<>();
        for (int i = 0; fuse && i < layerList.size(); i++) {
            int span = BatchNormActivationFusion.span(layerList, i);
            if (span == 0) {
                continue;
            }
            fusions.add(new BatchNormActivationFusion(layerList.get(i), layerList.get(i + 1),
                    span == 3 ? layerList.get(i + 2) : null));
            i += span - 1;
        }
        return new ModelPlan(model, layerList, first, fusions);
    }

    /** The layer named {@code name}. */
    LayerContext layer(String name) {
        return layers.stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no layer named " + name));
    }

    /** The fused groups, in layer order; none when fusion is off. */
    List<BatchNormActivationFusion> fusions() {
        return fusions;
    }

    /** The fused group whose last layer is {@code layer}, or null. */
    BatchNormActivationFusion fusionEndingAt(LayerContext layer) {
        return fusions.stream().filter(f -> f.last() == layer).findFirst().orElse(null);
    }

    ModelIR model() {
        return model;
    }

    /** The layers in declaration order. */
    List<LayerContext> layers() {
        return layers;
    }

    /** Index of the first layer with parameters, where backward ends; -1 when no layer has any. */
    int firstWithParameters() {
        return firstWithParameters;
    }

    /** The forward local holding the model's output, or {@code input} for a model without layers. */
    String forwardOutput() {
        return layers.isEmpty() ? Members.INPUT : layers.get(layers.size() - 1).out();
    }

    boolean hasDropout() {
        return layers.stream().anyMatch(l -> l.emitter() instanceof DropoutEmitter);
    }

    /** {@code running_mean} to {@code runningMean}. */
    static String camel(String snake) {
        StringBuilder s = new StringBuilder();
        boolean upper = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                s.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
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
