package dev.lamina.processor.rewrite;

import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.RewriteFact;
import java.util.ArrayList;
import java.util.List;

/**
 * Elides the bias of a {@code @Conv2d} or {@code @Dense} layer that is directly followed by
 * {@code @BatchNorm}: the bias is constant per channel (per feature), the channel axis BN
 * normalises, so in training BN subtracts it again with the batch mean and
 * {@code BN(Wx + b) = BN(Wx)}; its gradient is zero (Ioffe and Szegedy 2015, arXiv 1502.03167, §3.2).
 *
 * <p>At inference BN subtracts its running mean instead, which in the declared model tracks
 * {@code mean(Wx) + b}. With the running mean starting at {@code -b} instead of 0, the rewritten
 * model's running mean stays exactly {@code b} below the declared one at every step (both are the
 * same exponential average of batch means), so inference is exact too. The generated constructor
 * still draws the bias from the init stream (so that every later parameter is the same for the same
 * seed, with or without rewrites) and starts BN's running mean at its negation. Exact for fresh
 * parameters: in the declared model the bias gets an analytic gradient of 0 but a rounding-sized
 * one in floating point, which Adam's normalisation can turn into tiny updates; the rewritten model
 * keeps it fixed.
 *
 * <p>Only a BN directly after the weight layer is matched: a pooling or flatten layer between would
 * keep the offset constant too, but the match stays as small as the proof.
 */
public final class BiasBeforeBatchNorm implements Rewrite {
    @Override
    public List<LayerNode> apply(List<LayerNode> sequence) {
        List<LayerNode> layers = new ArrayList<>(sequence);
        boolean changed = false;
        for (int i = 0; i + 1 < layers.size(); i++) {
            LayerNode weight = layers.get(i);
            LayerNode bn = layers.get(i + 1);
            if (!(bn.spec() instanceof LayerSpec.BatchNorm)) {
                continue;
            }
            LayerSpec withoutBias;
            if (weight.spec() instanceof LayerSpec.Conv2d c && c.bias()) {
                withoutBias = c.withBias(false);
            } else if (weight.spec() instanceof LayerSpec.Dense d && d.bias()) {
                withoutBias = d.withBias(false);
            } else {
                continue;
            }
            layers.set(i, weight.withSpec(withoutBias, new RewriteFact.BiasElided(bn.name())));
            layers.set(i + 1, bn.with(new RewriteFact.BiasAbsorbed(weight.name())));
            changed = true;
        }
        return changed ? layers : sequence;
    }
}
