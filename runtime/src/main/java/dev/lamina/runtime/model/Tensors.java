package dev.lamina.runtime.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/** Checks on tensors that generated models and the trainer share. */
public final class Tensors {
    private Tensors() {}

    /**
     * Whether every element is finite.
     *
     * @param array any shape and floating-point type
     * @return true when {@code array} holds no NaN and no infinity (true when empty)
     */
    public static boolean allFinite(INDArray array) {
        return array.isEmpty() || !BooleanIndexing.or(array, Conditions.notFinite());
    }
}
