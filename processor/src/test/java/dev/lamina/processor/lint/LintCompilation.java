package dev.lamina.processor.lint;

import static com.google.common.truth.Truth.assertWithMessage;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.lamina.processor.LaminaProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;

/** Compiles model sources with the full Lamina processor and inspects the diagnostics. */
public final class LintCompilation {
    private LintCompilation() {}

    /** A model declaration: {@code @Sequential(<sequential>)} over one layer per line. */
    public record Model(String sequential, String... layers) {
        /**
         * {@code test/Net.java}. {@code interfaceAnnotation} (or null) goes on its own line above
         * {@code @Sequential}; {@code layerAnnotation} (or null) is put in front of the layer whose
         * line contains {@code layerMarker}.
         */
        public JavaFileObject source(String interfaceAnnotation, String layerMarker, String layerAnnotation) {
            List<String> lines = new ArrayList<>();
            lines.add("package test;");
            lines.add("");
            lines.add("import dev.lamina.dsl.*;");
            lines.add("");
            if (interfaceAnnotation != null) {
                lines.add(interfaceAnnotation);
            }
            lines.add("@Sequential(" + sequential + ")");
            lines.add("public interface Net {");
            for (String layer : layers) {
                boolean annotate = layerAnnotation != null && layer.contains(layerMarker);
                lines.add("    " + (annotate ? layerAnnotation + " " : "") + layer);
            }
            lines.add("}");
            return JavaFileObjects.forSourceLines("test.Net", lines);
        }

        public JavaFileObject source() {
            return source(null, null, null);
        }
    }

    /** Compiles {@code source} with {@link LaminaProcessor} and the given {@code -A...} options. */
    public static Compilation compile(JavaFileObject source, String... options) {
        return Compiler.javac().withProcessors(new LaminaProcessor()).withOptions((Object[]) options).compile(source);
    }

    /**
     * Compiles {@code source} with a processor that only reads, infers shapes and lints
     * ({@link dev.lamina.processor.testing.ReadInferLintProcessor}): no rewrites, no generated code.
     */
    public static Compilation compileLintOnly(JavaFileObject source, String... options) {
        return Compiler.javac().withProcessors(new dev.lamina.processor.testing.ReadInferLintProcessor())
                .withOptions((Object[]) options).compile(source);
    }

    /** Whether the DSL on the test class path has the block annotations ({@code @Block}, {@code @Residual}, ...). */
    public static boolean dslHasBlocks() {
        try {
            Class.forName("dev.lamina.dsl.Residual");
            Class.forName("dev.lamina.dsl.Block");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Every diagnostic of the compilation, from javac and from every stage of the processor. */
    public static List<Diagnostic<? extends JavaFileObject>> diagnostics(Compilation compilation) {
        return List.copyOf(compilation.diagnostics());
    }

    /** Asserts that the compilation printed no diagnostic at all: no error, warning or note. */
    public static void assertNoDiagnostics(Compilation compilation) {
        assertWithMessage("diagnostics").that(render(diagnostics(compilation))).isEmpty();
    }

    /**
     * Asserts that the compilation printed exactly one diagnostic, of {@code kind}, from rule
     * {@code ruleId}, and returns it. Any other diagnostic fails the test (Error Prone's
     * "Saw unexpected error").
     */
    public static Diagnostic<? extends JavaFileObject> assertOnly(Compilation compilation, String ruleId,
            Diagnostic.Kind kind) {
        List<Diagnostic<? extends JavaFileObject>> all = diagnostics(compilation);
        assertWithMessage("diagnostics").that(render(all)).hasSize(1);
        Diagnostic<? extends JavaFileObject> d = all.get(0);
        assertWithMessage("kind of %s", render(all)).that(d.getKind()).isEqualTo(kind);
        assertWithMessage("message").that(d.getMessage(Locale.ROOT)).startsWith("[Lamina/" + ruleId + "] ");
        return d;
    }

    /** {@code WARNING Net.java:12: [Lamina/...] ...}, one string per diagnostic, for readable failures. */
    public static List<String> render(List<Diagnostic<? extends JavaFileObject>> diagnostics) {
        return diagnostics.stream()
                .map(d -> d.getKind() + " " + (d.getSource() == null ? "-" : d.getSource().getName()) + ":"
                        + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
                .collect(Collectors.toList());
    }
}
