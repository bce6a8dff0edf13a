package dev.lamina.bench;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.LayerHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * DL4J's best CPU configuration for the layers of a {@code MultiLayerNetwork} or a
 * {@code ComputationGraph} ({@code getLayers()}): libnd4j built with oneDNN (Lamina's default natives,
 * see {@link dev.lamina.runtime.Natives}) plus DL4J's oneDNN layer helpers ({@code MKLDNNConvHelper},
 * {@code MKLDNNBatchNormHelper}, {@code MKLDNNSubsamplingHelper}), which call libnd4j's oneDNN-backed
 * {@code conv2d}, {@code batchnorm} and {@code maxpool2d} ops in place of DL4J's own im2col/gemm and
 * Java code.
 *
 * <p>M2.1 never installs them by itself: {@code HelperUtils.createHelper} returns null while the
 * system property {@code org.eclipse.deeplearning4j.helpers.disable} is at its default {@code true},
 * and when it is {@code false} each helper's {@code checkSupported()} asks
 * {@code BaseMKLDNNHelper.mklDnnEnabled()}, which looks up {@code org.nd4j.nativeblas.Nd4jCpu$Environment
 * .isUseMKLDNN()} by reflection; in M2.1 that class is
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} and the method
 * {@code isUseONEDNN()}, so the check fails and the layer drops the helper. The layers decide only at
 * construction and have no setter, so {@link #install} writes the helper into each layer's
 * {@code helper} field.
 */
final class Dl4jOneDnn {
    private Dl4jOneDnn() {}

    /**
     * Installs DL4J's oneDNN helpers on every convolution, batch-norm and subsampling layer of a
     * network, as DL4J itself would if its lookup worked (see the class comment).
     *
     * @param layers the network's {@code getLayers()}
     * @return the kinds of layer that got a helper, e.g. {@code [conv, BN, pooling]}
     * @throws IllegalStateException if a layer's {@code helper} field is missing or not writable (a DL4J
     *     version other than 1.0.0-M2.1)
     */
    static List<String> install(Layer[] layers) {
        List<String> kinds = new ArrayList<>();
        for (Layer layer : layers) {
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
     * @param layers the network's {@code getLayers()}
     * @return a one-line description, e.g. {@code "6 of 6 layers with a oneDNN helper, 0 helper failures"}
     */
    static String status(Layer[] layers) {
        int eligible = 0;
        int withHelper = 0;
        int failures = 0;
        for (Layer layer : layers) {
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
