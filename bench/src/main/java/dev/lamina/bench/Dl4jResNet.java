package dev.lamina.bench;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The examples' MNIST ResNet ({@link dev.lamina.examples.models.MnistResNet}) as a Deeplearning4j 1.0.0-M2.1 {@code ComputationGraph}, layer for layer:
 *
 * <pre>
 * conv1 3x3 16 SAME, no bias; BN; ReLU                               [16, 28, 28]
 * stage1[0]: relu(x + BN(conv 3x3 16(ReLU(BN(conv 3x3 16(x))))))      [16, 28, 28]
 * down2:     relu(BN(conv 1x1/2 32(x)) + BN(conv 3x3 32(ReLU(BN(conv 3x3/2 32(x))))))   [32, 14, 14]
 * stage2[0]: relu(x + the same branch at 32 channels)                 [32, 14, 14]
 * down3:     as down2, to 64 channels                                 [64, 7, 7]
 * global average pooling; Dense 10 with softmax and multi-class cross-entropy (Lamina's
 * SOFTMAX_CROSS_ENTROPY on the logits of Dense(10))
 * </pre>
 *
 * <p>Residual additions are {@code ElementWiseVertex(Add)}, followed by an {@code ActivationLayer}
 * ReLU. Every convolution has {@code hasBias(false)} and {@code ConvolutionMode.Same}, which pads as
 * TensorFlow and Lamina's {@code Padding.SAME} do (the extra row and column at the bottom and right);
 * the 1x1 stride-2 projections read the same pixels with either mode. BatchNormalization with decay
 * 0.9 and eps 1e-5 (Lamina's momentum 0.1 and epsilon 1e-5). Adam 1e-3, FLOAT. Weights are drawn
 * with {@code WeightInit.UNIFORM}, uniform in {@code ±1/sqrt(fan_in)}: Lamina's (PyTorch's)
 * initialisation; the output layer's bias starts at DL4J's constant 0 where Lamina draws it from the
 * same uniform (10 values; no effect on speed). Layer and vertex names follow the Lamina model's
 * nesting. {@link Dl4jOneDnn#install} gives it DL4J's oneDNN layer helpers.
 */
final class Dl4jResNet {
    private Dl4jResNet() {}

    static ComputationGraph create(long seed) {
        GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(1e-3))
                .weightInit(WeightInit.UNIFORM)
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(28, 28, 1));
        String x = convBnRelu(g, "", "input", 16, 1);
        x = identityUnit(g, "stage1[0]", x, 16);
        x = downsamplingUnit(g, "down2", "relu2", x, 32);
        x = identityUnit(g, "stage2[0]", x, 32);
        x = downsamplingUnit(g, "down3", "relu3", x, 64);
        g.addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x);
        g.addLayer("fc", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                .activation(Activation.SOFTMAX).build(), "gap");
        g.setOutputs("fc");
        ComputationGraphConfiguration conf = g.build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    /** {@code relu(x + branch(x))}, the branch at {@code channels}; returns the unit's output name. */
    private static String identityUnit(GraphBuilder g, String name, String x, int channels) {
        String branch = branch(g, name + ".res.", x, channels, 1);
        g.addVertex(name + ".res", new ElementWiseVertex(ElementWiseVertex.Op.Add), x, branch);
        g.addLayer(name + ".relu", relu(), name + ".res");
        return name + ".relu";
    }

    /** {@code relu(projection(x) + branch(x))} with stride 2; the ReLU is named {@code reluName}. */
    private static String downsamplingUnit(GraphBuilder g, String name, String reluName, String x, int channels) {
        String branch = branch(g, name + ".", x, channels, 2);
        g.addLayer(name + ".shortcut.conv", conv(channels, 1, 2), x);
        g.addLayer(name + ".shortcut.bn", bn(), name + ".shortcut.conv");
        g.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), name + ".shortcut.bn", branch);
        g.addLayer(reluName, relu(), name);
        return reluName;
    }

    /** conv 3x3 (stride) - BN - ReLU - conv 3x3 - BN; returns the last BN's name. */
    private static String branch(GraphBuilder g, String prefix, String x, int channels, int stride) {
        String h = convBnRelu(g, prefix, x, channels, stride);
        g.addLayer(prefix + "conv2", conv(channels, 3, 1), h);
        g.addLayer(prefix + "bn2", bn(), prefix + "conv2");
        return prefix + "bn2";
    }

    /** {@code <prefix>conv1, <prefix>bn1, <prefix>relu1}; returns the ReLU's name. */
    private static String convBnRelu(GraphBuilder g, String prefix, String x, int channels, int stride) {
        g.addLayer(prefix + "conv1", conv(channels, 3, stride), x);
        g.addLayer(prefix + "bn1", bn(), prefix + "conv1");
        g.addLayer(prefix + "relu1", relu(), prefix + "bn1");
        return prefix + "relu1";
    }

    private static ConvolutionLayer conv(int filters, int kernel, int stride) {
        return new ConvolutionLayer.Builder(kernel, kernel).nOut(filters).stride(stride, stride).hasBias(false)
                .activation(Activation.IDENTITY).build();
    }

    private static BatchNormalization bn() {
        return new BatchNormalization.Builder().decay(0.9).eps(1e-5).build();
    }

    private static ActivationLayer relu() {
        return new ActivationLayer.Builder().activation(Activation.RELU).build();
    }
}
