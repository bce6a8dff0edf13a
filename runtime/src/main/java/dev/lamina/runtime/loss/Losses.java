package dev.lamina.runtime.loss;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Argument checks shared by the loss functions. */
final class Losses {
    private Losses() {}

    /**
     * Checks that {@code target} has {@code output}'s shape and returns it in {@code output}'s data type.
     *
     * @throws IllegalArgumentException if the shapes differ or {@code output} is empty
     */
    static INDArray checkedTarget(String lossName, INDArray output, INDArray target) {
        if (!Arrays.equals(output.shape(), target.shape())) {
            throw new IllegalArgumentException(lossName + ": output shape " + Arrays.toString(output.shape())
                    + " and target shape " + Arrays.toString(target.shape())
                    + " differ; pass targets shaped like the model output");
        }
        if (output.length() == 0) {
            throw new IllegalArgumentException(lossName + ": empty output " + Arrays.toString(output.shape()));
        }
        return target.dataType() == output.dataType() ? target : target.castTo(output.dataType());
    }
}
