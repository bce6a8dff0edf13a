package dev.lamina.examples.study;

import dev.lamina.runtime.model.Model;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * The ten layer orderings of the seed thread's table, each declared as a {@code @Sequential}
 * interface in this package, with the test loss that the thread's single Keras run reported (MNIST,
 * 20 epochs, Adam, categorical cross-entropy).
 */
public enum Ordering {
    CONV_ACT_DROP_BN_POOL("Conv-Act-Drop-BN-Pool", 0.0426, LaminaConvActDropBnPool::create),
    CONV_ACT_DROP_POOL_BN("Conv-Act-Drop-Pool-BN", 0.0501, LaminaConvActDropPoolBn::create),
    CONV_ACT_BN_POOL_DROP("Conv-Act-BN-Pool-Drop", 0.0491, LaminaConvActBnPoolDrop::create),
    CONV_ACT_BN_DROP_POOL("Conv-Act-BN-Drop-Pool", 0.0681, LaminaConvActBnDropPool::create),
    CONV_BN_ACT_DROP_POOL("Conv-BN-Act-Drop-Pool", 0.0389, LaminaConvBnActDropPool::create),
    CONV_BN_ACT_POOL_DROP("Conv-BN-Act-Pool-Drop", 0.0413, LaminaConvBnActPoolDrop::create),
    CONV_BN_DROP_ACT_POOL("Conv-BN-Drop-Act-Pool", 0.0514, LaminaConvBnDropActPool::create),
    CONV_DROP_ACT_BN_POOL("Conv-Drop-Act-BN-Pool", 0.0483, LaminaConvDropActBnPool::create),
    CONV_DROP_ACT_POOL_BN("Conv-Drop-Act-Pool-BN", 0.0472, LaminaConvDropActPoolBn::create),
    CONV_DROP_BN_ACT_POOL("Conv-Drop-BN-Act-Pool", 0.0324, LaminaConvDropBnActPool::create);

    private final String label;
    private final double seedTestLoss;
    private final LongFunction<Model> factory;

    Ordering(String label, double seedTestLoss, LongFunction<Model> factory) {
        this.label = label;
        this.seedTestLoss = seedTestLoss;
        this.factory = factory;
    }

    /** The order of each conv module, as the seed thread wrote it, e.g. {@code Conv-BN-Act-Drop-Pool}. */
    public String label() {
        return label;
    }

    /** The test loss of the seed thread's single Keras run. */
    public double seedTestLoss() {
        return seedTestLoss;
    }

    /** The declaring interface's simple name, e.g. {@code ConvBnActDropPool}. */
    public String interfaceName() {
        StringBuilder name = new StringBuilder();
        for (String part : label.split("-")) {
            name.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return name.toString();
    }

    /** A new model of this ordering, initialised from {@code seed}. */
    public Model create(long seed) {
        return factory.apply(seed);
    }

    /**
     * The ordering named {@code text}: its label ({@code Conv-BN-Act-Drop-Pool}), interface name
     * ({@code ConvBnActDropPool}) or constant, ignoring case.
     *
     * @throws IllegalArgumentException naming the valid labels if none matches
     */
    public static Ordering parse(String text) {
        String key = text.trim().replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
        for (Ordering o : values()) {
            if (o.interfaceName().toLowerCase(Locale.ROOT).equals(key)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown ordering '" + text + "'; expected one of "
                + Arrays.stream(values()).map(Ordering::label).toList());
    }

    /** All ten, in the seed table's order. */
    public static List<Ordering> all() {
        return List.of(values());
    }
}
