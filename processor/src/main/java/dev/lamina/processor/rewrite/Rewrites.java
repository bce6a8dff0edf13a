package dev.lamina.processor.rewrite;

import dev.lamina.processor.ir.Graph;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.plan.ExecutionPlan;
import dev.lamina.processor.plan.InferencePass;
import dev.lamina.processor.plan.TrainingPass;
import java.util.List;
import java.util.Optional;

/** The rewrites the processor applies, in order; {@code -Alamina.rewrite=false} turns them all off. */
public final class Rewrites {
    private Rewrites() {}

    private static final List<Rewrite> ALL = List.of(new BiasBeforeBatchNorm(), new BatchNormFold(),
            new MaxPoolBeforeMonotoneActivation());

    /**
     * The pass that inference runs, from {@code model} as {@link #apply} returned it: without the
     * layers that are the identity at inference (every Dropout, see {@link DropoutAtInference}, and
     * every BatchNorm folded into the layer before it, see {@link BatchNormFold}), then with
     * {@link MaxPoolBeforeMonotoneActivation} applied again, since a Dropout between an activation
     * and a max pool, which stops the move in training, is gone. Layers keep their names; the
     * generator runs this pass for plain inference, and the declared layers while a layer observer or
     * the non-finite search watches.
     */
    public static ModelIR forInference(ModelIR model) {
        ModelIR identitiesRemoved = BatchNormFold.withoutFolded(new DropoutAtInference().apply(model));
        return new MaxPoolBeforeMonotoneActivation().apply(identitiesRemoved);
    }

    /**
     * The plan of {@code declared}: with {@code rewrite}, every IR rewrite applied, the fusion rules
     * matched and the inference pass derived; without, the declared layers as they are.
     */
    public static ExecutionPlan plan(ModelIR declared, boolean rewrite) {
        return plan(declared, rewrite ? apply(declared) : declared, rewrite);
    }

    /**
     * The plan that runs {@code executed} (some rewritten form of {@code declared}); with
     * {@code generatorRewrites}, the fusion rules and the inference pass are planned too.
     */
    public static ExecutionPlan plan(ModelIR declared, ModelIR executed, boolean generatorRewrites) {
        Graph graph = executed.graph();
        TrainingPass training = new TrainingPass(executed.steps(), generatorRewrites
                ? BatchNormActivationFusion.find(graph, TrainingPass.inBackward(graph))
                : List.of());
        Optional<InferencePass> inference = Optional.empty();
        if (generatorRewrites) {
            ModelIR runs = forInference(executed);
            if (!names(runs.layers()).equals(names(executed.layers()))) {
                inference = Optional.of(new InferencePass(runs.steps()));
            }
        }
        return new ExecutionPlan(declared, executed, training, inference);
    }

    private static List<String> names(List<LayerNode> layers) {
        return layers.stream().map(LayerNode::name).toList();
    }

    /** {@code model} with every rewrite applied, in order. */
    public static ModelIR apply(ModelIR model) {
        ModelIR result = model;
        for (Rewrite rewrite : ALL) {
            result = rewrite.apply(result);
        }
        return result;
    }
}
