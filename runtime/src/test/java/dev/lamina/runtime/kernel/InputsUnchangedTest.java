package dev.lamina.runtime.kernel;

import static com.google.common.truth.Truth.assertWithMessage;
import static dev.lamina.runtime.kernel.GradientCheck.randn;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** No kernel writes into an argument other than the documented accumulators and running statistics. */
class InputsUnchangedTest {
    private final List<INDArray> inputs = new ArrayList<>();
    private final List<INDArray> copies = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    private INDArray watch(String name, INDArray a) {
        inputs.add(a);
        copies.add(a.dup());
        names.add(name);
        return a;
    }

    private void assertAllUnchanged() {
        for (int i = 0; i < inputs.size(); i++) {
            assertWithMessage("%s was modified", names.get(i)).that(inputs.get(i).equals(copies.get(i))).isTrue();
        }
    }

    @Test
    void noKernelModifiesItsInputs() {
        // Sizes large enough that the Java loops split across threads.
        INDArray x = watch("conv x", randn(1, 8, 8, 14, 14));
        INDArray w = watch("conv w", randn(2, 16, 8, 3, 3));
        INDArray b = watch("conv b", randn(3, 16));
        INDArray convY = Conv2d.forward(x, w, b, 1, 1, 1, 14, 14);
        INDArray convDy = watch("conv dy", randn(4, convY.shape()));
        Conv2d.backward(x, w, convDy, Nd4j.zeros(DataType.DOUBLE, w.shape()), Nd4j.zeros(DataType.DOUBLE, 16), 1, 1, 1,
                true);

        INDArray gamma = watch("bn gamma", randn(5, 16));
        INDArray beta = watch("bn beta", randn(6, 16));
        BatchNorm.Cache cache = new BatchNorm.Cache();
        INDArray bnY = BatchNorm.forwardTrain(watch("bn x", convY), gamma, beta, Nd4j.zeros(DataType.DOUBLE, 16),
                Nd4j.ones(DataType.DOUBLE, 16), 0.1, 1e-5, cache);
        INDArray bnDy = watch("bn dy", randn(7, bnY.shape()));
        BatchNorm.backward(bnDy, gamma, cache, Nd4j.zeros(DataType.DOUBLE, 16), Nd4j.zeros(DataType.DOUBLE, 16));
        BatchNorm.forwardInference(bnY, gamma, beta, watch("running mean", randn(8, 16)),
                watch("running var", randn(9, 16).muli(0.1).addi(1)), 1e-5);

        INDArray sum = Add.forward(watch("add shortcut", convY), watch("add body", bnY));
        INDArray joined = Concat.forward(convY, bnY);
        Concat.part(watch("concat dy", randn(11, joined.shape())), 16, 32);
        assertWithMessage("add returns a new array").that(sum == convY || sum == bnY).isFalse();

        INDArray act = watch("activation x", bnY);
        INDArray actDy = watch("activation dy", randn(10, act.shape()));
        INDArray y = watch("relu y", ReLU.forward(act));
        ReLU.backward(act, y, actDy);
        y = watch("elu y", ELU.forward(act, 1.0));
        ELU.backward(act, y, actDy, 1.0);
        y = watch("leaky y", LeakyReLU.forward(act, 0.01));
        LeakyReLU.backward(act, y, actDy, 0.01);
        y = watch("tanh y", Tanh.forward(act));
        Tanh.backward(act, y, actDy);
        y = watch("sigmoid y", Sigmoid.forward(act));
        Sigmoid.backward(act, y, actDy);

        INDArray mask = watch("mask", Dropout.sampleMask(act.shape(), 0.5, Nd4j.getRandom(), DataType.DOUBLE));
        Dropout.forward(act, mask);
        Dropout.backward(actDy, mask);

        INDArray maxY = watch("max pool y", MaxPool2d.forward(act, 2, 2));
        MaxPool2d.backward(act, maxY, watch("max pool dy", randn(11, maxY.shape())), 2, 2);
        INDArray avgY = watch("avg pool y", AvgPool2d.forward(act, 3, 2));
        AvgPool2d.backward(act, avgY, watch("avg pool dy", randn(12, avgY.shape())), 3, 2);

        INDArray flat = Flatten.forward(act);
        Flatten.backward(act, watch("flatten dy", randn(13, flat.shape())));

        INDArray dx = watch("dense x", randn(14, 8, 50));
        INDArray dw = watch("dense w", randn(15, 50, 10));
        INDArray db = watch("dense b", randn(16, 10));
        INDArray logits = watch("dense y", Dense.forward(dx, dw, db));
        Dense.backward(dx, dw, watch("dense dy", randn(17, 8, 10)), Nd4j.zeros(DataType.DOUBLE, 50, 10),
                Nd4j.zeros(DataType.DOUBLE, 10), true);
        INDArray probs = watch("softmax y", Softmax.forward(logits));
        Softmax.backward(logits, probs, watch("softmax dy", randn(18, 8, 10)));

        assertAllUnchanged();
    }
}
