package dev.lamina.bench;

import dev.lamina.dsl.Block;
import dev.lamina.dsl.Dense;
import dev.lamina.dsl.GELU;
import dev.lamina.dsl.GlobalAvgPool1d;
import dev.lamina.dsl.Layer;
import dev.lamina.dsl.LayerNorm;
import dev.lamina.dsl.Loss;
import dev.lamina.dsl.MultiHeadAttention;
import dev.lamina.dsl.Patches;
import dev.lamina.dsl.PositionalEmbedding;
import dev.lamina.dsl.Repeat;
import dev.lamina.dsl.Residual;
import dev.lamina.dsl.Sequential;

/**
 * The examples' MNIST Vision Transformer, a copy of {@code dev.lamina.examples.models.MnistViT} (whose
 * Javadoc describes it: 7x7 patches, width 64, four Pre-LN units of 4 heads and an MLP of 128, final
 * LayerNorm, mean pooling), so that the benchmark does not depend on the examples module. It has no
 * DL4J peer; {@link CompileCost#MNIST_VIT} is the same text without comments.
 */
@Sequential(input = {1, 28, 28}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
public interface MnistViT {
    @Patches(size = 7) Layer patches();
    @Dense(64) Layer embed();
    @PositionalEmbedding Layer position();
    @Repeat(value = EncoderUnit.class, times = 4) Layer encoder();
    @LayerNorm Layer norm();
    @GlobalAvgPool1d Layer pool();
    @Dense(10) Layer head();

    /** {@code x + MHA(LN(x))}, then {@code x + MLP(LN(x))}. */
    @Block interface EncoderUnit {
        @Residual(AttentionBranch.class) Layer attention();
        @Residual(MlpBranch.class) Layer mlp();
    }

    /** {@code MHA(LN(x))}. */
    @Block interface AttentionBranch {
        @LayerNorm Layer ln();
        @MultiHeadAttention(heads = 4) Layer attention();
    }

    /** {@code MLP(LN(x))}. */
    @Block interface MlpBranch {
        @LayerNorm Layer ln();
        @Dense(128) Layer fc1();
        @GELU Layer gelu();
        @Dense(64) Layer fc2();
    }
}
