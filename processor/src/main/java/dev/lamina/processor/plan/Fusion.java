package dev.lamina.processor.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Consecutive layers of the training pass whose forward runs as one kernel call, and whose backward
 * runs as another. The forward call returns every fused layer's output, so layer observers and the
 * non-finite search still see every layer; the inference pass is planned apart.
 */
public sealed interface Fusion {
    /** The fusion rule's name, in the generated comment. */
    String rule();

    /** The fused layers' names, in layer order. */
    List<String> layers();

    /** Calls the {@code visitor} method of this fusion. */
    <R> R accept(Visitor<R> visitor);

    /**
     * One method per fusion: the generator implements it, so a fusion it cannot write does not compile.
     *
     * @param <R> what the visit returns
     */
    interface Visitor<R> {
        R batchNormActivation(BatchNormActivation fusion);
    }

    /** The generated comment above the fused backward. */
    default String comment() {
        return "fusion " + rule() + ": backward of " + String.join(" + ", layers()) + " in one pass";
    }

    /** The generated comment above the fused forward. */
    default String forwardComment() {
        return "fusion " + rule() + ": forward of " + String.join(" + ", layers()) + " in one pass";
    }

    /**
     * A BatchNorm, the ReLU, LeakyReLU or ELU directly after it, optionally then a Dropout, and optionally
     * then a 2-D max pooling: forward through the runtime kernel {@code BatchNormActivation.forward}
     * (statistics, then normalisation, activation, mask and pooling per channel plane in one pass, writing
     * only the chain's last output), backward through {@code BatchNormActivation.backward} (the pooling's
     * routing, the mask, the activation's slope and BatchNorm in one pass per channel, from values it
     * computes again instead of reading them), both on the Vector API where the JVM has it.
     *
     * @param batchNorm  the BatchNorm
     * @param activation the activation after it
     * @param dropout    the Dropout after the activation, if fused
     * @param pool       the MaxPool2d after the Dropout (or the activation), if fused
     */
    record BatchNormActivation(String batchNorm, String activation, Optional<String> dropout, Optional<String> pool)
            implements Fusion {
        @Override
        public String rule() {
            return "BatchNormActivation";
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.batchNormActivation(this);
        }

        @Override
        public List<String> layers() {
            List<String> names = new ArrayList<>(List.of(batchNorm, activation));
            dropout.ifPresent(names::add);
            pool.ifPresent(names::add);
            return names;
        }
    }
}
