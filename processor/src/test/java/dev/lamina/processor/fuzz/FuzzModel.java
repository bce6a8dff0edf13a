package dev.lamina.processor.fuzz;

import dev.lamina.processor.ir.Loss;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code @Sequential} interface as the fuzzer declares it, before it is written out as source:
 * the input, the loss, and the members in declaration order. Layer members may be malformed on
 * purpose (no annotation, two annotations, wrong return type, a body, ...). Mutable while the
 * {@link ModelFactory} builds and corrupts it; read-only afterwards.
 */
final class FuzzModel {
    /** The layer annotations, with their simple names. */
    enum Kind {
        CONV2D("Conv2d"), DENSE("Dense"), BATCH_NORM("BatchNorm"), RELU("ReLU"), ELU("ELU"),
        LEAKY_RELU("LeakyReLU"), TANH("Tanh"), SIGMOID("Sigmoid"), SOFTMAX("Softmax"), DROPOUT("Dropout"),
        MAX_POOL("MaxPool2d"), AVG_POOL("AvgPool2d"), FLATTEN("Flatten");

        final String annotation;

        Kind(String annotation) {
            this.annotation = annotation;
        }

        boolean isPool() {
            return this == MAX_POOL || this == AVG_POOL;
        }
    }

    /**
     * An annotation value as written in source.
     *
     * @param text   the Java expression written, e.g. {@code 4}, {@code -0.5}, {@code Double.NaN}
     * @param value  what javac computes: Integer, Double, Boolean, or an enum constant's name
     * @param anchor offset in {@code text} where javac places a diagnostic on this value (the start
     *               of a literal or unary minus, the last dot of a qualified name)
     */
    record Value(String text, Object value, int anchor) {
        static Value ofInt(int v) {
            if (v == Integer.MIN_VALUE) {
                return qualified("Integer.MIN_VALUE", v);
            }
            if (v == Integer.MAX_VALUE) {
                return qualified("Integer.MAX_VALUE", v);
            }
            return new Value(Integer.toString(v), v, 0);
        }

        static Value ofDouble(double v) {
            if (Double.isNaN(v)) {
                return qualified("Double.NaN", v);
            }
            if (v == Double.POSITIVE_INFINITY) {
                return qualified("Double.POSITIVE_INFINITY", v);
            }
            if (v == Double.NEGATIVE_INFINITY) {
                return qualified("Double.NEGATIVE_INFINITY", v);
            }
            if (v == Double.MIN_VALUE) {
                return qualified("Double.MIN_VALUE", v);
            }
            return new Value(Double.toString(v), v, 0);
        }

        static Value ofBoolean(boolean v) {
            return new Value(Boolean.toString(v), v, 0);
        }

        /** {@code Padding.SAME}: javac points at the dot. */
        static Value ofPadding(String constant) {
            return qualified("Padding." + constant, constant);
        }

        /** A named interface constant holding {@code v}; javac points at the name. */
        static Value ofConstant(String name, int v) {
            return new Value(name, v, 0);
        }

        private static Value qualified(String text, Object value) {
            return new Value(text, value, text.lastIndexOf('.'));
        }

        int intValue() {
            return (Integer) value;
        }

        double doubleValue() {
            return (Double) value;
        }
    }

    /** One member of the interface. */
    sealed interface Member permits LayerMember, HelperMember {}

