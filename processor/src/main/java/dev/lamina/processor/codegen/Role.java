package dev.lamina.processor.codegen;

import java.util.Locale;

/**
 * What a field of one layer holds: a parameter, a buffer, scratch space, or a tensor that the
 * training forward pass keeps for backward. A layer's field is named after the layer and the role
 * ({@code conv1} and {@link #WEIGHT} give {@code conv1Weight}); a parameter or buffer is listed as
 * {@code <layer>.<key>} ({@code conv1.weight}, {@code bn1.running_mean}), PyTorch's state-dict names.
 */
enum Role {
    /** Parameters. */
    WEIGHT, BIAS, GAMMA, BETA,
    /** Attention's four projections ({@code attention.query_weight}, ...). */
    QUERY_WEIGHT, QUERY_BIAS, KEY_WEIGHT, KEY_BIAS, VALUE_WEIGHT, VALUE_BIAS, OUTPUT_WEIGHT, OUTPUT_BIAS,
    /** BatchNorm's buffers. */
    RUNNING_MEAN, RUNNING_VAR,
    /** A bias that {@code BiasBeforeBatchNorm} elided: drawn into a constructor local, not kept. */
    ELIDED_BIAS,
    /** Scratch of {@code BatchNormFold}: the weight and bias with the BatchNorm after the layer folded in. */
    FOLDED_WEIGHT, FOLDED_BIAS,
    /** Kept by the training forward pass for backward. */
    INPUT, OUTPUT, MASK, CACHE;

    /** {@code running_mean}: the name in parameter and buffer lists and checkpoints. */
    String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code RunningMean}: the suffix of the field's name. */
    String fieldSuffix() {
        StringBuilder s = new StringBuilder();
        for (String part : key().split("_")) {
            s.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return s.toString();
    }
}
