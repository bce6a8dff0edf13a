package dev.lamina.bench;

import dev.lamina.runtime.model.Model;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * A network the benchmark measures, built in Lamina and in DL4J from the same seed, with the work of
 * one image: the multiply-adds (counted as 2 FLOP) of its convolution and dense layers, forward, and
 * three times that for a training step (forward, input gradient, weight gradient).
 *
 * @param name        the {@code --model} value
 * @param title       for the header
 * @param dl4jKind    what the DL4J peer is built as, for the header
 * @param trainFlop   FLOP per training image
 * @param inferFlop   FLOP per inference image
 * @param lamina      the generated Lamina model for a seed
 * @param dl4j        the DL4J peer for a seed
 * @param interfaceName the declaration's simple name, for {@link CompileCost}
 * @param source      the declaration, for {@link CompileCost}
 */
record BenchModel(String name, String title, String dl4jKind, double trainFlop, double inferFlop, LongFunction<Model> lamina,
        LongFunction<Dl4jNet> dl4j, String interfaceName, String source) {

    /** The models by {@code --model} name; the first is the default. */
    static final Map<String, BenchModel> ALL = registry();

    private static Map<String, BenchModel> registry() {
        Map<String, BenchModel> models = new LinkedHashMap<>();
        // conv1 26x26x32x9, conv2 11x11x64x32x9, fc1 1600x512, logits 512x10: 6.5 MFLOP.
        add(models, new BenchModel("seed", "seed network", "MultiLayerNetwork", 19.5e6, 6.5e6,
                LaminaSeedNet::create, seed -> Dl4jNet.of(Dl4jSeedNet.create(seed)), "SeedNet", CompileCost.SEED_NET));
        // The 3x3 convolutions at 28x28 (16 channels), 14x14 (32) and 7x7 (64), the 1x1 projections and
        // the classifier: 25.9 MFLOP.
        add(models, new BenchModel("resnet", "MNIST ResNet", "ComputationGraph", 77.8e6, 25.9e6,
                LaminaMnistResNet::create, seed -> Dl4jNet.of(Dl4jResNet.create(seed)), "MnistResNet", CompileCost.MNIST_RESNET));
        return models;
    }

    private static void add(Map<String, BenchModel> models, BenchModel model) {
        models.put(model.name(), model);
    }
}
