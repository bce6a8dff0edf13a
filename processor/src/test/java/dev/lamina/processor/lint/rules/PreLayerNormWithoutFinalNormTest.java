package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Ir;
import dev.lamina.processor.lint.LintCompilation.Model;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.RuleCompilationTest;
import dev.lamina.processor.lint.Textbook;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class PreLayerNormWithoutFinalNormTest extends RuleCompilationTest {
    private final PreLayerNormWithoutFinalNorm rule = new PreLayerNormWithoutFinalNorm();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected boolean usesBlocks() {
        return true;
    }

    /** A small ViT encoder whose pooling reads the last sum: the encoder's final layer norm is missing. */
    @Override
    protected Model positiveModel() {
        return vit(false);
    }

    private static Model vit(boolean finalNorm) {
        List<String> layers = new java.util.ArrayList<>(List.of(
                "@Patches(size = 4) Layer patches();",
                "@Dense(8) Layer embed();",
                "@PositionalEmbedding Layer position();",
                "@Repeat(value = EncoderUnit.class, times = 2) Layer encoder();"));
        if (finalNorm) {
            layers.add("@LayerNorm Layer norm();");
        }
        layers.addAll(List.of(
                "@GlobalAvgPool1d Layer pool();",
                "@Dense(3) Layer head();",
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
                "}"));
        return new Model("input = {1, 8, 8}", layers.toArray(String[]::new));
    }

    @Override
    protected String line() {
        return "pool()";
    }

    @Override
    protected String message() {
        return "[Lamina/PreLayerNormWithoutFinalNorm] pre-LN residual stack without a layer norm after its last unit:"
                + " this is a Pre-LN residual stack (its last unit's body MlpBranch starts with layer norm"
                + " 'encoder[1].mlp.ln' (line 22)), but the sum of residual addition 'encoder[1].mlp' (line 15)"
                + " reaches dense 'head' (line 12) through global average pool 'pool' without a layer norm: the head"
                + " reads the residual stream,"
                + " which no layer norm has seen, where GPT-2 and the Vision Transformer normalise it once after the"
                + " last block";
    }

    @Override
    protected Model correctedModel() {
        return vit(true);
    }

    private static List<Finding> gptThen(UnaryOperator<Ir> head) {
        Ir ir = Ir.tokens(16).embedding("tokens", 100, 32).positionalEmbedding("position")
                .repeat("blocks", 2, u -> u
                        .residual("attention", b -> b.layerNorm("ln").attention("attention", 4, true))
                        .residual("mlp", b -> b.layerNorm("ln").dense("fc", 128).gelu("gelu").dense("proj", 32)));
        return check(new PreLayerNormWithoutFinalNorm(), head.apply(ir).build());
    }

    @Test
    void irMissingFinalNormIsReportedOnTheLayerAfterTheLastAddition() {
        List<Finding> f = gptThen(h -> h.dense("logits", 100));
        assertThat(at(f)).containsExactly("logits");
        assertThat(f.get(0).fix()).isEqualTo("add @LayerNorm right after 'blocks[1].mlp', before 'logits'");
        assertThat(f.get(0).why()).contains("its last unit's body Body starts with layer norm 'blocks[1].mlp.ln'");
        assertThat(at(gptThen(h -> h.globalAvgPool1d("pool").dense("out", 2)))).containsExactly("pool");
        assertThat(at(gptThen(h -> h.gelu("gelu").globalAvgPool1d("pool").dense("out", 2)))).containsExactly("gelu");
        // Through dropout: reported on the dropout, naming the layer it reaches.
        List<Finding> dropped = gptThen(h -> h.dropout("drop", 0.1).dense("logits", 100));
        assertThat(at(dropped)).containsExactly("drop");
        assertThat(dropped.get(0).why()).contains("reaches dense 'logits' through dropout 'drop' without a layer norm");
        // A model that ends with the addition: reported on it.
        assertThat(at(gptThen(h -> h))).containsExactly("blocks[1].mlp");
    }

    @Test
    void irWithTheFinalNormItIsFine() {
        assertThat(check(rule, Textbook.vit())).isEmpty();
        assertThat(check(rule, Textbook.gpt())).isEmpty();
        assertThat(gptThen(h -> h.dropout("drop", 0.1).layerNorm("lnF").dense("logits", 100))).isEmpty();
        // timm's ViT with global_pool='avg': the layer norm after the pooling (fc_norm) instead of before it.
        assertThat(gptThen(h -> h.globalAvgPool1d("pool").layerNorm("fcNorm").dense("out", 2))).isEmpty();
    }

    @Test
    void irPostLnAndNonTransformerStacksAreNotMatched() {
        assertThat(check(rule, Textbook.bert(2))).isEmpty();
        assertThat(check(rule, Textbook.resnetBasic())).isEmpty();
        assertThat(check(rule, Textbook.preActResnet())).isEmpty();
        // What follows the stack is not a head: attention outside a residual, or another stage.
        assertThat(gptThen(h -> h.attention("extra", 4, false).layerNorm("lnF").dense("logits", 100))).isEmpty();
        // Only the last unit decides: here its body starts with attention (Post-LN style), so nothing is matched.
        assertThat(check(rule, Ir.tokens(16).embedding("tokens", 100, 32)
                .residual("pre", b -> b.layerNorm("ln").attention("attention", 4, true))
                .residual("post", b -> b.attention("attention", 4, true))
                .dense("logits", 100).build())).isEmpty();
    }
}
