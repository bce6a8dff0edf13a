package dev.lamina.processor.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.lamina.processor.ir.Shape;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Java literals and comment text for generated code. */
final class Literals {
    private Literals() {}

    /** A {@code double} literal that reads back to exactly {@code value}, e.g. {@code 0.2} or {@code 1.0E-5}. */
    static String doubleLiteral(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("not a finite double: " + value);
        }
        return Double.toString(value);
    }

    /** {@code new long[] {32, 1, 3, 3}}. */
    static CodeBlock longArray(long... values) {
        return CodeBlock.of("new long[] {$L}", join(Arrays.stream(values).mapToObj(Long::toString).toArray()));
    }

    /** The array initializer {@code {1, 28, 28}}. */
    static CodeBlock intArrayInitializer(int... values) {
        return CodeBlock.of("{$L}", join(Arrays.stream(values).mapToObj(Integer::toString).toArray()));
    }

    /** {@code new int[] {32, 26, 26}}. */
    static CodeBlock intArray(int... values) {
        return CodeBlock.of("new int[] $L", intArrayInitializer(values));
    }

    /** A batch of examples of {@code shape}: {@code [N, 32, 26, 26]}. */
    static String batchShape(Shape shape) {
        StringBuilder s = new StringBuilder("[N");
        for (int d : shape.dims()) {
            s.append(", ").append(d);
        }
        return s.append(']').toString();
    }

    /** {@code [32, 1, 3, 3]}. */
    static String shape(long... dims) {
        return Arrays.toString(dims);
    }

    /** {@code 1,234,567}, independent of the default locale. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Comma-separated arguments with wrap points, for calls that may exceed the line width. */
    static CodeBlock arguments(CodeBlock... arguments) {
        return CodeBlock.join(Arrays.asList(arguments), ",$W");
    }

    private static String join(Object[] values) {
        return Arrays.stream(values).map(Object::toString).collect(Collectors.joining(", "));
    }
}
