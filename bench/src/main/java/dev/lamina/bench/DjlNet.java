package dev.lamina.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A benchmark network in PyTorch, through DJL's PyTorch engine, with its trainer and batches: {@link
 * #seedNet} here, {@link DjlViT#create} for the ViT. The seed network: Conv 32 3x3, BN, ELU, Dropout(0.2),
 * MaxPool 2, Conv 64 3x3, BN, ELU, Dropout(0.3), MaxPool 2, flatten, Dense 512, ELU, Dense 10; softmax
 * cross-entropy on the logits (DJL's {@code SoftmaxCrossEntropyLoss}, class indices as labels, as
 * PyTorch's {@code CrossEntropyLoss}); Adam at a fixed 1e-3 (betas 0.9/0.999, eps 1e-8), FLOAT, on the
 * CPU. DJL's dropout rate is the probability of dropping (as Lamina's); its BatchNorm momentum 0.9 is the
 * weight of the old running value, PyTorch's momentum 0.1. The convolutions have no bias ({@code
 * bias=False}, as PyTorch code writes a convolution before batch norm): batch norm cancels it, and Lamina's
 * rewrite BiasBeforeBatchNorm drops it too, so both train the same 843,754 parameters. Weights start as
 * DJL initialises them (Xavier), which does not change the work of a step.
 *
 * <p>libtorch comes from the {@code ai.djl.pytorch:pytorch-native-cpu} jar (classifier
 * {@code linux-x86_64}) and DJL's JNI library from {@code pytorch-jni}, both on the class path: {@link
 * #configure} puts DJL in offline mode, so it extracts them from the jars into its cache directory
 * ({@code DJL_CACHE_DIR}, by default {@code ~/.djl.ai}) and never downloads anything. PyTorch's intra-op
 * thread pool is set to the number of cores.
 */
final class DjlNet implements AutoCloseable {
    /** Builds a network for one batch size and its data, as {@link #create} does. */
    @FunctionalInterface
    interface Factory {
        DjlNet create(int batch, List<INDArray> features, List<INDArray> oneHot);
    }

    private final Model model;
    private final Trainer trainer;
    private final double clipNorm;
    private final List<NDArray> features = new ArrayList<>();
    private final List<NDArray> labels = new ArrayList<>();
    private int next;

    private DjlNet(Model model, Trainer trainer, double clipNorm) {
        this.model = model;
        this.trainer = trainer;
        this.clipNorm = clipNorm;
    }

