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

        sequenceKernelsLeaveTheirInputsAlone();
        assertAllUnchanged();
    }

    /** The token-sequence kernels: LayerNorm, GELU, SiLU, embeddings, attention. */
    private void sequenceKernelsLeaveTheirInputsAlone() {
        INDArray seq = watch("layer norm x", randn(30, 8, 16, 64));
        INDArray lnGamma = watch("layer norm gamma", randn(31, 64));
        LayerNorm.Cache lnCache = new LayerNorm.Cache();
        INDArray lnY = LayerNorm.forward(seq, lnGamma, watch("layer norm beta", randn(32, 64)), 1e-5, lnCache);
        LayerNorm.backward(watch("layer norm dy", randn(33, lnY.shape())), lnGamma, lnCache,
                Nd4j.zeros(DataType.DOUBLE, 64), Nd4j.zeros(DataType.DOUBLE, 64));

        INDArray seqDy = watch("sequence activation dy", randn(34, seq.shape()));
        INDArray y = watch("gelu y", GELU.forward(seq));
        GELU.backward(seq, y, seqDy);
        y = watch("gelu tanh y", GELU.forward(seq, GELU.Approximation.TANH));
        GELU.backward(seq, y, seqDy, GELU.Approximation.TANH);
        y = watch("silu y", SiLU.forward(seq));
        SiLU.backward(seq, y, seqDy);

        INDArray ids = watch("embedding ids", Nd4j.createFromArray(new int[][] {{1, 4, 4, 0}, {3, 2, 1, 4}}));
        INDArray table = watch("embedding table", randn(35, 5, 64));
        INDArray tokens = Embedding.forward(ids, table);
        Embedding.backward(ids, watch("embedding dy", randn(36, tokens.shape())), Nd4j.zeros(DataType.DOUBLE, 5, 64));
        INDArray positions = watch("positions", randn(37, 16, 64));
        PositionalEmbedding.forward(seq, positions);
        PositionalEmbedding.backward(seqDy, Nd4j.zeros(DataType.DOUBLE, 16, 64));

        INDArray[] w = new INDArray[8];
        INDArray[] g = new INDArray[8];
        for (int i = 0; i < 8; i++) {
            w[i] = watch("attention parameter " + i, i % 2 == 0 ? randn(40 + i, 64, 64).muli(0.125) : randn(40 + i, 64));
            g[i] = Nd4j.zeros(DataType.DOUBLE, w[i].shape());
        }
        INDArray attentionMask = watch("attention mask",
                Dropout.sampleMask(new long[] {8, 4, 16, 16}, 0.1, Nd4j.getRandom(), DataType.DOUBLE));
        MultiHeadAttention.Cache attention = new MultiHeadAttention.Cache();
        MultiHeadAttention.forward(seq, w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], 4, true, attentionMask,
                attention);
        INDArray images = watch("patches x", randn(53, 16, 1, 28, 28));
        INDArray patches = Patches.forward(images, 7);
        Patches.backward(images, watch("patches dy", randn(54, patches.shape())), 7);
        GlobalAvgPool1d.backward(seq, watch("pool1d dy", randn(55, 8, 64)), 1);
        GlobalAvgPool1d.forward(seq, 1);
        GlobalAvgPool1d.forward(seq, 2);

        INDArray signal = watch("conv1d x", randn(56, 8, 8, 30));
        INDArray filters1d = watch("conv1d w", randn(57, 16, 8, 3));
        INDArray conv1d = Conv1d.forward(signal, filters1d, watch("conv1d b", randn(58, 16)), 1, 1, 30);
        Conv1d.backward(signal, filters1d, watch("conv1d dy", randn(59, conv1d.shape())),
                Nd4j.zeros(DataType.DOUBLE, 16, 8, 3), Nd4j.zeros(DataType.DOUBLE, 16), 1, 1, true);

        INDArray pooled1d = watch("max pool 1d y", MaxPool1d.forward(signal, 2, 2));
        MaxPool1d.backward(signal, pooled1d, watch("max pool 1d dy", randn(60, pooled1d.shape())), 2, 2);

        INDArray tokenW = watch("token dense w", randn(50, 64, 32));
        INDArray tokenY = Dense.forward(seq, tokenW, watch("token dense b", randn(51, 32)));
        Dense.backward(seq, tokenW, watch("token dense dy", randn(52, tokenY.shape())),
                Nd4j.zeros(DataType.DOUBLE, 64, 32), Nd4j.zeros(DataType.DOUBLE, 32), true);
        INDArray keyMask = Nd4j.ones(DataType.INT32, 8, 16);
        keyMask.getRow(3).putScalar(15, 0);
        MultiHeadAttention.forward(seq, w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], 4, false,
                watch("attention key mask", keyMask), null, null);
        MultiHeadAttention.backward(seqDy, w[0], w[2], w[4], w[6], attention, g[0], g[1], g[2], g[3], g[4], g[5], g[6],
                g[7], true);
    }
}
