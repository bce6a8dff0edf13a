package dev.lamina.processor.ir;

import java.util.List;
import java.util.function.UnaryOperator;
import javax.lang.model.element.TypeElement;

/**
 * The intermediate representation of one {@code @Sequential} model: an ordered list of layers with
 * inferred shapes. Lint rules read it; rewrites return a new one; the generator writes it out.
 * Immutable.
 *
 * @param packageName   package of the declaring interface
 * @param interfaceName simple name of the declaring interface
 * @param element       the declaring interface, or null in hand-built IR
 * @param input         shape of one input example
 * @param loss          the declared loss
 * @param layers        the layers in declaration order
 */
public record ModelIR(String packageName, String interfaceName, TypeElement element, Shape input,
        Loss loss, List<LayerNode> layers) {
    public ModelIR {
        layers = List.copyOf(layers);
    }

    /** The generated class's simple name, {@code Lamina<Interface>}. */
    public String generatedName() {
        return "Lamina" + interfaceName;
    }

    /** Output shape of the last layer, or the input shape of an empty model. */
    public Shape output() {
        return layers.isEmpty() ? input : layers.get(layers.size() - 1).output();
    }

    /**
     * This model with {@code rewrite} applied to each straight sequence of layers it holds, or this
     * model itself when {@code rewrite} returned every sequence unchanged (the same instance). Today
     * a model is one sequence; a block (a residual or a concatenation) will hold sequences of its
     * own, which this method visits too, so that rewrites, which match layers next to each other in
     * one sequence, never reach across the block's addition or concatenation.
     */
    public ModelIR mapSequences(UnaryOperator<List<LayerNode>> rewrite) {
        List<LayerNode> rewritten = rewrite.apply(layers);
        return rewritten == layers ? this : withLayers(rewritten);
    }

    public ModelIR withLayers(List<LayerNode> newLayers) {
        return new ModelIR(packageName, interfaceName, element, input, loss, newLayers);
    }

    public long parameterCount() {
        return layers.stream().mapToLong(LayerNode::parameterCount).sum();
    }
}
