package dev.lamina.dsl;

/**
 * A declared layer as the generated model describes it. Generated code returns one immutable
 * instance per layer method.
 */
public interface Layer {
    /** {@return the layer's name: the name of the method that declares it} */
    String name();

    /** {@return the layer kind, as the annotation's simple name: {@code "Conv2d"}, {@code "BatchNorm"}, ...} */
    String kind();

    /** {@return the output shape of one example, without the batch axis: {@code {C, H, W}} or {@code {F}}} */
    int[] outputShape();

    /**
     * {@return the number of trainable scalars (weights and biases; BatchNorm's gamma and beta)}
     * Running statistics are buffers and are not counted.
     */
    long parameterCount();
}
