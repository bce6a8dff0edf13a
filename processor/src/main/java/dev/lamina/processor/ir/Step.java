package dev.lamina.processor.ir;

import java.util.List;

/**
 * One entry of a model's or a block's ordered run of steps: a layer, or a block use that holds runs
 * of its own (a residual addition, a concatenation, a repeated unit). Steps are the model's tree;
 * {@link Graph} is the same model flattened into layers and the tensors between them, which the
 * lint's {@link Dataflow}, the plan and the generator read.
 */
public sealed interface Step permits LayerNode, Residual, Concat, Group {
    /** The step's name: its path from the model, e.g. {@code stage1[2].res.conv1}. */
    String name();

    /** Where the step was declared. */
    SourceRef source();

    /** Shape of one input example (without batch); null before shape inference. */
    Shape input();

    /** Shape of one output example (without batch); null before shape inference. */
    Shape output();

    /** Every layer node in this step, junctions included, in execution order. */
    List<LayerNode> layers();

    /** This step with {@code rewrite} applied to each straight run of layers it holds; {@code this} if none changed. */
    Step mapSequences(java.util.function.UnaryOperator<List<LayerNode>> rewrite);
}
