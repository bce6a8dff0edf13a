package dev.lamina.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.testing.Models.model;
import static dev.lamina.processor.testing.Models.source;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Layer annotations outside a model are errors; a valid model adds no warning to a strict build. */
class DslAnnotationsTest {

    private static Compiler javac(String... options) {
        return Compiler.javac().withProcessors(new LaminaProcessor()).withOptions((Object[]) options);
    }

    @Test
    void validModelCompilesUnderXlintAllWerror() {
        // Without -processing, as the README says: -Xlint:processing lists every annotation that no
        // processor claims, @Generated on generated code included, whatever generated it.
        Compilation compilation = javac("-Xlint:all,-processing", "-Werror").compile(model("Mlp", "input = 784",
                "@Dense(64) Layer fc1();",
                "@ReLU Layer act1();",
                "@Dropout(rate = 0.1) Layer drop1();",
                "@Dense(10) Layer logits();"));
        assertThat(compilation).succeededWithoutWarnings();
    }

    @Test
    void layerAnnotationOutsideAModelIsAnErrorOnTheAnnotation() {
        JavaFileObject notAModel = source("NotAModel",
                "package test;",
                "",
                "import dev.lamina.dsl.*;",
                "",
                "public interface NotAModel {",
                "    @Dense(10) Layer fc();",
                "}");
        Compilation compilation = javac().compile(notAModel);
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation).hadErrorContaining("@Dense on 'fc' in 'NotAModel' has no effect")
                .inFile(notAModel).onLine(6).atColumn(5);
        assertThat(compilation).hadErrorContaining("annotate the interface with @Sequential");
    }
}
