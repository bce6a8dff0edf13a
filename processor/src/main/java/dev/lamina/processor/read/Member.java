package dev.lamina.processor.read;

import dev.lamina.processor.ir.LayerNode;

/**
 * One abstract method of a {@code @Sequential} or {@code @Block} interface as declared, before
 * block uses are expanded into named steps: a layer, or a use of blocks.
 */
sealed interface Member permits Member.Layer, BlockUse {
    /** The declaring method's name. */
    String method();

    /** A layer method; its node is named after the method alone, without the path of any use. */
    record Layer(LayerNode node) implements Member {
        @Override
        public String method() {
            return node.name();
        }
    }
}
