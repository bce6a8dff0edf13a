package dev.lamina.processor.lint;

import static dev.lamina.processor.lint.Ir.branch;

import dev.lamina.processor.ir.ModelIR;

/**
 * Published architectures as hand-built IR, scaled down (CIFAR-sized inputs, few units, narrow
 * layers) but with the layer order of the papers, for the lint's precision tests: none of them may
 * get a finding from a rule that is on by default.
 */
public final class Textbook {
    private Textbook() {}

    /** He et al. 2015 (arXiv 1512.03385), CIFAR ResNet with basic units; option B projection where the shape changes. */
    public static ModelIR resnetBasic() {
        return Ir.input(3, 32, 32)
                .convSame("conv1", 16, 3, 1, false).batchNorm("bn1").relu("relu1")
                .repeat("stage1", 3, u -> u.residual("res", b -> basic(b, 16, 1)).relu("relu"))
                .residual("down2", b -> basic(b, 32, 2), s -> s.convSame("conv", 32, 1, 2, false).batchNorm("bn"))
                .relu("relu2")
                .repeat("stage2", 2, u -> u.residual("res", b -> basic(b, 32, 1)).relu("relu"))
                .globalAvgPool("gap").dense("fc", 10)
                .build();
    }

    private static Ir basic(Ir b, int filters, int stride) {
        return b.convSame("conv1", filters, 3, stride, false).batchNorm("bn1").relu("relu1")
                .convSame("conv2", filters, 3, 1, false).batchNorm("bn2");
    }

    /** He et al. 2015, bottleneck units (1x1, 3x3, 1x1 with 4x expansion), projection shortcuts where the shape changes. */
    public static ModelIR resnetBottleneck() {
        return Ir.input(3, 32, 32)
                .convSame("conv1", 16, 3, 1, false).batchNorm("bn1").relu("relu1")
                .residual("proj1", b -> bottleneck(b, 16, 1), s -> s.convSame("conv", 64, 1, 1, false).batchNorm("bn"))
                .relu("relu2")
                .repeat("stage1", 2, u -> u.residual("res", b -> bottleneck(b, 16, 1)).relu("relu"))
                .residual("down2", b -> bottleneck(b, 32, 2), s -> s.convSame("conv", 128, 1, 2, false).batchNorm("bn"))
                .relu("relu3")
                .repeat("stage2", 2, u -> u.residual("res", b -> bottleneck(b, 32, 1)).relu("relu"))
                .globalAvgPool("gap").dense("fc", 10)
                .build();
    }

    private static Ir bottleneck(Ir b, int width, int stride) {
        return b.convSame("conv1", width, 1, 1, false).batchNorm("bn1").relu("relu1")
                .convSame("conv2", width, 3, stride, false).batchNorm("bn2").relu("relu2")
                .convSame("conv3", 4 * width, 1, 1, false).batchNorm("bn3");
    }

    /**
     * He et al. 2016 (arXiv 1603.05027), full pre-activation units (Fig. 4(e)): a plain stem conv, BN
     * and ReLU at the start of every body, a projection conv where the shape changes, and BN-ReLU
     * after the last addition (Appendix).
     */
    public static ModelIR preActResnet() {
        return Ir.input(3, 32, 32)
                .convSame("conv1", 16, 3, 1, false)
                .repeat("stage1", 3, u -> u.residual("res", b -> preAct(b, 16, 1)))
                .residual("down2", b -> preAct(b, 32, 2), s -> s.convSame("conv", 32, 1, 2, false))
                .repeat("stage2", 2, u -> u.residual("res", b -> preAct(b, 32, 1)))
                .batchNorm("bn").relu("relu").globalAvgPool("gap").dense("fc", 10)
                .build();
    }

    private static Ir preAct(Ir b, int filters, int stride) {
        return b.batchNorm("bn1").relu("relu1").convSame("conv1", filters, 3, stride, false)
                .batchNorm("bn2").relu("relu2").convSame("conv2", filters, 3, 1, false);
    }

    /**
     * Huang et al. 2017 (arXiv 1608.06993), DenseNet-BC for CIFAR: each layer
     * {@code @Concat(value = Bottleneck.class, withInput = true)} with BN-ReLU-Conv1x1(4k)-BN-ReLU-Conv3x3(k);
     * transitions BN-ReLU-Conv1x1 (compression 0.5)-AvgPool; BN-ReLU before the global pool.
     */
    public static ModelIR denseNetBC() {
        int k = 12;
        return Ir.input(3, 32, 32)
                .convSame("conv0", 2 * k, 3, 1, false)
                .repeat("block1", 3, u -> u.concat("layer", true, branch("bottleneck", b -> denseLayer(b, k))))
                .batchNorm("trans1Bn").relu("trans1Relu").convSame("trans1Conv", 30, 1, 1, false).avgPool("trans1Pool", 2)
                .repeat("block2", 3, u -> u.concat("layer", true, branch("bottleneck", b -> denseLayer(b, k))))
                .batchNorm("bn").relu("relu").globalAvgPool("gap").dense("fc", 10)
                .build();
    }

    private static Ir denseLayer(Ir b, int k) {
        return b.batchNorm("bn1").relu("relu1").convSame("conv1", 4 * k, 1, 1, false)
                .batchNorm("bn2").relu("relu2").convSame("conv2", k, 3, 1, false);
    }

    /**
     * Szegedy et al. 2015 (arXiv 1409.4842), an Inception module: 1x1, 1x1-3x3, 1x1-5x5 and
     * pool-projection branches, each ending in ReLU, concatenated; GoogLeNet's head (global average
     * pool, dropout 0.4, linear). No batch norm, biases on.
     */
    public static ModelIR inception() {
        return Ir.input(3, 32, 32)
                .convSame("conv1", 64, 3, 1).relu("relu1")
                .concat("mixed", false,
                        branch("branch1x1", b -> b.convSame("conv", 16, 1, 1).relu("relu")),
                        branch("branch3x3", b -> b.convSame("reduce", 24, 1, 1).relu("reduceRelu")
                                .convSame("conv", 32, 3, 1).relu("relu")),
                        branch("branch5x5", b -> b.convSame("reduce", 4, 1, 1).relu("reduceRelu")
                                .convSame("conv", 8, 5, 1).relu("relu")),
                        branch("branchPool", b -> b.pool("pool", dev.lamina.processor.ir.LayerSpec.Pool2d.Mode.MAX, 3, 1)
                                .convSame("proj", 8, 1, 1).relu("relu")))
                .globalAvgPool("gap").dropout("drop", 0.4).dense("fc", 10)
                .build();
    }

    /** Inception-v2 style: the same module with conv-BN-ReLU in every branch (Ioffe & Szegedy 2015). */
    public static ModelIR inceptionBn() {
        return Ir.input(3, 32, 32)
                .convSame("conv1", 32, 3, 1, false).batchNorm("bn1").relu("relu1")
                .concat("mixed", false,
                        branch("branch1x1", b -> b.convSame("conv", 16, 1, 1, false).batchNorm("bn").relu("relu")),
                        branch("branch3x3", b -> b.convSame("reduce", 16, 1, 1, false).batchNorm("reduceBn")
                                .relu("reduceRelu").convSame("conv", 24, 3, 1, false).batchNorm("bn").relu("relu")),
                        branch("branchPool", b -> b.pool("pool", dev.lamina.processor.ir.LayerSpec.Pool2d.Mode.AVG, 3, 1)
                                .convSame("proj", 8, 1, 1, false).batchNorm("bn").relu("relu")))
                .globalAvgPool("gap").dense("fc", 10)
                .build();
    }
}
