package dev.lamina.bench;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Layer;
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
import org.deeplearning4j.nn.layers.LayerHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
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
 * <p>DL4J's best CPU configuration runs on libnd4j built with oneDNN (Lamina's default natives, see
 * {@link dev.lamina.runtime.Natives}) and adds its oneDNN layer helpers ({@code MKLDNNConvHelper},
 * {@code MKLDNNBatchNormHelper}, {@code MKLDNNSubsamplingHelper}), which call libnd4j's oneDNN-backed
 * {@code conv2d}, {@code batchnorm} and {@code maxpool2d} ops in place of DL4J's own im2col/gemm and
 * Java code. M2.1 never installs them by itself: {@code HelperUtils.createHelper} returns null while
 * the system property {@code org.eclipse.deeplearning4j.helpers.disable} is at its default
 * {@code true}, and when it is {@code false} each helper's {@code checkSupported()} asks
 * {@code BaseMKLDNNHelper.mklDnnEnabled()}, which looks up {@code org.nd4j.nativeblas.Nd4jCpu$Environment
 * .isUseMKLDNN()} by reflection; in M2.1 that class is
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} and the method
 * {@code isUseONEDNN()}, so the check fails and the layer drops the helper. The layers decide only at
 * construction and have no setter, so {@link #installOneDnnHelpers} writes the helper into each layer's
 * {@code helper} field.
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

    /**
     * Installs DL4J's oneDNN helpers on every convolution, batch-norm and subsampling layer of
     * {@code net}, as DL4J itself would if its lookup worked (see the class comment).
     *
     * @return the kinds of layer that got a helper, e.g. {@code [conv, BN, pooling]}
     * @throws IllegalStateException if a layer's {@code helper} field is missing or not writable (a DL4J
     *     version other than 1.0.0-M2.1)
     */
    static List<String> installOneDnnHelpers(MultiLayerNetwork net) {
        List<String> kinds = new ArrayList<>();
        for (Layer layer : net.getLayers()) {
            if (layer instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer) {
                setHelper(layer, org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class,
                        () -> new MKLDNNConvHelper(DataType.FLOAT), kinds, "conv");
            } else if (layer instanceof org.deeplearning4j.nn.layers.normalization.BatchNormalization) {
                setHelper(layer, org.deeplearning4j.nn.layers.normalization.BatchNormalization.class,
                        () -> new MKLDNNBatchNormHelper(DataType.FLOAT), kinds, "BN");
            } else if (layer instanceof org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer) {
                setHelper(layer, org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer.class,
                        () -> new MKLDNNSubsamplingHelper(DataType.FLOAT), kinds, "pooling");
            }
        }
        return kinds;
    }

    /**
     * Checks, after a run, that every convolution, batch-norm and subsampling layer still holds a oneDNN
     * helper and never fell back to DL4J's own code (the layers count helper failures in
     * {@code helperCountFail} and then stop calling the helper).
     *
     * @return a one-line description, e.g. {@code "6 of 6 layers with a oneDNN helper, 0 helper failures"}
     */
    static String helperStatus(MultiLayerNetwork net) {
        int eligible = 0;
        int withHelper = 0;
        int failures = 0;
        for (Layer layer : net.getLayers()) {
            Class<?> owner = helperOwner(layer);
            if (owner == null) {
                continue;
            }
            eligible++;
            LayerHelper helper = layer.getHelper();
            if (helper != null && helper.getClass().getPackageName().endsWith(".mkldnn")) {
                withHelper++;
            }
            failures += (int) readField(layer, owner, "helperCountFail");
        }
        return String.format("%d of %d conv/BN/pooling layers with a oneDNN helper, %d helper failures",
                withHelper, eligible, failures);
    }

    private static Class<?> helperOwner(Layer layer) {
        for (Class<?> c : List.of(org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class,
                org.deeplearning4j.nn.layers.normalization.BatchNormalization.class,
                org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer.class)) {
            if (c.isInstance(layer)) {
                return c;
            }
        }
        return null;
    }

    private static void setHelper(Layer layer, Class<?> owner, Supplier<LayerHelper> helper, List<String> kinds,
            String kind) {
        try {
            Field field = owner.getDeclaredField("helper");
            field.setAccessible(true);
            field.set(layer, helper.get());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot install a oneDNN helper on " + owner.getName(), e);
        }
        if (!kinds.contains(kind)) {
            kinds.add(kind);
        }
    }

    private static Object readField(Layer layer, Class<?> owner, String name) {
        try {
            Field field = owner.getDeclaredField(name);
            field.setAccessible(true);
            return field.get(layer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + owner.getName() + "." + name, e);
        }
    }
}
