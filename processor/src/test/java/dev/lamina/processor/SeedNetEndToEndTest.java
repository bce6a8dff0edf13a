package dev.lamina.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.lamina.processor.testing.Models;
import java.util.Arrays;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** The seed network through the whole processor: read, infer, lint, generate, compile. */
class SeedNetEndToEndTest {
    private static final String SEQUENTIAL = "input = {1, 28, 28}, loss = Loss.SOFTMAX_CROSS_ENTROPY";

    @Test
    void seedNetworkCompilesAndGeneratesItsModel() {
        JavaFileObject source = Models.model("SeedNet", SEQUENTIAL, Models.SEED_LAYERS);
        Compilation c = Compiler.javac().withProcessors(new LaminaProcessor()).compile(source);

        assertThat(c).succeeded();
        assertThat(c).generatedSourceFile("test.LaminaSeedNet")
                .contentsAsUtf8String().contains("public final class LaminaSeedNet extends GeneratedModel implements SeedNet");
        // The only warnings are the lint's, on the two convolutions whose bias BatchNorm cancels.
        List<String> warnings = c.diagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.WARNING)
                .map(d -> d.getMessage(null).substring(0, d.getMessage(null).indexOf(']') + 1))
                .toList();
        assertThat(warnings).containsExactly(
                "[Lamina/RedundantBiasBeforeBatchNorm]", "[Lamina/RedundantBiasBeforeBatchNorm]");
        assertThat(c).hadWarningContaining("RedundantBiasBeforeBatchNorm").inFile(
                c.sourceFiles().get(0)).onLineContaining("filters = 32");
    }

    @Test
    void generatedSeedModelCompilesUnderXlintAllWerror() {
        // The declared seed network draws two lint warnings (a bias before BatchNorm); without the
        // biases the model must compile with every javac lint enabled as an error.
        String[] layers = Arrays.stream(Models.SEED_LAYERS)
                .map(l -> l.replace("kernel = 3)", "kernel = 3, bias = false)"))
                .toArray(String[]::new);
        Compilation c = Compiler.javac()
                .withProcessors(new LaminaProcessor())
                .withOptions("-Xlint:all,-processing", "-Werror")
                .compile(Models.model("SeedNet", SEQUENTIAL, layers));

        assertThat(c).succeededWithoutWarnings();
        assertThat(c).generatedSourceFile("test.LaminaSeedNet");
    }
}
