package dev.lamina.processor.codegen;

import dev.lamina.processor.ir.LayerSpec;

/** Chooses the {@link LayerEmitter} for a layer's spec. */
final class LayerEmitters {
    private LayerEmitters() {}

    private static final LayerEmitter CONV2D = new Conv2dEmitter();
    private static final LayerEmitter DENSE = new DenseEmitter();
    private static final LayerEmitter BATCH_NORM = new BatchNormEmitter();
    private static final LayerEmitter ACTIVATION = new ActivationEmitter();
    private static final LayerEmitter DROPOUT = new DropoutEmitter();
    private static final LayerEmitter POOL2D = new Pool2dEmitter();
    private static final LayerEmitter FLATTEN = new FlattenEmitter();

    /**
     * The emitter for {@code spec}.
     *
     * @throws IllegalArgumentException for a spec no emitter handles (a new kind added to the IR)
     */
    static LayerEmitter forSpec(LayerSpec spec) {
        if (spec instanceof LayerSpec.Conv2d) {
            return CONV2D;
        }
        if (spec instanceof LayerSpec.Dense) {
            return DENSE;
        }
        if (spec instanceof LayerSpec.BatchNorm) {
            return BATCH_NORM;
        }
        if (spec instanceof LayerSpec.Activation) {
            return ACTIVATION;
        }
        if (spec instanceof LayerSpec.Dropout) {
            return DROPOUT;
        }
        if (spec instanceof LayerSpec.Pool2d) {
            return POOL2D;
        }
        if (spec instanceof LayerSpec.Flatten) {
            return FLATTEN;
        }
        throw new IllegalArgumentException("no code generator for layer kind " + spec.kind());
    }
}
