package dev.lamina.processor.codegen;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.codegen.IrBuilder.dense;
import static dev.lamina.processor.codegen.IrBuilder.flatten;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.lamina.processor.ir.Loss;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.rewrite.Rewrites;
import dev.lamina.processor.testing.AnyAnnotationProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Runs the generator inside javac, with the model's real {@link TypeElement} (which hand-built IR
 * lacks), until the reader exists: a stub processor pairs the element with hand-built layers.
 */
class ModelGeneratorInProcessorTest {

    /** Generates {@code model} for each {@code @Sequential} interface, with the interface as its element. */
    private static final class StubProcessor extends AnyAnnotationProcessor {
        private final ModelIR model;

        /**
         * Claims everything (it supports {@code "*"}), including {@code @Generated} on the generated
         * class in round two, so that {@code -Xlint:processing} has no unclaimed annotations to report.
         */
        StubProcessor(ModelIR model) {
            this.model = model;
        }

        @Override
        public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
            for (Element element : round.getElementsAnnotatedWith(dev.lamina.dsl.Sequential.class)) {
                ModelIR withElement = ModelIR.of(model.packageName(), model.interfaceName(), (TypeElement) element,
                        model.input(), model.loss(), model.layers());
                try {
                    ModelGenerator.generate(Rewrites.plan(withElement, withElement, true), List.of())
                            .writeTo(processingEnv.getFiler());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return true;
        }
    }

    @Test
    void memberTypesOfTheInterface_doNotShadowRuntimeTypes() throws IOException {
        // The interface declares member types named like a kernel and a runtime class; the generated
        // class inherits them, so it must qualify the runtime's.
        JavaFileObject source = JavaFileObjects.forSourceLines("test.Clashing",
                "package test;",
                "import dev.lamina.dsl.*;",
                "@Sequential(input = {2, 3, 3})",
                "public interface Clashing {",
                "    @Flatten Layer flatten();",
                "    @Dense(4) Layer logits();",
                "    final class Init {}",
                "    interface Parameter {}",
                "}");
        ModelIR model = IrBuilder.model("Clashing", Loss.SOFTMAX_CROSS_ENTROPY, 2, 3, 3)
                .layer("flatten", flatten(), 18)
                .layer("logits", dense(4), 4)
                .build();

        Compilation compilation = Compiler.javac()
                .withProcessors(new StubProcessor(model))
                .withOptions("-Xlint:all", "-Werror")
                .compile(source);

        assertThat(compilation).succeededWithoutWarnings();
        String generated = compilation.generatedSourceFile("test.LaminaClashing").orElseThrow()
                .getCharContent(false).toString();
        assertThat(generated).contains("public final class LaminaClashing extends GeneratedModel implements Clashing {");
        assertThat(generated).contains("dev.lamina.runtime.kernel.Init.uniformFanIn(");
        assertThat(generated).contains("private final dev.lamina.runtime.model.Parameter logitsWeight;");
        assertThat(generated).doesNotContain("import dev.lamina.runtime.kernel.Init;");
    }

    @Test
    void constantsOfTheInterface_doNotShadowRuntimeTypes() throws IOException {
        // Found by the fuzz suite: in 'Init.uniformFanIn(...)' and 'new BatchNorm.Cache()' a constant
        // named Init or BatchNorm, inherited from the interface, wins over the imported type.
        JavaFileObject source = JavaFileObjects.forSourceLines("test.Shadowing",
                "package test;",
                "import dev.lamina.dsl.*;",
                "@Sequential(input = {2, 3, 3})",
                "public interface Shadowing {",
                "    int Init = 1;",
                "    int BatchNorm = 2;",
                "    int Math = 3;",
                "    int Arrays = 4;",
                "    @BatchNorm Layer bn();",
                "    @Flatten Layer flatten();",
                "    @Dense(4) Layer logits();",
                "}");
        ModelIR model = IrBuilder.model("Shadowing", Loss.SOFTMAX_CROSS_ENTROPY, 2, 3, 3)
                .layer("bn", IrBuilder.batchNorm(), 2, 3, 3)
                .layer("flatten", flatten(), 18)
                .layer("logits", dense(4), 4)
                .build();

        Compilation compilation = Compiler.javac()
                .withProcessors(new StubProcessor(model))
                .withOptions("-Xlint:all", "-Werror")
                .compile(source);

        assertThat(compilation).succeededWithoutWarnings();
        String generated = compilation.generatedSourceFile("test.LaminaShadowing").orElseThrow()
                .getCharContent(false).toString();
        assertThat(generated).contains("dev.lamina.runtime.kernel.Init.uniformFanIn(");
        assertThat(generated).contains("new dev.lamina.runtime.kernel.BatchNorm.Cache()");
    }
}
