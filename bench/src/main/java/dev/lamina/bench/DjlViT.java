package dev.lamina.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.nn.transformer.ScaledDotProductAttentionBlock;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.PairList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link dev.lamina.examples.models.MnistViT} in PyTorch, through DJL's blocks: 7x7 patches ({@code [N, 1, 28, 28]} to 16 tokens
 * {@code [N, 16, 49]}, each in (channel, row, column) order), Dense 64, a learned positional embedding
 * {@code [16, 64]} (N(0, 0.02^2)), four Pre-LN units {@code x + MHA(LN(x))}, {@code x + MLP(LN(x))}
 * (MHA: DJL's {@link ScaledDotProductAttentionBlock}, 4 heads, Q/K/V/output projections with biases, no
 * attention dropout; MLP: Dense 128, exact GELU, Dense 64), final LayerNorm, mean over the tokens, Dense
 * 10. LayerNorm normalises each token's 64 features (eps 1e-5, gamma and beta). The same number of
 * parameters as Lamina's (the benchmark prints both).
 *
 * <p>Trained as the bench trains Lamina's ViT: AdamW (DJL's {@code AdamW}, decoupled weight decay 0.05,
 * betas 0.9/0.999, eps 1e-8) at a fixed 2e-3, after clipping the gradients to global norm 1 (done by
 * {@link DjlNet}, as PyTorch's {@code clip_grad_norm_}: DJL's optimizers only clip elementwise). Weights
 * start as DJL initialises them (Xavier for the Linear weights), which does not change the work of a step.
 */
final class DjlViT {
    private static final int TOKENS = 16;
    private static final int WIDTH = 64;
    private static final int HEADS = 4;
    private static final int MLP = 128;
    private static final int UNITS = 4;

    private DjlViT() {
    }

    /** The ViT, its trainer for batches of {@code batch} and the given batches, as {@link DjlNet#create}. */
    static DjlNet create(int batch, List<INDArray> features, List<INDArray> oneHot) {
        Optimizer adamW = Optimizer.adamW().optLearningRateTracker(Tracker.fixed(2e-3f)).optBeta1(0.9f)
                .optBeta2(0.999f).optEpsilon(1e-8f).optWeightDecays(0.05f).build();
        return DjlNet.create("vit", network(), adamW, 1.0, batch, features, oneHot);
    }

    /** {@return the network: images {@code [N, 1, 28, 28]} to logits {@code [N, 10]}} */
    static Block network() {
        SequentialBlock net = new SequentialBlock()
                .add(LambdaBlock.singleton(DjlViT::patches, "patches"))
                .add(Linear.builder().setUnits(WIDTH).build())
                .add(new PositionalEmbedding(TOKENS, WIDTH));
        for (int i = 0; i < UNITS; i++) {
            net.add(residual(new SequentialBlock()
                    .add(layerNorm())
                    .add(ScaledDotProductAttentionBlock.builder().setEmbeddingSize(WIDTH).setHeadCount(HEADS)
                            .optAttentionProbsDropoutProb(0f).build())));
            net.add(residual(new SequentialBlock()
                    .add(layerNorm())
                    .add(Linear.builder().setUnits(MLP).build())
                    .add(Activation.geluBlock())
                    .add(Linear.builder().setUnits(WIDTH).build())));
        }
        return net.add(layerNorm())
                .add(LambdaBlock.singleton(x -> x.mean(new int[] {1}), "mean_pool"))
                .add(Linear.builder().setUnits(10).build());
    }

    /** {@code [N, 1, 28, 28]} to {@code [N, 16, 49]}: row-major 7x7 patches. */
    private static NDArray patches(NDArray x) {
        long n = x.getShape().get(0);
        return x.reshape(n, 1, 4, 7, 4, 7).transpose(0, 2, 4, 1, 3, 5).reshape(n, TOKENS, 49);
    }

    private static LayerNorm layerNorm() {
        return LayerNorm.builder().axis(2).optEpsilon(1e-5f).build();
    }

    /** {@code x + branch(x)}. */
    private static Block residual(Block branch) {
        return new ParallelBlock(list -> new NDList(NDArrays.add(list.get(0).singletonOrThrow(),
                list.get(1).singletonOrThrow())), List.of(branch, Blocks.identityBlock()));
    }

    /** {@code y[t] = x[t] + p[t]}, {@code p} a learned {@code [T, D]}. */
    static final class PositionalEmbedding extends AbstractBlock {
        private final Parameter position;
        private final Shape shape;

        PositionalEmbedding(int tokens, int width) {
            shape = new Shape(tokens, width);
            position = addParameter(Parameter.builder().setName("position").setType(Parameter.Type.WEIGHT)
                    .optShape(shape).optInitializer(new NormalInitializer(0.02f)).build());
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                PairList<String, Object> params) {
            NDArray x = inputs.singletonOrThrow();
            return new NDList(x.add(store.getValue(position, x.getDevice(), training)));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return inputs;
        }
    }
}
