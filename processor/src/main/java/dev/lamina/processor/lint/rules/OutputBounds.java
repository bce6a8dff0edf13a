package dev.lamina.processor.lint.rules;

import dev.lamina.processor.ir.Dataflow;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec.Activation.Function;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.lint.Layers;
import java.util.Locale;
import java.util.Optional;

/** The output activation and the bounds it puts on a loss that applies its own activation. */
final class OutputBounds {
    private OutputBounds() {}

    /** The layer whose output the loss reads, when it is the activation {@code function}. */
    static Optional<LayerNode> outputActivation(ModelIR model, Function function) {
        return Layers.output(Dataflow.of(model)).filter(out -> Layers.isActivation(out.spec(), function));
    }

    /**
     * {@code "no class can get a probability above 0.232 and the loss cannot fall below 1.46 (10
     * classes)"}: softmax over K logits confined to [0, 1] gives the top class at most
     * {@code e / (e + K - 1)}, so cross-entropy is at least {@code ln(1 + (K - 1) / e)}.
     */
    static String softmaxOfUnitInterval(int classes) {
        double top = Math.E / (Math.E + classes - 1);
        return String.format(Locale.ROOT,
                "no class can get a probability above %.3g and the loss cannot fall below %.3g (%d classes)",
                top, -Math.log(top), classes);
    }

    /** Sigmoid of a value in [0, 1] lies in [0.5, 0.731]. */
    static final String SIGMOID_OF_UNIT_INTERVAL = "every prediction lies in [0.5, 0.731]: no unit can ever be"
            + " predicted absent, and targets of 0 are out of reach";
}
