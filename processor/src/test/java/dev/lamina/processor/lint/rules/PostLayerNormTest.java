package dev.lamina.processor.lint.rules;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.Ir.at;
import static dev.lamina.processor.lint.Ir.check;

import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.lint.Finding;
import dev.lamina.processor.lint.Ir;
import dev.lamina.processor.lint.LintCompilation.Model;
import dev.lamina.processor.lint.LintRule;
import dev.lamina.processor.lint.RuleCompilationTest;
import dev.lamina.processor.lint.Textbook;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostLayerNormTest extends RuleCompilationTest {
    private final PostLayerNorm rule = new PostLayerNorm();

    @Override
    protected LintRule rule() {
        return rule;
    }

    @Override
    protected boolean usesBlocks() {
        return true;
    }

    /** BERT's encoder, two layers: four Post-LN units. */
    @Override
    protected Model positiveModel() {
        return new Model("input = {8}, tokens = true",
                "@Embedding(vocabulary = 20, dim = 8) Layer tokens();",
                "@PositionalEmbedding Layer position();",
                "@Repeat(value = EncoderLayer.class, times = 2) Layer encoder();",
                "@GlobalAvgPool1d Layer pool();",
                "@Dense(2) Layer classifier();",
                "@Block interface EncoderLayer {",
                "    @Residual(SelfAttention.class) Layer attention();",
                "    @LayerNorm Layer ln1();",
                "    @Residual(FeedForward.class) Layer ffn();",
                "    @LayerNorm Layer ln2();",
                "}",
                "@Block interface SelfAttention { @MultiHeadAttention(heads = 2) Layer attention(); }",
                "@Block interface FeedForward {",
                "    @Dense(16) Layer fc1();",
                "    @GELU Layer gelu();",
                "    @Dense(8) Layer fc2();",
                "}");
    }

    @Override
    protected String line() {
        return "ln1()";
    }

    @Override
    protected String message() {
        return "[Lamina/PostLayerNorm] layer norm after each residual addition (Post-LN) in a stack of units: layer"
                + " norm 'encoder[0].ln1' (line 14) normalises the sum of residual addition 'encoder[0].attention'"
                + " (line 13) and is the only layer that reads it, as in 4 residual units of this model (Post-LN, the"
                + " unit of Vaswani et al. 2017 and BERT): Xiong et al. prove that at initialisation the expected"
                + " gradients of the parameters near the output of a Post-LN Transformer are large, so training it"
                + " needs a learning-rate warm-up stage, while Pre-LN Transformers trained without one";
    }

    /** The same encoder made Pre-LN, with the final layer norm. */
    @Override
    protected Model correctedModel() {
        return new Model("input = {8}, tokens = true",
                "@Embedding(vocabulary = 20, dim = 8) Layer tokens();",
                "@PositionalEmbedding Layer position();",
                "@Repeat(value = EncoderLayer.class, times = 2) Layer encoder();",
                "@LayerNorm Layer norm();",
                "@GlobalAvgPool1d Layer pool();",
                "@Dense(2) Layer classifier();",
                "@Block interface EncoderLayer {",
                "    @Residual(SelfAttention.class) Layer attention();",
                "    @Residual(FeedForward.class) Layer ffn();",
                "}",
                "@Block interface SelfAttention { @LayerNorm Layer ln(); @MultiHeadAttention(heads = 2) Layer attention(); }",
                "@Block interface FeedForward {",
                "    @LayerNorm Layer ln();",
                "    @Dense(16) Layer fc1();",
                "    @GELU Layer gelu();",
                "    @Dense(8) Layer fc2();",
                "}");
    }

    @Test
    void irBertStackIsNotedOnceOnItsFirstLayerNorm() {
        List<Finding> f = check(rule, Textbook.bert(2));
        assertThat(at(f)).containsExactly("encoder[0].ln1");
        assertThat(f.get(0).why()).contains("as in 4 residual units of this model");
        assertThat(f.get(0).related().stream().map(LayerNode::name).toList()).containsExactly("encoder[0].attention");
        assertThat(f.get(0).fix()).isEqualTo("train with a learning-rate warm-up (Trainer.builder(...).schedule("
                + "LearningRateSchedule.warmupCosine(...))), or make the units Pre-LN: move 'encoder[0].ln1' and the"
                + " other post-addition layer norms to the start of their residual branches and add one final"
                + " @LayerNorm after the last unit, before the head");
        // Twelve layers, as BERT-Base: still one note.
        assertThat(at(check(rule, Textbook.bert(12)))).containsExactly("encoder[0].ln1");
    }

    @Test
    void irTwoUnitsAreBelowTheDefaultThreshold() {
        assertThat(check(rule, Textbook.bert(1))).isEmpty();
        assertThat(at(check(rule, Textbook.bert(1), Map.of("minUnits", "2")))).containsExactly("encoder[0].ln1");
        assertThat(check(rule, Textbook.bert(2), Map.of("minUnits", "5"))).isEmpty();
    }

    @Test
    void irPreLnStacksWithTheirFinalLayerNormAreNotMatched() {
        assertThat(check(rule, Textbook.vit())).isEmpty();
        assertThat(check(rule, Textbook.gpt())).isEmpty();
        // Even with a threshold of one unit: the final layer norm reads the last sum alone but feeds no later unit.
        assertThat(check(rule, Textbook.vit(), Map.of("minUnits", "1"))).isEmpty();
        assertThat(check(rule, Textbook.resnetBasic())).isEmpty();
    }

    @Test
    void irALayerNormThatSharesTheSumIsNotPostLn() {
        // The sum goes to the layer norm and, through the next unit's identity shortcut, to its addition.
        ModelIR shared = Ir.sequence(8, 16)
                .repeat("units", 4, u -> u.residual("res", b -> b.layerNorm("ln").dense("fc", 16)))
                .layerNorm("norm").globalAvgPool1d("pool").dense("out", 2)
                .build();
        assertThat(check(rule, shared)).isEmpty();
    }

    @Test
    void irPostLnUnitsOnVectorsAreMatchedToo() {
        ModelIR mlp = Ir.input(16)
                .repeat("units", 3, u -> u.residual("res", b -> b.dense("fc1", 32).relu("relu").dense("fc2", 16))
                        .layerNorm("ln"))
                .dense("out", 2)
                .build();
        assertThat(at(check(rule, mlp))).containsExactly("units[0].ln");
    }
}
