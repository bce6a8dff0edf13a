package dev.lamina.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import dev.lamina.processor.diag.Messages;
import dev.lamina.processor.testing.Models;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Layer names that would clash with what the generated class inherits or declares. */
class GeneratedNameClashTest {
    private static final String SEQUENTIAL = "input = {1, 6, 6}, loss = Loss.SOFTMAX_CROSS_ENTROPY";

    @Test
    void aNoArgumentMethodOfTheBaseClassIsAnErrorOnTheLayer() {
        JavaFileObject source = Models.model("Clash", SEQUENTIAL,
                "@Flatten Layer flatten();",
                "@Dense(3) Layer finishTrainingForward();");

        Compilation c = Models.compileWithLamina(source);

        assertThat(c).hadErrorContaining(Messages.clashesWithGeneratedMethod("finishTrainingForward", "GeneratedModel"))
                .inFile(source).onLineContaining("finishTrainingForward()");
        assertThat(c).hadErrorCount(1);
    }

    @Test
    void aLayerNamedToStringIsALaminaErrorOnTheLayer() {
        // GeneratedModel overrides toString(); the generated class must not be where this fails.
        JavaFileObject source = Models.model("ToStringLayer", "input = {4}",
                "@Dense(10) Layer toString();");

        Compilation c = Models.compileWithLamina(source);

        assertThat(c).hadErrorContaining(Messages.clashesWithGeneratedMethod("toString", "GeneratedModel"))
                .inFile(source).onLineContaining("toString()");
        assertThat(c).hadErrorCount(1);
    }

    @Test
    void layersNamedLikeGeneratedConstantsAreRenamedAround() {
        // A bias before BatchNorm draws a lint finding, so the class declares LINT_FINDINGS; the
        // layer names also spell BN_MOMENTUM and LINT_FINDINGS.
        JavaFileObject source = Models.model("Constants", SEQUENTIAL,
                "@Conv2d(filters = 2, kernel = 3) Layer conv();",
                "@BatchNorm Layer bn();",
                "@ReLU Layer bnMomentum();",
                "@Flatten Layer flatten();",
                "@Dense(3) Layer lint_findings();");

        Compilation c = Models.compileWithLamina(source);

        assertThat(c).succeeded();
        assertThat(c).hadWarningContaining("[Lamina/RedundantBiasBeforeBatchNorm]");
        assertThat(c).generatedSourceFile("test.LaminaConstants").contentsAsUtf8String()
                .contains("LINT_FINDINGS_");
    }
}
