package dev.lamina.processor.rewrite;

import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.RewriteFact;
import dev.lamina.processor.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves a {@code @MaxPool2d} before the elementwise, non-decreasing activations directly in front
 * of it: for non-decreasing {@code f}, {@code max(f(x_1), ..., f(x_k)) = f(max(x_1, ..., x_k))}, so
 * the output is exactly equal, and the activation then runs on a tensor a window's area smaller
 * (4x for 2x2 windows). Gradients are equal except at ties: where {@code f} maps different inputs
 * to one value (ReLU's zeros, where its derivative is 0 anyway) the declared order may route a
 * window's gradient to another element than the rewritten order.
 *
 * <p>Only activations ({@link LayerSpec.Activation#isMonotone()}) may stand between the original
 * and the new place of the pool. Dropout does not commute with max pooling (its mask, applied
 * before the max, changes which element wins), nor does BatchNorm (a negative gamma reverses the
 * order), nor average pooling with any nonlinear {@code f}: those stop the move.
 *
 * <p>Node names and source references are kept; the input and output shapes of the moved nodes are
 * recomputed: the pool takes the activations' input, the activations the pool's output.
 */
public final class MaxPoolBeforeMonotoneActivation implements Rewrite {
    @Override
    public List<LayerNode> apply(List<LayerNode> sequence) {
        List<LayerNode> layers = new ArrayList<>(sequence);
        boolean changed = false;
        for (int i = 0; i < layers.size(); i++) {
            LayerNode pool = layers.get(i);
            if (!(pool.spec() instanceof LayerSpec.Pool2d p) || p.mode() != LayerSpec.Pool2d.Mode.MAX) {
                continue;
            }
            int first = i;
            while (first > 0 && layers.get(first - 1).spec() instanceof LayerSpec.Activation a && a.isMonotone()) {
                first--;
            }
            if (first == i) {
                continue;
            }
            List<LayerNode> activations = new ArrayList<>(layers.subList(first, i));
            Shape pooled = pool.output();
            List<String> names = activations.stream().map(LayerNode::name).toList();
            layers.set(first, pool.with(new RewriteFact.PoolMoved(names))
                    .withShapes(activations.get(0).input(), pooled));
            for (int k = 0; k < activations.size(); k++) {
                LayerNode activation = activations.get(k);
                layers.set(first + 1 + k, activation.with(new RewriteFact.RunsAfterPool(pool.name()))
                        .withShapes(pooled, pooled));
            }
            changed = true;
        }
        return changed ? layers : sequence;
    }
}
