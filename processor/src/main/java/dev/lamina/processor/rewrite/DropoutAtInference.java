package dev.lamina.processor.rewrite;

import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.RewriteFact;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes every {@code @Dropout} from the inference pass: inverted dropout (Srivastava et al. 2014,
 * with the 1/(1 - rate) scale applied in training) is the identity outside training, so the output
 * is exactly equal. The fact ({@link RewriteFact.DropoutRemoved}) goes on the layer after the removed one (before it, for a last layer),
 * so that the generated inference code still names it.
 *
 * <p>Inference only: applied by {@link Rewrites#forInference}, never to the training pass.
 */
final class DropoutAtInference implements Rewrite {
    @Override
    public List<LayerNode> apply(List<LayerNode> sequence) {
        List<LayerNode> kept = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        for (LayerNode node : sequence) {
            if (node.spec() instanceof LayerSpec.Dropout) {
                pending.add(node.name());
                continue;
            }
            LayerNode noted = node;
            for (String removed : pending) {
                noted = noted.with(new RewriteFact.DropoutRemoved(removed, true));
            }
            pending.clear();
            kept.add(noted);
        }
        if (kept.size() == sequence.size()) {
            return sequence;
        }
        for (String removed : pending) {
            if (!kept.isEmpty()) {
                LayerNode last = kept.remove(kept.size() - 1);
                kept.add(last.with(new RewriteFact.DropoutRemoved(removed, false)));
            }
        }
        return kept;
    }
}
