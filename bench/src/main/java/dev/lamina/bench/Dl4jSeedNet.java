package dev.lamina.bench;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The seed network in Deeplearning4j 1.0.0-M2.1: Conv 32 3x3, BN, ELU, Dropout, MaxPool 2, Conv 64
 * 3x3, BN, ELU, Dropout, MaxPool 2, Dense 512 ELU, Output 10 softmax with multi-class cross-entropy;
 * Adam 1e-3, FLOAT. DL4J's dropout argument is the RETAIN probability (Lamina's rate 0.2 is DL4J's
 * 0.8); BatchNormalization uses decay 0.9 and eps 1e-5, PyTorch's convention and Lamina's.
 *
 * <p>{@link Dl4jOneDnn#install} gives it DL4J's oneDNN layer helpers (DL4J's best CPU configuration).
 */
final class Dl4jSeedNet {
    private Dl4jSeedNet() {}

    static MultiLayerNetwork create(long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(1e-3))
                .weightInit(WeightInit.XAVIER)
                .convolutionMode(ConvolutionMode.Truncate)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nIn(1).nOut(32).stride(1, 1)
                        .activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().decay(0.9).eps(1e-5).build())
                .layer(new ActivationLayer.Builder().activation(Activation.ELU).build())
                .layer(new DropoutLayer.Builder(0.8).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(64).stride(1, 1)
                        .activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().decay(0.9).eps(1e-5).build())
                .layer(new ActivationLayer.Builder().activation(Activation.ELU).build())
                .layer(new DropoutLayer.Builder(0.7).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(512).activation(Activation.ELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(28, 28, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }
}
