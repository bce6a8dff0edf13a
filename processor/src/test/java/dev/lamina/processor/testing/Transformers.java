package dev.lamina.processor.testing;

/**
 * Small transformer declarations for tests (issue 13), as member lines of a model (see
 * {@link Models#model}): Pre-LN units, each {@code x + MHA(LN(x))} then {@code x + MLP(LN(x))}, as
 * in GPT-2 and ViT.
 */
public final class Transformers {
    private Transformers() {}

    /** The {@code @Sequential} arguments of {@link #VIT}: one-channel 8x8 images. */
    public static final String VIT_INPUT = "input = {1, 8, 8}";

    /**
     * A Vision Transformer encoder: 4x4 patches (4 tokens of 16 values), width 8, two Pre-LN units
     * of 2 heads, a final LayerNorm, mean pooling over the tokens and 3 logits.
     */
    public static final String[] VIT = {
        "@Patches(size = 4) Layer patches();",
        "@Dense(8) Layer embed();",
        "@PositionalEmbedding Layer position();",
        "@Repeat(value = EncoderUnit.class, times = 2) Layer encoder();",
        "@LayerNorm Layer norm();",
        "@GlobalAvgPool1d Layer pool();",
        "@Dense(3) Layer head();",
        "",
        "@Block interface EncoderUnit {",
        "    @Residual(AttentionBranch.class) Layer attention();",
        "    @Residual(MlpBranch.class) Layer mlp();",
        "}",
        "@Block interface AttentionBranch {",
        "    @LayerNorm Layer ln();",
        "    @MultiHeadAttention(heads = 2) Layer attention();",
        "}",
        "@Block interface MlpBranch {",
        "    @LayerNorm Layer ln();",
        "    @Dense(16) Layer fc1();",
        "    @GELU Layer gelu();",
        "    @Dense(8) Layer fc2();",
        "}",
    };

    /** The {@code @Sequential} arguments of {@link #GPT}: 5 token ids. */
    public static final String GPT_INPUT = "input = {5}, tokens = true";

    /**
     * A GPT-style decoder block over a vocabulary of 7: embedding and learned positions of width 8,
     * one Pre-LN unit with causal attention of 2 heads and a GELU (tanh) MLP, a final LayerNorm and
     * logits per position {@code [5, 7]}.
     */
    public static final String[] GPT = {
        "@Embedding(vocabulary = 7, dim = 8) Layer tokens();",
        "@PositionalEmbedding Layer position();",
        "@Residual(CausalAttention.class) Layer attention();",
        "@Residual(Mlp.class) Layer mlp();",
        "@LayerNorm Layer norm();",
        "@Dense(7) Layer logits();",
        "",
        "@Block interface CausalAttention {",
        "    @LayerNorm Layer ln();",
        "    @MultiHeadAttention(heads = 2, causal = true) Layer attention();",
        "}",
        "@Block interface Mlp {",
        "    @LayerNorm Layer ln();",
        "    @Dense(32) Layer fc1();",
        "    @GELU(approximate = GELU.Approximation.TANH) Layer gelu();",
        "    @Dense(8) Layer fc2();",
        "}",
    };

    /** The {@code @Sequential} arguments of {@link #DECODER}: 8 token ids. */
    public static final String DECODER_INPUT = "input = {8}, tokens = true";

    /**
     * A GPT-style decoder over a vocabulary of 9: embedding and learned positions of width 32, two
     * Pre-LN units ({@code @Repeat}) of causal attention with 4 heads and a GELU MLP of width 64, a
     * final LayerNorm and logits per position {@code [8, 9]}.
     */
    public static final String[] DECODER = {
        "@Embedding(vocabulary = 9, dim = 32) Layer tokens();",
        "@PositionalEmbedding Layer position();",
        "@Repeat(value = DecoderUnit.class, times = 2) Layer decoder();",
        "@LayerNorm Layer norm();",
        "@Dense(9) Layer logits();",
        "",
        "@Block interface DecoderUnit {",
        "    @Residual(CausalAttention.class) Layer attention();",
        "    @Residual(Mlp.class) Layer mlp();",
        "}",
        "@Block interface CausalAttention {",
        "    @LayerNorm Layer ln();",
        "    @MultiHeadAttention(heads = 4, causal = true) Layer attention();",
        "}",
        "@Block interface Mlp {",
        "    @LayerNorm Layer ln();",
        "    @Dense(64) Layer fc1();",
        "    @GELU Layer gelu();",
        "    @Dense(32) Layer fc2();",
        "}",
    };
}
