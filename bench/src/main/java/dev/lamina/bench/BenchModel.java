package dev.lamina.bench;

import dev.lamina.examples.models.LaminaMnistResNet;
import dev.lamina.examples.models.LaminaMnistViT;
import dev.lamina.examples.models.LaminaSeedNet;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.optim.Adam;
import dev.lamina.runtime.optim.AdamW;
import dev.lamina.runtime.train.TrainingStep;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * A network the benchmark measures, built in Lamina and (where DL4J has a comparable network) in DL4J
 * from the same seed, with the work of one image: the multiply-adds (counted as 2 FLOP) of its
 * convolution and dense layers (and attention's two matrix products), forward, and three times that for
 * a training step (forward, input gradient, weight gradient).
 *
 * @param name        the {@code --model} value
 * @param title       for the header
 * @param dl4jKind    what the DL4J peer is built as, for the header; or why there is none
 * @param trainFlop   FLOP per training image
 * @param inferFlop   FLOP per inference image
 * @param lamina      the generated Lamina model for a seed
 * @param dl4j        the DL4J peer for a seed; null if DL4J has no comparable network
 * @param pytorch     the PyTorch peer (through DJL); null where the benchmark has none
 * @param trainingStep Lamina's training step of the model: its optimizer (and clipping), as
 *                    {@code lamina train} runs it by default
 * @param interfaceName the declaration's simple name, for {@link CompileCost}
 * @param source      the declaration, for {@link CompileCost}
 */
record BenchModel(String name, String title, String dl4jKind, double trainFlop, double inferFlop, LongFunction<Model> lamina,
        LongFunction<Dl4jNet> dl4j, DjlNet.Factory pytorch, Function<Model, TrainingStep> trainingStep, String interfaceName, String source) {
    /** Adam 1e-3 without clipping, as the DL4J peers train. */
    private static final Function<Model, TrainingStep> ADAM = model -> new TrainingStep(model, new Adam(1e-3));

    /** {@return whether DL4J runs the model too} */
    boolean hasDl4j() {
        return dl4j != null;
    }

    /** {@return whether PyTorch (through DJL) runs the model too} */
    boolean hasPytorch() {
        return pytorch != null;
    }

    /** The models by {@code --model} name; the first is the default. */
    static final Map<String, BenchModel> ALL = registry();

    private static Map<String, BenchModel> registry() {
        Map<String, BenchModel> models = new LinkedHashMap<>();
        // conv1 26x26x32x9, conv2 11x11x64x32x9, fc1 1600x512, logits 512x10: 6.5 MFLOP.
        add(models, new BenchModel("seed", "seed network", "MultiLayerNetwork", 19.5e6, 6.5e6,
                LaminaSeedNet::create, seed -> Dl4jNet.of(Dl4jSeedNet.create(seed)), DjlNet::seedNet,
                ADAM, "SeedNet", CompileCost.SEED_NET));
        // The 3x3 convolutions at 28x28 (16 channels), 14x14 (32) and 7x7 (64), the 1x1 projections and
        // the classifier: 25.9 MFLOP.
        add(models, new BenchModel("resnet", "MNIST ResNet", "ComputationGraph", 77.8e6, 25.9e6,
                LaminaMnistResNet::create, seed -> Dl4jNet.of(Dl4jResNet.create(seed)), null, ADAM, "MnistResNet",
                CompileCost.MNIST_RESNET));
        // Per image: patch embedding 16x49x64; per unit the Q, K, V and output projections 4x16x64x64,
        // scores and weighted values 2x16x16x64, MLP 2x16x64x128; the head 64x10: 2.28 M multiply-adds,
        // 4.56 MFLOP. LayerNorm, softmax and GELU are not counted. Trained as `lamina train --model vit`
        // steps: AdamW (weight decay 0.05), gradients clipped to norm 1 (the schedule costs nothing); DjlViT trains the same way.
        add(models, new BenchModel("vit", "MNIST Vision Transformer", "none: DL4J 1.0.0-M2.1 has no comparable"
                + " ready-made transformer layers", 13.67e6, 4.56e6, LaminaMnistViT::create,
                null, DjlViT::create, model -> new TrainingStep(model, AdamW.builder().lr(2e-3).weightDecay(0.05).build(), 1.0),
                "MnistViT", CompileCost.MNIST_VIT));
        return models;
    }

    private static void add(Map<String, BenchModel> models, BenchModel model) {
        models.put(model.name(), model);
    }
}
