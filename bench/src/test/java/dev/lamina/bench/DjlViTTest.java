package dev.lamina.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.examples.models.LaminaMnistViT;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DjlViTTest {
    private static final int BATCH = 8;

    private static INDArray images() {
        return Nd4j.rand(DataType.FLOAT, BATCH, 1, 28, 28);
    }

    private static INDArray oneHot() {
        INDArray labels = Nd4j.zeros(DataType.FLOAT, BATCH, 10);
        for (int i = 0; i < BATCH; i++) {
            labels.putScalar(i, (i * 3) % 10, 1f);
        }
        return labels;
    }

    @Test
    void hasTheParametersOfLaminasViT() {
        long lamina = 0;
        for (var p : LaminaMnistViT.create(42).parameters()) {
            lamina += p.value().length();
        }
        try (DjlNet net = DjlViT.create(BATCH, List.of(images()), List.of(oneHot()))) {
            assertEquals(lamina, net.parameterCount());
        }
    }

    @Test
    void trainingStepsLowerTheLossOnOneBatch() {
        try (DjlNet net = DjlViT.create(BATCH, List.of(images()), List.of(oneHot()))) {
            float before = net.loss(0);
            for (int step = 0; step < 40; step++) {
                net.fit();
            }
            float after = net.loss(0);
            assertTrue(Float.isFinite(after) && after < 0.5f * before, before + " -> " + after);
        }
    }
}
