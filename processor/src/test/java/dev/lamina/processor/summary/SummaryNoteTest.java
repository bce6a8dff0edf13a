package dev.lamina.processor.summary;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.lamina.processor.LaminaProcessor;
import dev.lamina.processor.testing.GeneratedClassLoader;
import dev.lamina.processor.testing.Models;
import dev.lamina.runtime.model.Model;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The compile-time summary NOTE ({@code -Alamina.summary=true}) against the run-time
 * {@code Model.summary}: the processor renders its table from the IR, the runtime from the generated
 * class, and the two texts must be identical, so that neither drifts.
 */
class SummaryNoteTest {
    private static final String SEED_SEQUENTIAL = "input = {1, 28, 28}, loss = Loss.SOFTMAX_CROSS_ENTROPY";
    private static final String TITLE = "[Lamina/Summary] summary of SeedNet (LaminaSeedNet.create(seed)):\n";

    private static Compilation compile(JavaFileObject source, String... options) {
        return Compiler.javac().withProcessors(new LaminaProcessor()).withOptions((Object[]) options).compile(source);
    }

    private static List<String> notes(Compilation c) {
        return c.diagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.NOTE)
                .map(d -> d.getMessage(null))
                .filter(m -> m.startsWith("[Lamina/Summary] summary of "))
                .toList();
    }

    /** javac indents the continuation lines of a diagnostic by two spaces. */
    private static String unindent(String text) {
        return text.lines()
                .peek(l -> assertThat(l).startsWith("  "))
                .map(l -> l.substring(2))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    private static Model create(Compilation c, String generated) throws ReflectiveOperationException {
        Class<?> type = new GeneratedClassLoader(c).loadClass(generated);
        return (Model) type.getMethod("create", long.class).invoke(null, 0L);
    }

    @Test
    void noteEqualsTheGeneratedModelsSummaryForTheSeedNetwork() throws Exception {
        JavaFileObject source = Models.model("SeedNet", SEED_SEQUENTIAL, Models.SEED_LAYERS);
        for (int batchSize : new int[] {1, 128}) {
            Compilation c = compile(source, "-Alamina.summary=true", "-Alamina.summary.batchSize=" + batchSize);
            assertThat(c).succeeded();
            List<String> notes = notes(c);
            assertThat(notes).hasSize(1);
            assertThat(notes.get(0)).startsWith(TITLE);
            String table = unindent(notes.get(0).substring(TITLE.length()));

            Model model = create(c, "test.LaminaSeedNet");
            String runtime = batchSize == 1 ? model.summary() : model.summary(batchSize);
            // Line by line first, for a readable failure; then the whole text.
            assertThat(table.lines().toList()).containsExactlyElementsIn(runtime.stripTrailing().lines().toList())
                    .inOrder();
            assertThat(table).isEqualTo(runtime.stripTrailing());
            assertThat(table).contains("Activations at batch size " + batchSize + ":");
            assertThat(table).contains(" bn1     | BatchNorm | [N, 32, 26, 26] |        64 |            64 |");
            assertThat(table).contains("The generated code holds 843,754 trainable parameters: rewrites elided 96");
        }
        // Without rewrites the generated code keeps the biases, and neither text mentions them.
        Compilation kept = compile(source, "-Alamina.summary=true", "-Alamina.rewrite=false");
        String keptTable = unindent(notes(kept).get(0).substring(TITLE.length()));
        assertThat(keptTable).isEqualTo(create(kept, "test.LaminaSeedNet").summary().stripTrailing());
        assertThat(keptTable).doesNotContain("rewrites");
        // The note lands on the model interface.
        Compilation c = compile(source, "-Alamina.summary=true");
        assertThat(c).hadNoteContaining("[Lamina/Summary] summary of SeedNet").inFile(source)
                .onLineContaining("public interface SeedNet");
    }

    @Test
    void noteEqualsTheSummaryForAVectorModelWithoutBuffers() throws Exception {
        JavaFileObject source = Models.model("Mlp", "input = {20}, loss = Loss.MSE",
                "@Dense(300) Layer hidden();", "@Tanh Layer act();", "@BatchNorm Layer bn();", "@Dense(1) Layer out();");
        Compilation c = compile(source, "-Alamina.summary=true", "-Alamina.lint.RedundantBiasBeforeBatchNorm=OFF");
        assertThat(c).succeeded();
        String note = notes(c).get(0);
        String table = unindent(note.substring(note.indexOf('\n') + 1));
        String runtime = create(c, "test.LaminaMlp").summary().stripTrailing();
        assertThat(table.lines().toList()).containsExactlyElementsIn(runtime.lines().toList()).inOrder();
        assertThat(table).isEqualTo(runtime);
    }

    @Test
    void noSummaryWithoutTheOption() {
        Compilation c = compile(Models.model("SeedNet", SEED_SEQUENTIAL, Models.SEED_LAYERS));
        assertThat(c).succeeded();
        assertThat(notes(c)).isEmpty();
        Compilation off = compile(Models.model("SeedNet", SEED_SEQUENTIAL, Models.SEED_LAYERS), "-Alamina.summary=false");
        assertThat(notes(off)).isEmpty();
        // The option is declared, so javac does not warn that no processor recognised it.
        assertThat(off).hadWarningCount(2); // the lint's two RedundantBiasBeforeBatchNorm warnings
    }

    @Test
    void malformedBatchSizeIsAnErrorAndTheNoteFallsBackToTheDefault() {
        Compilation c = compile(Models.model("SeedNet", SEED_SEQUENTIAL, Models.SEED_LAYERS),
                "-Alamina.summary=true", "-Alamina.summary.batchSize=many");
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("[Lamina/BadOption] -Alamina.summary.batchSize=many: expected a positive"
                + " integer");
        assertThat(c).hadErrorCount(1);
        assertThat(notes(c).get(0)).contains("Activations at batch size 1:");
    }
}
