package dev.lamina.examples.cli;

import dev.lamina.dsl.Layer;
import dev.lamina.runtime.model.Model;
import java.util.Arrays;
import java.util.Locale;

/** A Keras-style table of a model's layers: name, kind, output shape with batch axis, parameters. */
final class ModelTable {
    private ModelTable() {}

    static String render(Model model) {
        StringBuilder sb = new StringBuilder();
        String rule = "-".repeat(64) + "\n";
        sb.append(String.format(Locale.ROOT, "%-12s %-12s %-24s %12s%n", "Layer", "Kind", "Output shape", "Params"));
        sb.append(rule);
        sb.append(String.format(Locale.ROOT, "%-12s %-12s %-24s %12s%n", "(input)", "", withBatch(model.inputShape()), ""));
        long total = 0;
        for (Layer layer : model.layers()) {
            total += layer.parameterCount();
            sb.append(String.format(Locale.ROOT, "%-12s %-12s %-24s %,12d%n", layer.name(), layer.kind(),
                    withBatch(layer.outputShape()), layer.parameterCount()));
        }
        sb.append(rule);
        sb.append(String.format(Locale.ROOT, "Trainable parameters: %,d%n", total));
        return sb.toString();
    }

    private static String withBatch(int[] shape) {
        String dims = Arrays.toString(shape);
        return "[N, " + dims.substring(1);
    }
}
