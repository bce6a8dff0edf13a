package dev.lamina.processor.codegen;

import dev.lamina.processor.ir.LayerNode;

/** {@code @Flatten}: {@code [N, C, H, W]} to {@code [N, C*H*W]} in C order. */
final class FlattenEmitter extends InputOnlyKernelEmitter {
    FlattenEmitter() {
        super(RuntimeTypes.FLATTEN);
    }

    @Override
    public String summary(LayerNode node) {
        return "Flatten " + node.input() + " to " + node.output();
    }
}
