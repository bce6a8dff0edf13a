package dev.lamina.processor.runtime;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.testing.Models.model;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.lamina.dsl.Layer;
import dev.lamina.processor.LaminaProcessor;
import dev.lamina.processor.testing.GeneratedClassLoader;
import dev.lamina.runtime.model.LintFinding;
import dev.lamina.runtime.model.Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a generated model tells about itself at run time: the lint findings javac printed when it was
 * compiled ({@code Model.lintFindings()}), and every layer's output during a forward pass
 * ({@code Model.forward(input, training, observer)}).
 */
class GeneratedModelIntrospectionTest {
    /** Dropout straight before BatchNorm (DropoutBeforeBatchNorm) and a strided pool that drops a row. */
    private static final String[] LAYERS = {
        "@Conv2d(filters = 2, kernel = 3, bias = false) Layer conv();",
        "@ReLU Layer act();",
        "@Dropout(rate = 0.25) Layer drop();",
        "@BatchNorm Layer bn();",
        "@MaxPool2d(2) Layer pool();",
        "@Flatten Layer flatten();",
        "@Dense(3) Layer logits();",
    };

    private static Compilation compile(JavaFileObject source, String... options) {
        Compilation compilation = Compiler.javac().withProcessors(new LaminaProcessor())
                .withOptions((Object[]) options).compile(source);
        assertThat(compilation).succeeded();
        return compilation;
    }

    private static Model create(Compilation compilation, String name) throws ReflectiveOperationException {
        Class<?> generated = new GeneratedClassLoader(compilation).loadClass("test.Lamina" + name);
        return (Model) generated.getMethod("create", long.class).invoke(null, 3L);
    }

    /** The messages of the Lamina lint diagnostics javac printed, with their kinds. */
    private static List<String> printedLint(Compilation compilation) {
        List<String> printed = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : compilation.diagnostics()) {
            String message = d.getMessage(Locale.ROOT);
            if (message.startsWith("[Lamina/")) {
                printed.add(d.getKind() + " " + message);
            }
        }
        return printed;
    }

    @Test
    void lintFindings_areWhatJavacPrinted() throws Exception {
        Compilation compilation = compile(model("Net", "input = {1, 9, 9}", LAYERS));
        Model model = create(compilation, "Net");

        List<LintFinding> findings = model.lintFindings();
        assertThat(findings.stream().map(f -> f.severity() + " " + f.message()).toList())
                .containsExactlyElementsIn(printedLint(compilation))
                .inOrder();
        assertThat(findings).isNotEmpty();
        LintFinding dropoutBeforeBn = findings.stream()
                .filter(f -> f.ruleId().equals("DropoutBeforeBatchNorm"))
                .findFirst()
                .orElseThrow();
        assertThat(dropoutBeforeBn.severity()).isEqualTo("WARNING");
        assertThat(dropoutBeforeBn.layer()).isEqualTo("drop");
        assertThat(dropoutBeforeBn.message()).startsWith("[Lamina/DropoutBeforeBatchNorm] ");
        for (LintFinding f : findings) {
            assertThat(f.message()).startsWith("[Lamina/" + f.ruleId() + "] ");
        }
    }

    @Test
    void lintFindings_leaveOutSuppressedAndOffRules() throws Exception {
        String[] layers = LAYERS.clone();
        layers[2] = "@SuppressWarnings(\"Lamina/DropoutBeforeBatchNorm\") " + layers[2];
        Compilation compilation = compile(model("Net", "input = {1, 9, 9}", layers),
                "-Alamina.lint.StrictWindowTruncation=OFF");
        List<String> ids = create(compilation, "Net").lintFindings().stream().map(LintFinding::ruleId).toList();

        assertThat(ids).doesNotContain("DropoutBeforeBatchNorm");
        assertThat(ids).doesNotContain("StrictWindowTruncation");
        assertThat(ids.size()).isEqualTo(printedLint(compilation).size());
    }

    @Test
    void lintFindings_emptyWithoutFindings() throws Exception {
        Compilation compilation = compile(model("Clean", "input = {4}",
                "@Dense(3) Layer hidden();", "@Tanh Layer act();", "@Dense(2) Layer logits();"));
        assertThat(printedLint(compilation)).isEmpty();

        assertThat(create(compilation, "Clean").lintFindings()).isEmpty();
    }

    @Test
    void forwardWithObserver_seesEveryLayerOutputInOrder() throws Exception {
        Model model = create(compile(model("Net", "input = {1, 9, 9}", LAYERS)), "Net");
        INDArray input = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 1, 9, 9);
        List<String> names = new ArrayList<>();
        List<long[]> shapes = new ArrayList<>();
        List<INDArray> outputs = new ArrayList<>();

        INDArray result = model.forward(input, false, (layer, output) -> {
            names.add(layer);
            shapes.add(output.shape());
            outputs.add(output.dup());
        });

        assertThat(names).containsExactlyElementsIn(model.layers().stream().map(Layer::name).toList()).inOrder();
        for (int i = 0; i < names.size(); i++) {
            int[] example = model.layers().get(i).outputShape();
            long[] expected = new long[example.length + 1];
            expected[0] = 4;
            for (int a = 0; a < example.length; a++) {
                expected[a + 1] = example[a];
            }
            assertThat(Arrays.toString(shapes.get(i))).isEqualTo(Arrays.toString(expected));
        }
        assertThat(outputs.get(outputs.size() - 1)).isEqualTo(result);
        // Same pass as without the observer: inference is deterministic.
        assertThat(model.forward(input, false)).isEqualTo(result);
        // In inference mode dropout is the identity.
        assertThat(outputs.get(names.indexOf("drop"))).isEqualTo(outputs.get(names.indexOf("act")));
    }

    @Test
    void forwardWithObserver_observerIsDroppedAfterThePass() throws Exception {
        Model model = create(compile(model("Net", "input = {1, 9, 9}", LAYERS)), "Net");
        INDArray input = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 1, 9, 9);
        List<String> seen = new ArrayList<>();
        model.forward(input, true, (layer, output) -> seen.add(layer));
        int afterFirst = seen.size();

        model.forward(input, false);
        assertThat(seen).hasSize(afterFirst);

        // An observer that throws ends the pass, and is dropped as well.
        RuntimeException thrown = assertThrows(IllegalStateException.class,
                () -> model.forward(input, false, (layer, output) -> {
                    throw new IllegalStateException("stop at " + layer);
                }));
        assertThat(thrown).hasMessageThat().isEqualTo("stop at conv");
        model.forward(input, false);
        assertThrows(NullPointerException.class, () -> model.forward(input, false, null));
    }
}
