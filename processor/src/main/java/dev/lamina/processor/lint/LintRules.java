package dev.lamina.processor.lint;

import dev.lamina.processor.lint.rules.BatchNormAfterAddition;
import dev.lamina.processor.lint.rules.BlockTemplate;
import dev.lamina.processor.lint.rules.ConsecutiveBatchNorm;
import dev.lamina.processor.lint.rules.DropoutActivationCommute;
import dev.lamina.processor.lint.rules.DropoutBeforeBatchNorm;
import dev.lamina.processor.lint.rules.DropoutBeforePooling;
import dev.lamina.processor.lint.rules.FusionBlockingOrder;
import dev.lamina.processor.lint.rules.LinearStackCollapse;
import dev.lamina.processor.lint.rules.NonlinearityBeforeOutput;
import dev.lamina.processor.lint.rules.PoolBeforeMonotoneActivation;
import dev.lamina.processor.lint.rules.PreActivationWithoutFinalActivation;
import dev.lamina.processor.lint.rules.ProbOutputWithRegressionLoss;
import dev.lamina.processor.lint.rules.ReLUBeforeAddition;
import dev.lamina.processor.lint.rules.RedundantActivation;
import dev.lamina.processor.lint.rules.RedundantBiasBeforeBatchNorm;
import dev.lamina.processor.lint.rules.ShortcutNotIdentityOrProjection;
import dev.lamina.processor.lint.rules.SigmoidBeforeLogitsLoss;
import dev.lamina.processor.lint.rules.SigmoidWithCategoricalCE;
import dev.lamina.processor.lint.rules.SoftmaxBeforeLogitsLoss;
import dev.lamina.processor.lint.rules.SoftmaxInHiddenLayer;
import dev.lamina.processor.lint.rules.SoftmaxOnSingleUnit;
import dev.lamina.processor.lint.rules.SoftmaxWithBinaryCE;
import dev.lamina.processor.lint.rules.StochasticLayerAfterOutput;
import dev.lamina.processor.lint.rules.StrictWindowTruncation;
import dev.lamina.processor.lint.rules.SuspiciousDropoutRate;
import java.util.List;
import java.util.stream.Stream;

/**
 * The registry of lint rules (Error Prone's {@code BuiltInCheckerSuppliers}), in the order of the
 * catalog: definite errors, evidence-backed warnings, configurable notes. A new rule is added here,
 * gets a {@code <RuleId>Test}, and appears in {@code docs/lint-rules.md} after regenerating it.
 */
public final class LintRules {
    /** Prefix of every rule's qualified ID: messages, {@code @SuppressWarnings}. */
    public static final String PREFIX = "Lamina/";

    private static final List<RuleInfo> ALL = Stream.<LintRule>of(
                    // (a) definite errors
                    new SoftmaxOnSingleUnit(),
                    new StochasticLayerAfterOutput(),
                    new SoftmaxWithBinaryCE(),
                    new SigmoidBeforeLogitsLoss(),
                    // (b) evidence-backed warnings
                    new DropoutBeforeBatchNorm(),
                    new RedundantBiasBeforeBatchNorm(),
                    new LinearStackCollapse(),
                    new SoftmaxBeforeLogitsLoss(),
                    new SigmoidWithCategoricalCE(),
                    new NonlinearityBeforeOutput(),
                    new SoftmaxInHiddenLayer(),
                    new ProbOutputWithRegressionLoss(),
                    new SuspiciousDropoutRate(),
                    new ConsecutiveBatchNorm(),
                    new RedundantActivation(),
                    new BatchNormAfterAddition(),
                    new ReLUBeforeAddition(),
                    new ShortcutNotIdentityOrProjection(),
                    new PreActivationWithoutFinalActivation(),
                    // (c) configurable notes
                    new BlockTemplate(),
                    new PoolBeforeMonotoneActivation(),
                    new FusionBlockingOrder(),
                    new DropoutActivationCommute(),
                    new DropoutBeforePooling(),
                    new StrictWindowTruncation())
            .map(RuleInfo::of)
            .toList();

    private LintRules() {}

    /** Every rule, in catalog order. */
    public static List<RuleInfo> all() {
        return ALL;
    }
}
