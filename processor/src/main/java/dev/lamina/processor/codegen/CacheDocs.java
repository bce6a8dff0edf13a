package dev.lamina.processor.codegen;

import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.Shape;

/** Javadoc of the fields a training forward pass fills for backward. */
final class CacheDocs {
    private CacheDocs() {}

    /** {@code "Input of {@code conv1}, {@code [N, 1, 28, 28]}, kept by the last training forward pass."} */
    static String of(String what, LayerNode node, Shape shape) {
        return what + " of {@code " + node.name() + "}, {@code " + Literals.batchShape(shape)
                + "}, kept by the last training forward pass.";
    }
}
