package dev.lamina.processor.ir;

import java.util.List;
import java.util.function.UnaryOperator;
import javax.lang.model.element.TypeElement;

/**
 * The intermediate representation of one {@code @Sequential} model: an ordered run of steps (layers
 * and block uses, see {@link Step}) with inferred shapes. Lint rules read it; rewrites return a new
 * one; the generator writes it out. Immutable.
 *
 * @param packageName   package of the declaring interface
 * @param interfaceName simple name of the declaring interface
 * @param element       the declaring interface, or null in hand-built IR
 * @param input         shape of one input example
 * @param loss          the declared loss
 * @param steps         the steps in declaration order
 */
public record ModelIR(String packageName, String interfaceName, TypeElement element, Shape input,
        Loss loss, List<Step> steps) {
    public ModelIR {
        steps = List.copyOf(steps);
    }

    /** A model of {@code steps}, which may be a list of a subtype (e.g. layers only). */
    public static ModelIR of(String packageName, String interfaceName, TypeElement element, Shape input, Loss loss,
            List<? extends Step> steps) {
        return new ModelIR(packageName, interfaceName, element, input, loss, List.copyOf(steps));
    }

    /**
     * Every layer node, junctions included, in execution order: a straight model's layers in
     * declaration order; a block's branches before its junction.
     */
    public List<LayerNode> layers() {
        return Steps.layers(steps);
    }

    /** The model flattened into layers and the tensors between them. */
    public Graph graph() {
        return Graph.of(steps);
    }

    /** The generated class's simple name, {@code Lamina<Interface>}. */
    public String generatedName() {
        return "Lamina" + interfaceName;
    }

    /** Output shape of the last step, or the input shape of an empty model. */
    public Shape output() {
        return Steps.output(steps, input);
    }

    /**
     * This model with {@code rewrite} applied to each straight sequence of layers it holds (see
     * {@link Steps#mapSequences}: the runs between block uses, and the runs inside each block), or
     * this model itself when {@code rewrite} returned every sequence unchanged (the same instance).
     * Rewrites match layers next to each other in one sequence, so none reaches across a block's
     * addition or concatenation.
     */
    public ModelIR mapSequences(UnaryOperator<List<LayerNode>> rewrite) {
        List<Step> rewritten = Steps.mapSequences(steps, rewrite);
        return rewritten == steps ? this : withSteps(rewritten);
    }

    /** This model with {@code newSteps} in place of its steps. */
    public ModelIR withSteps(List<? extends Step> newSteps) {
        return of(packageName, interfaceName, element, input, loss, newSteps);
    }

    public long parameterCount() {
        return layers().stream().mapToLong(LayerNode::parameterCount).sum();
    }
}
