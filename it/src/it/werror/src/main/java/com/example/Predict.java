package com.example;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** User code around the generated class, so that javac reads ND4J's classes too. */
public final class Predict {
    private Predict() {}

    /** The class of each image in {@code images} ([N, 1, 8, 8]). */
    public static INDArray classes(INDArray images) {
        return Nd4j.argMax(LaminaTinyNet.create(1).forward(images, false), 1);
    }
}
