package dev.lamina.processor.codegen;

import dev.lamina.processor.ir.LayerNode;

/** {@code @GlobalAvgPool2d}: {@link RuntimeTypes#GLOBAL_AVG_POOL2D}, {@code [N, C, H, W]} to {@code [N, C]}. */
final class GlobalAvgPool2dEmitter extends InputOnlyKernelEmitter {
    GlobalAvgPool2dEmitter() {
        super(RuntimeTypes.GLOBAL_AVG_POOL2D);
    }

    @Override
    public String summary(LayerNode node) {
        return "GlobalAvgPool2d, mean over " + node.input().dim(1) + "x" + node.input().dim(2) + " per channel";
    }
}
