package com.example;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Uses the generated class the way the README shows, and fails (throws) when the forward pass does
 * not give one row of 3 finite logits per image.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        LaminaTinyNet model = LaminaTinyNet.create(42);
        INDArray images = Nd4j.rand(DataType.FLOAT, 5, 1, 8, 8); // [N, C, H, W]
        INDArray logits = model.forward(images, false);
        check(Arrays.equals(logits.shape(), new long[] {5, 3}), "logits shape " + Arrays.toString(logits.shape()));
        for (float v : logits.ravel().toFloatVector()) {
            check(Float.isFinite(v), "a logit is " + v);
        }
        // conv: 8 - 3 + 1 = 6; pool: 6 / 2 = 3; flatten: 4 * 3 * 3 = 36.
        check(Arrays.equals(model.flatten().outputShape(), new int[] {36}),
                "flatten output " + Arrays.toString(model.flatten().outputShape()));
        System.out.println("processor-path-only: forward pass gave logits " + Arrays.toString(logits.shape()));
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("unexpected " + what);
        }
    }
}