    /**
     * A method that declares (or tries to declare) a layer.
     *
     * @param kind            its layer annotation
     * @param name            the method name
     * @param values          annotation members written, in source order
     * @param annotated       false: the annotation is left out
     * @param extra           a second layer annotation written after the first, or null
     * @param returnType      simple return type; {@code Layer} unless malformed
     * @param parameters      the parameter list's text; empty unless malformed
     * @param typeParameters  type parameters' text (e.g. {@code <T>}); empty unless malformed
     * @param body            {@code default} or {@code static} for a method with a body, else null
     */
    record LayerMember(Kind kind, String name, Map<String, Value> values, boolean annotated, Kind extra,
            String returnType, String parameters, String typeParameters, String body) implements Member {
        LayerMember {
            values = new LinkedHashMap<>(values);
        }

        static LayerMember of(Kind kind, String name, Map<String, Value> values) {
            return new LayerMember(kind, name, values, true, null, "Layer", "", "", null);
        }

        /** A well-formed layer declaration: one annotation, abstract, no parameters, returns Layer. */
        boolean isWellFormed() {
            return annotated && extra == null && returnType.equals("Layer") && parameters.isEmpty()
                    && typeParameters.isEmpty() && body == null;
        }

        /** Whether the reader treats it as a layer method (abstract), however malformed. */
        boolean isAbstract() {
            return body == null;
        }

        LayerMember with(String member, Value value) {
            Map<String, Value> copy = new LinkedHashMap<>(values);
            copy.put(member, value);
            return new LayerMember(kind, name, copy, annotated, extra, returnType, parameters, typeParameters, body);
        }

        LayerMember unannotated() {
            return new LayerMember(kind, name, values, false, extra, returnType, parameters, typeParameters, body);
        }

        LayerMember withExtra(Kind second) {
            return new LayerMember(kind, name, values, annotated, second, returnType, parameters, typeParameters, body);
        }

        LayerMember returning(String type) {
            return new LayerMember(kind, name, values, annotated, extra, type, parameters, typeParameters, body);
        }

        LayerMember withParameters(String params) {
            return new LayerMember(kind, name, values, annotated, extra, returnType, params, typeParameters, body);
        }

        LayerMember withTypeParameters(String params) {
            return new LayerMember(kind, name, values, annotated, extra, returnType, parameters, params, body);
        }

        LayerMember withBody(String modifier) {
            return new LayerMember(kind, name, values, annotated, extra, returnType, parameters, typeParameters,
                    modifier);
        }

        LayerMember renamed(String newName) {
            return new LayerMember(kind, newName, values, annotated, extra, returnType, parameters, typeParameters,
                    body);
        }
    }

    /** A member that is not a layer (a constant, a helper method, a nested type): lines of source. */
    record HelperMember(List<String> lines) implements Member {
        HelperMember {
            lines = List.copyOf(lines);
        }
    }

    final int index;
    final String packageName;
    final String name;
    /** Simple name of a class or interface the model is nested in, or null for a top-level model. */
    final String outer;
    final boolean outerIsInterface;
    int[] input;
    /** Write {@code input = 4} rather than {@code input = {4}} for one entry. */
    boolean scalarInput;
    Loss loss;
    /** Whether {@code loss = ...} is written (it must be when the loss is not the default). */
    boolean writeLoss;
    final List<Member> members = new ArrayList<>();
    /** What the factory did to make it invalid (or "valid", "huge valid"), for the statistics. */
    String fault = "valid";
    /** False for valid models too large to instantiate in a test (compile only). */
    boolean runnable = true;

    FuzzModel(int index, String packageName, String name, String outer, boolean outerIsInterface) {
        this.index = index;
        this.packageName = packageName;
        this.name = name;
        this.outer = outer;
        this.outerIsInterface = outerIsInterface;
    }

    /** The layer members, in order (helpers left out). */
    List<LayerMember> layerMembers() {
        return members.stream().filter(LayerMember.class::isInstance).map(LayerMember.class::cast).toList();
    }

    void replace(LayerMember old, LayerMember replacement) {
        members.set(members.indexOf(old), replacement);
    }

    /** {@code pkg.Name} or {@code pkg.Outer.Name}: the canonical name of the interface. */
    String canonicalName() {
        String prefix = packageName.isEmpty() ? "" : packageName + ".";
        return prefix + (outer == null ? name : outer + "." + name);
    }

    /** Binary name of the generated class, which sits in the model's package. */
    String generatedBinaryName() {
        return (packageName.isEmpty() ? "" : packageName + ".") + "Lamina" + name;
    }

    /** The file's top-level type: the outer type or the model. */
    String topLevelName() {
        return (packageName.isEmpty() ? "" : packageName + ".") + (outer == null ? name : outer);
    }

    @Override
    public String toString() {
        return canonicalName() + " (" + fault + ", input " + Arrays.toString(input) + ")";
    }
}
