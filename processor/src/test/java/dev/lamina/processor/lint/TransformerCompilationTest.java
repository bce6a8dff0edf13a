package dev.lamina.processor.lint;

import static com.google.common.truth.Truth.assertThat;
import static dev.lamina.processor.lint.LintCompilation.assertNoDiagnostics;
import static dev.lamina.processor.lint.LintCompilation.assertOnly;
import static dev.lamina.processor.lint.LintCompilation.compile;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.testing.compile.Compilation;
import com.google.testing.compile.CompilationSubject;
import dev.lamina.processor.lint.LintCompilation.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.Diagnostic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Precision at the source for transformers: a ViT encoder and a GPT-style decoder stack (Pre-LN,
 * each with its final layer norm) compile through the whole processor with no diagnostic at all;
 * BERT's Post-LN encoder gets exactly the Post-LN note, which the SARIF report keeps as one note.
 */
class TransformerCompilationTest {
    /** Dosovitskiy et al. 2021: patches, linear embedding, positions, Pre-LN units, final LN, mean pooling. */
    static final Model VIT = new Model("input = {1, 28, 28}",
            "@Patches(size = 7) Layer patches();",
            "@Dense(32) Layer embed();",
            "@PositionalEmbedding Layer position();",
            "@Repeat(value = EncoderUnit.class, times = 4) Layer encoder();",
            "@LayerNorm Layer norm();",
            "@GlobalAvgPool1d Layer pool();",
            "@Dense(10) Layer head();",
            "@Block interface EncoderUnit {",
            "    @Residual(AttentionBranch.class) Layer attention();",
            "    @Residual(MlpBranch.class) Layer mlp();",
            "}",
            "@Block interface AttentionBranch {",
            "    @LayerNorm Layer ln();",
            "    @MultiHeadAttention(heads = 4, dropout = 0.1) Layer attention();",
            "    @Dropout(rate = 0.1) Layer drop();",
            "}",
            "@Block interface MlpBranch {",
            "    @LayerNorm Layer ln();",
            "    @Dense(64) Layer fc1();",
            "    @GELU Layer gelu();",
            "    @Dropout(rate = 0.1) Layer drop1();",
            "    @Dense(32) Layer fc2();",
            "    @Dropout(rate = 0.1) Layer drop2();",
            "}");

    /** Radford et al. 2019 (GPT-2): token and position embeddings, Pre-LN causal units, ln_f, logits per position. */
    static final Model GPT = new Model("input = {16}, tokens = true",
            "@Embedding(vocabulary = 50, dim = 32) Layer tokens();",
            "@PositionalEmbedding Layer position();",
            "@Dropout(rate = 0.1) Layer embedDrop();",
            "@Repeat(value = DecoderUnit.class, times = 3) Layer blocks();",
            "@LayerNorm Layer lnF();",
            "@Dense(50) Layer logits();",
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
            "    @Dense(128) Layer fc();",
            "    @GELU(approximate = GELU.Approximation.TANH) Layer gelu();",
            "    @Dense(32) Layer proj();",
            "}");

    /** Devlin et al. 2019 (BERT), two Post-LN layers: LN(x + Dropout(MHA(x))), LN(x + Dropout(MLP(x))). */
    static final Model BERT = new Model("input = {16}, tokens = true",
            "@Embedding(vocabulary = 50, dim = 32) Layer tokens();",
            "@PositionalEmbedding Layer position();",
            "@LayerNorm Layer embedNorm();",
            "@Dropout(rate = 0.1) Layer embedDrop();",
            "@Repeat(value = EncoderLayer.class, times = 2) Layer encoder();",
            "@GlobalAvgPool1d Layer pool();",
            "@Dense(2) Layer classifier();",
            "@Block interface EncoderLayer {",
            "    @Residual(SelfAttention.class) Layer attention();",
            "    @LayerNorm Layer ln1();",
            "    @Residual(FeedForward.class) Layer ffn();",
            "    @LayerNorm Layer ln2();",
            "}",
            "@Block interface SelfAttention {",
            "    @MultiHeadAttention(heads = 4, dropout = 0.1) Layer attention();",
            "    @Dropout(rate = 0.1) Layer drop();",
            "}",
            "@Block interface FeedForward {",
            "    @Dense(128) Layer fc1();",
            "    @GELU Layer gelu();",
            "    @Dense(32) Layer fc2();",
            "    @Dropout(rate = 0.1) Layer drop();",
            "}");

    @Test
    void vitEncoderCompilesWithoutAnyDiagnostic() {
        assertNoDiagnostics(compile(VIT.source()));
    }

    @Test
    void gptDecoderStackCompilesWithoutAnyDiagnostic() {
        assertNoDiagnostics(compile(GPT.source()));
    }

    @Test
    void bertPostLnStackGetsExactlyThePostLnNote() {
        var source = BERT.source();
        Compilation c = compile(source);
        Diagnostic<?> d = assertOnly(c, "PostLayerNorm", Diagnostic.Kind.NOTE);
        assertThat(d.getMessage(null)).contains("layer norm 'encoder[0].ln1' (line 16)");
        CompilationSubject.assertThat(c).succeeded();
        CompilationSubject.assertThat(c).hadNoteContaining("[Lamina/PostLayerNorm]").inFile(source)
                .onLineContaining("ln1()");
    }

    @Test
    void bertPostLnNoteIsOneSarifNote(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("lint.sarif");
        compile(BERT.source(), "-Alamina.report=" + report);
        JsonArray results = JsonParser.parseString(Files.readString(report)).getAsJsonObject()
                .getAsJsonArray("runs").get(0).getAsJsonObject().getAsJsonArray("results");
        assertThat(results.size()).isEqualTo(1);
        JsonObject result = results.get(0).getAsJsonObject();
        assertThat(result.get("ruleId").getAsString()).isEqualTo("PostLayerNorm");
        assertThat(result.get("level").getAsString()).isEqualTo("note");
        assertThat(result.getAsJsonArray("locations").get(0).getAsJsonObject().getAsJsonObject("physicalLocation")
                .getAsJsonObject("region").get("startLine").getAsInt()).isEqualTo(16);
        assertThat(result.has("suppressions")).isFalse();
    }

    /** Dropout after a decoder's logits per position is an error, as after a vector's logits. */
    @Test
    void dropoutAfterTheLogitsPerPositionIsAnError() {
        String[] layers = java.util.Arrays.copyOf(GPT.layers(), GPT.layers().length + 1);
        System.arraycopy(layers, 6, layers, 7, layers.length - 7);
        layers[6] = "@Dropout(rate = 0.1) Layer outDrop();";
        Model model = new Model(GPT.sequential(), layers);
        var source = model.source();
        Compilation c = compile(source);
        assertOnly(c, "StochasticLayerAfterOutput", Diagnostic.Kind.ERROR);
        CompilationSubject.assertThat(c).hadErrorContaining("[Lamina/StochasticLayerAfterOutput]").inFile(source)
                .onLineContaining("outDrop()");
    }

    /** Suppressed where a project that warms up would put it: on the block's layer norm, or the model. */
    @Test
    void bertPostLnNoteIsSuppressible() {
        assertNoDiagnostics(compile(BERT.source(null, "ln1()", "@SuppressWarnings(\"Lamina/PostLayerNorm\")")));
        assertNoDiagnostics(compile(BERT.source("@SuppressWarnings(\"Lamina/PostLayerNorm\")", null, null)));
        assertNoDiagnostics(compile(BERT.source(), "-Alamina.lint.PostLayerNorm=OFF"));
    }
}
