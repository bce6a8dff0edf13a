package dev.lamina.processor.plan;

import dev.lamina.processor.ir.ModelIR;
import java.util.Optional;

/**
 * What the generated class runs, as the rewrite stage decided it: the generator writes this plan and
 * decides nothing itself.
 *
 * @param declared  the model as the user declared it, shapes inferred: what the generated
 *                  {@code Layer} constants, {@code layers()} and the summary describe
 * @param executed  the model after the IR rewrites, whose layers the passes run and whose nodes
 *                  carry the rewrites' {@link dev.lamina.processor.ir.RewriteFact facts}
 * @param training  the training forward pass and its backward pass
 * @param inference the pass plain inference runs, when it differs from the training pass's layers;
 *                  empty when inference runs the training pass's layers with {@code training = false}
 */
public record ExecutionPlan(ModelIR declared, ModelIR executed, TrainingPass training,
        Optional<InferencePass> inference) {
    public ExecutionPlan {
        if (!declared.layers().stream().map(n -> n.name()).sorted().toList()
                .equals(executed.layers().stream().map(n -> n.name()).sorted().toList())) {
            throw new IllegalArgumentException("the executed model does not have the declared model's layers");
        }
    }
}
