package dev.lamina.processor.lint;

import dev.lamina.processor.ir.Dataflow;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.LayerSpec.Activation;
import dev.lamina.processor.ir.LayerSpec.Activation.Function;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Helpers shared by rules: walks over "transparent" layers, and the
 * model's output layer. Each rule states its own transparency set; these are the building blocks.
 */
public final class Layers {
    private Layers() {}

    /** Flatten only moves values; it never changes them. */
    public static final Predicate<LayerSpec> FLATTEN = s -> s instanceof LayerSpec.Flatten;

    /** Max or average pooling over an image ({@code @MaxPool2d}, {@code @AvgPool2d}) or a signal ({@code @MaxPool1d}). */
    public static final Predicate<LayerSpec> POOL = s -> s instanceof LayerSpec.Pool2d || s instanceof LayerSpec.MaxPool1d;

    public static final Predicate<LayerSpec> DROPOUT = s -> s instanceof LayerSpec.Dropout;

    public static final Predicate<LayerSpec> BATCH_NORM = s -> s instanceof LayerSpec.BatchNorm;

    /** Conv2d, Conv1d or Dense. */
    public static final Predicate<LayerSpec> WEIGHT = LayerSpec::isWeightLayer;

    /**
     * Global average pooling: the mean of each channel, {@code [C, H, W] -> [C]}, or over the tokens
     * of a sequence, {@code [T, D] -> [D]} (and the length of a signal, {@code [C, L] -> [C]}).
     */
    public static final Predicate<LayerSpec> GLOBAL_POOL =
            s -> s instanceof LayerSpec.GlobalAvgPool2d || s instanceof LayerSpec.GlobalAvgPool1d;

    /** Layer norm over the last axis ({@code @LayerNorm}). */
    public static final Predicate<LayerSpec> LAYER_NORM = s -> s instanceof LayerSpec.LayerNorm;

    /** A residual addition, the junction that ends a {@code @Residual}. */
    public static final Predicate<LayerSpec> ADD = s -> s instanceof LayerSpec.Add;

    /** A concatenation, the junction that ends a {@code @Concat}. */
    public static final Predicate<LayerSpec> CONCAT = s -> s instanceof LayerSpec.Concat;

    /** Either junction: a residual addition or a concatenation. */
    public static final Predicate<LayerSpec> JUNCTION = LayerSpec::isJunction;

    /** Every activation applied to each value independently: all but softmax. */
    public static final Predicate<LayerSpec> ELEMENTWISE_ACTIVATION =
            s -> s instanceof Activation a && a.function().isElementwise();

    /** True when {@code spec} is the activation {@code function}. */
    public static boolean isActivation(LayerSpec spec, Function function) {
        return spec instanceof Activation a && a.function() == function;
    }

    /**
     * One path from a layer through the layers that {@code pass} accepts, in flow order, to the
     * first layer it rejects ({@code stop}), or to the model's end or input ({@code stop} null).
     */
    public record Walk(List<LayerNode> passed, LayerNode stop) {
        public Walk {
            passed = List.copyOf(passed);
        }

        public boolean stopped() {
            return stop != null;
        }
    }

    /**
     * Every path forward from the layers that read {@code from}'s output: one walk per path (one in
     * a straight stack; one per branch where the flow forks). Where paths join again (at a junction
     * that {@code pass} accepts) the walk goes on past the join once, along the first path that
     * reaches it: what lies beyond is the same for every path, so rules neither report it twice nor
     * walk a number of paths that doubles with each block.
     */
    public static List<Walk> forward(Dataflow flow, LayerNode from, Predicate<LayerSpec> pass) {
        List<Walk> walks = new ArrayList<>();
        walk(flow, from, pass, true, new ArrayList<>(), new HashSet<>(), walks);
        return walks;
    }

    /**
     * Every path backward from the layers whose output {@code from} reads; {@code passed} in flow
     * order. As {@link #forward}, a layer where paths fork (read by several layers) is walked past
     * once.
     */
    public static List<Walk> backward(Dataflow flow, LayerNode from, Predicate<LayerSpec> pass) {
        List<Walk> walks = new ArrayList<>();
        walk(flow, from, pass, false, new ArrayList<>(), new HashSet<>(), walks);
        return walks;
    }

    private static void walk(Dataflow flow, LayerNode at, Predicate<LayerSpec> pass, boolean forward,
            List<LayerNode> passed, Set<String> expanded, List<Walk> walks) {
        List<LayerNode> next = forward ? flow.successors(at) : flow.predecessors(at);
        if (next.isEmpty()) {
            walks.add(new Walk(inFlowOrder(passed, forward), null));
        }
        for (LayerNode n : next) {
            if (!pass.test(n.spec())) {
                walks.add(new Walk(inFlowOrder(passed, forward), n));
                continue;
            }
            if (!expanded.add(n.name())) {
                continue;
            }
            passed.add(n);
            walk(flow, n, pass, forward, passed, expanded, walks);
            passed.remove(passed.size() - 1);
        }
    }

    /**
     * Whether a residual addition runs after {@code node} on some path from it, before any other
     * addition: a later residual unit reads its output (through its shortcut, its body or both).
     */
    public static boolean reachesAddition(Dataflow flow, LayerNode node) {
        return forward(flow, node, ADD.negate()).stream()
                .anyMatch(w -> w.stopped() && ADD.test(w.stop().spec()));
    }

    /** Whether {@code node}'s output is read by exactly one layer, so that it can be moved or merged alone. */
    public static boolean readOnce(Dataflow flow, LayerNode node) {
        return flow.successors(node).size() == 1;
    }

    private static List<LayerNode> inFlowOrder(List<LayerNode> passed, boolean forward) {
        List<LayerNode> ordered = new ArrayList<>(passed);
        if (!forward) {
            Collections.reverse(ordered);
        }
        return ordered;
    }

    /**
     * The layer whose output the loss sees, ignoring trailing Flatten and Dropout (identity at
     * inference; trailing dropout is reported by StochasticLayerAfterOutput); empty when there is none.
     */
    public static Optional<LayerNode> output(Dataflow flow) {
        Predicate<LayerSpec> transparent = FLATTEN.or(DROPOUT);
        for (LayerNode sink : flow.sinks()) {
            if (!transparent.test(sink.spec())) {
                return Optional.of(sink);
            }
            for (Walk walk : backward(flow, sink, transparent)) {
                if (walk.stopped()) {
                    return Optional.of(walk.stop());
                }
            }
        }
        return Optional.empty();
    }

    /** {@code 0.8}, {@code 1e-05} → {@code 0.00001}, {@code 2.0} → {@code 2}: numbers as a user would write them. */
    public static String number(double d) {
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    /** Units of a Dense layer or filters of a Conv2d or Conv1d; 0 for other layers. */
    public static int width(LayerSpec spec) {
        if (spec instanceof LayerSpec.Dense d) {
            return d.units();
        } else if (spec instanceof LayerSpec.Conv2d c) {
            return c.filters();
        } else if (spec instanceof LayerSpec.Conv1d c) {
            return c.filters();
        }
        return 0;
    }
}
