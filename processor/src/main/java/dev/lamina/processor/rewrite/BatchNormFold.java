package dev.lamina.processor.rewrite;

import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.RewriteFact;
import java.util.ArrayList;
import java.util.List;

/**
 * Folds a {@code @BatchNorm} into the {@code @Conv2d} or {@code @Dense} layer directly before it,
 * for inference: with its running statistics BN is an affine map per output channel, {@code y =
 * (x - runningMean) * scale + beta} with {@code scale = gamma / sqrt(runningVar + eps)}, so
 * {@code BN(W x + b) = (W * scale) x + ((b - runningMean) * scale + beta)}, the layer with folded
 * weight and bias (the standard conv-BN fusion; Jacob et al. 2018, arXiv 1712.05877, §3.2). Exact
 * up to floating-point rounding. The bias may be absent (as after {@link BiasBeforeBatchNorm}).
 *
 * <p>The generated inference pass folds on every call, into arrays the model allocates once (the
 * statistics may have moved since the last call; the fold costs O(parameters of the layer), small
 * next to the batch), runs the weight layer with the folded tensors and skips the BN. Training is
 * unchanged. Inference runs the declared layers instead while a {@code LayerObserver} watches or
 * {@code firstNonFiniteLayer} searches, so that both see each declared layer's own output (the
 * variance-shift analysis reads the input of every BN). In a folded pass the weight layer's output
 * local already holds the BN's output and the BN passes it on; {@code afterLayer} is still called
 * for both, but with no observer and no search it does nothing.
 *
 * <p>Leaves {@link RewriteFact.FoldsBatchNorm} on the weight layer and {@link RewriteFact.FoldedInto}
 * on the BatchNorm.
 *
 * <p>Only a BN directly after the weight layer is matched: its channel axis is then the weight
 * layer's output axis (filters or units).
 */
public final class BatchNormFold implements Rewrite {
    @Override
    public List<LayerNode> apply(List<LayerNode> sequence) {
        List<LayerNode> layers = new ArrayList<>(sequence);
        boolean changed = false;
        for (int i = 0; i + 1 < layers.size(); i++) {
            LayerNode weight = layers.get(i);
            LayerNode bn = layers.get(i + 1);
            if (!(bn.spec() instanceof LayerSpec.BatchNorm)
                    || !(weight.spec() instanceof LayerSpec.Conv2d || weight.spec() instanceof LayerSpec.Dense)) {
                continue;
            }
            layers.set(i, weight.with(new RewriteFact.FoldsBatchNorm(bn.name())));
            layers.set(i + 1, bn.with(new RewriteFact.FoldedInto(weight.name())));
            changed = true;
        }
        return changed ? layers : sequence;
    }

    /**
     * {@code model} without the BatchNorms this rewrite folded into the layer before them: the
     * inference pass, where that layer's folded weight and bias already produce the BatchNorm's
     * output.
     */
    static ModelIR withoutFolded(ModelIR model) {
        return model.mapSequences(sequence -> {
            List<LayerNode> kept = sequence.stream().filter(node -> !node.has(RewriteFact.FoldedInto.class)).toList();
            return kept.size() == sequence.size() ? sequence : kept;
        });
    }
}