    /**
     * Sets DJL's properties before its engine loads: offline (natives from the class path only), PyTorch's
     * intra-op threads to the core count, no telemetry. Keeps values the user set with {@code -D}.
     */
    static void configure() {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads",
                Integer.toString(Runtime.getRuntime().availableProcessors())));
    }

    /** {@code PyTorch 2.7.1 (DJL 0.36.0)}: the engine's version, which loads it. */
    static String describe() {
        configure();
        Engine engine = Engine.getEngine("PyTorch");
        return "PyTorch " + engine.getVersion() + " (DJL " + Engine.getDjlVersion() + ")";
    }

    /**
     * The seed network, its trainer for batches of {@code batch}, and the given batches copied into
     * PyTorch tensors.
     *
     * @param features batches {@code [batch, 1, 28, 28]}
     * @param oneHot   their labels, one-hot {@code [batch, 10]}; PyTorch gets the class indices
     */
    static DjlNet seedNet(int batch, List<INDArray> features, List<INDArray> oneHot) {
        configure();
        SequentialBlock net = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(32).optBias(false).build())
                .add(BatchNorm.builder().optMomentum(0.9f).optEpsilon(1e-5f).build())
                .add(Activation.eluBlock(1f))
                .add(Dropout.builder().optRate(0.2f).build())
                .add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(64).optBias(false).build())
                .add(BatchNorm.builder().optMomentum(0.9f).optEpsilon(1e-5f).build())
                .add(Activation.eluBlock(1f))
                .add(Dropout.builder().optRate(0.3f).build())
                .add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(512).build())
                .add(Activation.eluBlock(1f))
                .add(Linear.builder().setUnits(10).build());
        return create("seed", net, Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build(), 0,
                batch, features, oneHot);
    }

    /**
     * A network, its trainer (softmax cross-entropy, the optimizer, on the CPU) for batches of {@code batch}
     * images {@code [batch, 1, 28, 28]}, and the given batches copied into PyTorch tensors.
     *
     * @param name      the model's name
     * @param net       the network, logits {@code [batch, 10]}
     * @param optimizer its optimizer
     * @param clipNorm  the global gradient norm a step clips to before the optimizer (as PyTorch's
     *                  {@code clip_grad_norm_}); 0 for none
     * @param features  batches {@code [batch, 1, 28, 28]}
     * @param oneHot    their labels, one-hot {@code [batch, 10]}; PyTorch gets the class indices
     */
    static DjlNet create(String name, Block net, Optimizer optimizer, double clipNorm, int batch,
            List<INDArray> features, List<INDArray> oneHot) {
        configure();
        Model model = Model.newInstance(name, Device.cpu(), "PyTorch");
        model.setBlock(net);
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(optimizer)
                .optDevices(new Device[] {Device.cpu()});
        Trainer trainer = model.newTrainer(config);
        trainer.initialize(new Shape(batch, 1, 28, 28));
        DjlNet seedNet = new DjlNet(model, trainer, clipNorm);
        NDManager manager = trainer.getManager();
        for (int i = 0; i < features.size(); i++) {
            INDArray x = features.get(i);
            seedNet.features.add(manager.create(x.castTo(DataType.FLOAT).data().asFloat(), new Shape(x.shape())));
            // int64 class indices, as PyTorch's cross-entropy takes them.
            INDArray classes = oneHot.get(i).argMax(1);
            seedNet.labels.add(manager.create(classes.castTo(DataType.LONG).data().asLong(),
                    new Shape(classes.length())));
        }
        return seedNet;
    }

    /** {@return the trainable scalars (running statistics excluded)} */
    long parameterCount() {
        long count = 0;
        for (Parameter p : model.getBlock().getParameters().values()) {
            if (p.requiresGradient()) {
                count += p.getArray().size();
            }
        }
        return count;
    }

    /** One training step on the next batch: forward, loss, backward, clipping if set, the optimizer. */
    void fit() {
        int i = next++ % features.size();
        // Every tensor the step creates belongs to this manager and is freed with it.
        try (NDManager step = trainer.getManager().newSubManager()) {
            NDList x = new NDList(features.get(i));
            NDList y = new NDList(labels.get(i));
            x.tempAttach(step);
            y.tempAttach(step);
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDList logits = trainer.forward(x);
                collector.backward(trainer.getLoss().evaluate(y, logits));
            }
            if (clipNorm > 0) {
                clipGradients(step);
            }
            trainer.step();
        }
    }

    /**
     * Scales all gradients in place so that their global L2 norm is at most {@code clipNorm}; the
     * gradients' handles and the temporaries belong to {@code scope} (closing a handle keeps the tensor).
     */
    private void clipGradients(NDManager scope) {
        List<NDArray> grads = new ArrayList<>();
        NDArray sumOfSquares = null;
        for (Parameter p : model.getBlock().getParameters().values()) {
            if (p.requiresGradient()) {
                NDArray g = p.getArray().getGradient();
                g.attach(scope);
                grads.add(g);
                NDArray s = g.square().sum();
                sumOfSquares = sumOfSquares == null ? s : sumOfSquares.add(s);
            }
        }
        float norm = (float) Math.sqrt(sumOfSquares.getFloat());
        if (norm > clipNorm) {
            float scale = (float) (clipNorm / (norm + 1e-6));
            grads.forEach(g -> g.muli(scale));
        }
    }

    /** {@return the mean loss of inference-mode logits on batch {@code i}} For tests. */
    float loss(int i) {
        try (NDManager step = trainer.getManager().newSubManager()) {
            NDList x = new NDList(features.get(i));
            NDList y = new NDList(labels.get(i));
            x.tempAttach(step);
            y.tempAttach(step);
            return trainer.getLoss().evaluate(y, trainer.evaluate(x)).getFloat();
        }
    }

    /** One inference forward pass on the next batch (running statistics, no dropout). */
    void infer() {
        int i = next++ % features.size();
        try (NDManager step = trainer.getManager().newSubManager()) {
            NDList x = new NDList(features.get(i));
            x.tempAttach(step);
            trainer.evaluate(x);
        }
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
    }
}
