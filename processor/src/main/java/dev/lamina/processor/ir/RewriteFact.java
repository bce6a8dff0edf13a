package dev.lamina.processor.ir;

import java.util.List;

/**
 * What a rewrite changed about one node, as a typed fact: the generator reads these to decide what
 * code to write ({@link LayerNode#fact}), and renders each as one short comment in the generated
 * source ({@link #comment()}), so that rewording a comment never changes the code. Every comment
 * text lives in this file.
 *
 * <p>Each fact names the rewrite that produced it ({@link #rule()}), the name a reader finds in the
 * rewrite package and in the comment.
 */
public sealed interface RewriteFact {
    /** The rewrite's name, e.g. {@code "BiasBeforeBatchNorm"}. */
    String rule();

    /** What changed, as the generated comment says it after {@code rewrite <rule>: }. */
    String describe();

    /** The generated comment: {@code rewrite BatchNormFold: folds 'bn1' into this layer for inference}. */
    default String comment() {
        return "rewrite " + rule() + ": " + describe();
    }

    /**
     * On a Conv2d or Dense layer: its bias is not kept, because the BatchNorm after it subtracts it
     * again with the batch mean; it is still drawn from the init stream.
     *
     * @param batchNorm the BatchNorm directly after the layer
     */
    record BiasElided(String batchNorm) implements RewriteFact {
        @Override public String rule() { return "BiasBeforeBatchNorm"; }
        @Override public String describe() {
            return "bias elided: '" + batchNorm + "' subtracts it with the batch mean";
        }

        /** The comment where the generated constructor still draws the elided bias. */
        public String initComment() {
            return "rewrite " + rule() + ": the elided bias is still drawn, so that later parameters keep their values";
        }
    }

    /**
     * On a BatchNorm: its running mean starts at minus the elided bias of the layer before it, so
     * that inference stays exact.
     *
     * @param weightLayer the Conv2d or Dense layer whose bias was elided
     */
    record BiasAbsorbed(String weightLayer) implements RewriteFact {
        @Override public String rule() { return "BiasBeforeBatchNorm"; }
        @Override public String describe() {
            return "running mean starts at -" + weightLayer + ".bias";
        }
    }

    /**
     * On a Conv2d or Dense layer: the inference pass folds the BatchNorm after it into its weight
     * and bias.
     *
     * @param batchNorm the BatchNorm directly after the layer
     */
    record FoldsBatchNorm(String batchNorm) implements RewriteFact {
        @Override public String rule() { return "BatchNormFold"; }
        @Override public String describe() {
            return "folds '" + batchNorm + "' into this layer's weight and bias for inference";
        }
    }

    /**
     * On a BatchNorm: folded into the layer before it for inference; it still runs in training and
     * while an observer or the non-finite search watches.
     *
     * @param weightLayer the Conv2d or Dense layer it is folded into
     */
    record FoldedInto(String weightLayer) implements RewriteFact {
        @Override public String rule() { return "BatchNormFold"; }
        @Override public String describe() {
            return "folded into '" + weightLayer + "' for inference";
        }
    }

    /**
     * On a max pool: moved before the non-decreasing activations that stood directly before it.
     *
     * @param activations the activations it now runs before, in order
     */
    record PoolMoved(List<String> activations) implements RewriteFact {
        public PoolMoved {
            activations = List.copyOf(activations);
        }

        @Override public String rule() { return "MaxPoolBeforeMonotoneActivation"; }
        @Override public String describe() {
            return "moved before " + String.join(", ", activations.stream().map(a -> "'" + a + "'").toList())
                    + " (exact: max commutes with non-decreasing functions)";
        }
    }

    /**
     * On an activation: runs after the max pool that moved before it, on the pooled tensor.
     *
     * @param pool the max pool
     */
    record RunsAfterPool(String pool) implements RewriteFact {
        @Override public String rule() { return "MaxPoolBeforeMonotoneActivation"; }
        @Override public String describe() {
            return "runs after '" + pool + "', on the pooled tensor";
        }
    }

    /**
     * On the layer next to a Dropout that the inference pass removes (inverted dropout is the
     * identity at inference).
     *
     * @param dropout the removed Dropout
     * @param before  whether it stood before this layer (else after it, for a model's last layers)
     */
    record DropoutRemoved(String dropout, boolean before) implements RewriteFact {
        @Override public String rule() { return "DropoutAtInference"; }
        @Override public String describe() {
            return "'" + dropout + "' " + (before ? "before" : "after") + " this layer is removed"
                    + " (identity at inference)";
        }
    }
}
