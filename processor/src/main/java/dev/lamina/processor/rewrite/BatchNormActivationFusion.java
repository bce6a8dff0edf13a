package dev.lamina.processor.rewrite;

import dev.lamina.processor.ir.Graph;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.LayerSpec.Activation.Function;
import dev.lamina.processor.plan.Fusion;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Fusion rule {@code BatchNormActivation}: a BatchNorm followed directly by a ReLU, LeakyReLU or ELU,
 * optionally then a Dropout and optionally then a {@code @MaxPool2d}, runs its training forward pass as
 * one call of the runtime kernel {@code BatchNormActivation.forward} (one statistics pass, then
 * normalisation, activation, dropout mask and pooling in one pass, writing only the last output) and its
 * backward as one call of {@code BatchNormActivation.backward} (pooling, mask, activation slope and
 * BatchNorm's backward in one pass per channel), instead of up to four calls each
 * ({@link Fusion.BatchNormActivation}). The forward call can hand back every fused layer's output (computed
 * again when asked for), so layer observers and the non-finite search see each layer; the inference pass
 * is planned by the inference rewrites, not here.
 *
 * <p>An earlier fused forward in scalar Java measured slower than the separate calls (libm's scalar
 * exp against libnd4j's vectorised one); the kernel now runs on the JDK's Vector API, with a
 * vectorised expm1, when the JVM has the module.
 */
final class BatchNormActivationFusion {
    private BatchNormActivationFusion() {}

    private static final Set<Function> FUSABLE = Set.of(Function.RELU, Function.LEAKY_RELU, Function.ELU);

    /**
     * The fused groups of the training pass over {@code graph}, among the layers that backward runs
     * ({@code inBackward}). Fused layers follow each other in execution order, and each reads only
     * the one before, which no other layer reads: the group is a straight run inside one sequence.
     */
    static List<Fusion> find(Graph graph, Set<String> inBackward) {
        List<LayerNode> layers = graph.nodes();
        List<Fusion> fusions = new ArrayList<>();
        for (int i = 0; i + 1 < layers.size(); i++) {
            if (!inBackward.contains(layers.get(i).name())
                    || !(layers.get(i).spec() instanceof LayerSpec.BatchNorm)
                    || !(layers.get(i + 1).spec() instanceof LayerSpec.Activation act)
                    || !FUSABLE.contains(act.function())
                    || !chained(graph, layers.get(i), layers.get(i + 1))) {
                continue;
            }
            int last = i + 1;
            Optional<String> dropout = next(graph, layers, last, LayerSpec.Dropout.class);
            last += dropout.isPresent() ? 1 : 0;
            Optional<String> pool = next(graph, layers, last, LayerSpec.Pool2d.class)
                    .filter(name -> ((LayerSpec.Pool2d) graph.node(name).spec()).mode() == LayerSpec.Pool2d.Mode.MAX);
            last += pool.isPresent() ? 1 : 0;
            fusions.add(new Fusion.BatchNormActivation(layers.get(i).name(), layers.get(i + 1).name(), dropout, pool));
            i = last;
        }
        return fusions;
    }

    /** The layer after {@code layers[at]} if it is of {@code kind} and reads only that layer, which no other reads. */
    private static Optional<String> next(Graph graph, List<LayerNode> layers, int at, Class<? extends LayerSpec> kind) {
        return at + 1 < layers.size() && kind.isInstance(layers.get(at + 1).spec())
                && chained(graph, layers.get(at), layers.get(at + 1))
                ? Optional.of(layers.get(at + 1).name())
                : Optional.empty();
    }

    /** Whether {@code next} reads only {@code layer}'s output, and no other layer reads it. */
    private static boolean chained(Graph graph, LayerNode layer, LayerNode next) {
        return graph.inputsOf(next).equals(List.of(layer.name())) && graph.readersOf(layer.name()).size() == 1;
    }
}
