package dev.lamina.processor.testing;

import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.lamina.processor.LaminaProcessor;
import dev.lamina.processor.ir.ModelIR;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;

/** Builds model sources for tests and compiles them. */
public final class Models {
    private Models() {}

    private static final String MEMBER_INDENT = "    ";

    /** The seed network of the issue, one layer per line. */
    public static final String[] SEED_LAYERS = {
        "@Conv2d(filters = 32, kernel = 3) Layer conv1();",
        "@BatchNorm Layer bn1();",
        "@ELU Layer act1();",
        "@Dropout(rate = 0.2) Layer drop1();",
        "@MaxPool2d(2) Layer pool1();",
        "@Conv2d(filters = 64, kernel = 3) Layer conv2();",
        "@BatchNorm Layer bn2();",
        "@ELU Layer act2();",
        "@Dropout(rate = 0.3) Layer drop2();",
        "@MaxPool2d(2) Layer pool2();",
        "@Flatten Layer flatten();",
        "@Dense(512) Layer fc1();",
        "@ELU Layer act3();",
        "@Dense(10) Layer logits();",
    };

    /**
     * {@code package test;} with the DSL imported, and {@code @Sequential(<sequentialArgs>) public
     * interface <name>} whose body is {@code members}, one per line.
     */
    public static JavaFileObject model(String name, String sequentialArgs, String... members) {
        List<String> lines = new ArrayList<>();
        lines.add("package test;");
        lines.add("");
        lines.add("import dev.lamina.dsl.*;");
        lines.add("");
        lines.add("@Sequential(" + sequentialArgs + ")");
        lines.add("public interface " + name + " {");
        for (String member : members) {
            lines.add(MEMBER_INDENT + member);
        }
        lines.add("}");
        return source(name, lines.toArray(String[]::new));
    }

    /** A source file {@code test/<name>.java} with the given lines. */
    public static JavaFileObject source(String name, String... lines) {
        return JavaFileObjects.forSourceLines("test." + name, lines);
    }

    /** Compiles with the full Lamina processor. */
    public static Compilation compileWithLamina(JavaFileObject... sources) {
        return Compiler.javac().withProcessors(new LaminaProcessor()).compile(sources);
    }

    /**
     * Reads and infers the single model in {@code source} with {@link ReadAndInferProcessor},
     * asserting that compilation succeeded without any diagnostic from the two stages.
     */
    public static ModelIR readAndInfer(JavaFileObject source) {
        ReadAndInferProcessor processor = new ReadAndInferProcessor();
        Compilation compilation = Compiler.javac().withProcessors(processor).compile(source);
        assertThat(compilation).succeeded();
        assertWithMessage("diagnostics of read and infer").that(processor.items()).isEmpty();
        assertWithMessage("models").that(processor.models()).hasSize(1);
        return processor.models().values().iterator().next();
    }

    /**
     * Asserts an error containing {@code message} in {@code source}, on the only line containing
     * {@code lineMarker}, at the column where {@code columnMarker} starts on that line. Pins the
     * exact source a diagnostic is attached to: an annotation value, an annotation or a method name.
     */
    public static void assertErrorAt(Compilation compilation, String message, JavaFileObject source,
            String lineMarker, String columnMarker) {
        List<String> lines = lines(source);
        List<Integer> matches = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(lineMarker)) {
                matches.add(i);
            }
        }
        if (matches.size() != 1) {
            throw new IllegalArgumentException("'" + lineMarker + "' is on " + matches.size() + " lines");
        }
        String line = lines.get(matches.get(0));
        int column = line.indexOf(columnMarker);
        if (column < 0) {
            throw new IllegalArgumentException("'" + columnMarker + "' is not in: " + line);
        }
        assertThat(compilation).hadErrorContaining(message).inFile(source)
                .onLine(matches.get(0) + 1)
                .atColumn(column + 1);
    }

    private static List<String> lines(JavaFileObject source) {
        try {
            return source.getCharContent(true).toString().lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
