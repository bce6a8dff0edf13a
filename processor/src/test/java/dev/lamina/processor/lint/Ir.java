package dev.lamina.processor.lint;

import dev.lamina.processor.ir.Loss;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.LayerSpec.Activation.Function;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.Shape;
import dev.lamina.processor.ir.SourceRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds shape-inferred IR by hand for rule unit tests ({@link SourceRef#NONE}, no elements). Shapes
 * follow the DSL's documented formulas; this is test scaffolding, not the shape inference.
 */
public final class Ir {
    private final Shape input;
    private final List<LayerNode> layers = new ArrayList<>();
    private Shape current;

    private Ir(Shape input) {
        this.input = input;
        this.current = input;
    }

    /** A model taking {@code dims} per example: {@code (1, 28, 28)} or {@code (784)}. */
    public static Ir input(int... dims) {
        return new Ir(Shape.of(dims));
    }

    private Ir add(String name, LayerSpec spec, Shape out) {
        layers.add(new LayerNode(name, spec, current, out, SourceRef.NONE, List.of()));
        current = out;
        return this;
    }

    private Ir same(String name, LayerSpec spec) {
        return add(name, spec, current);
    }

    public Ir conv(String name, int filters, int kernel) {
        return conv(name, filters, kernel, 1, true);
    }

    public Ir conv(String name, int filters, int kernel, int stride, boolean bias) {
        int h = (current.dim(1) - kernel) / stride + 1;
        int w = (current.dim(2) - kernel) / stride + 1;
        return add(name, new LayerSpec.Conv2d(filters, kernel, stride, LayerSpec.Conv2d.Padding.VALID, bias),
                Shape.of(filters, h, w));
    }

    public Ir convSame(String name, int filters, int kernel, int stride) {
        int h = (current.dim(1) + stride - 1) / stride;
        int w = (current.dim(2) + stride - 1) / stride;
        return add(name, new LayerSpec.Conv2d(filters, kernel, stride, LayerSpec.Conv2d.Padding.SAME, true),
                Shape.of(filters, h, w));
    }

    public Ir dense(String name, int units) {
        return dense(name, units, true);
    }

    public Ir dense(String name, int units, boolean bias) {
        return add(name, new LayerSpec.Dense(units, bias), Shape.of(units));
    }

    public Ir batchNorm(String name) {
        return same(name, new LayerSpec.BatchNorm(0.1, 1e-5));
    }

    public Ir dropout(String name, double rate) {
        return same(name, new LayerSpec.Dropout(rate));
    }

    public Ir relu(String name) {
        return activation(name, Function.RELU, 0);
    }

    public Ir activation(String name, Function f, double parameter) {
        return same(name, new LayerSpec.Activation(f, parameter));
    }

    public Ir softmax(String name) {
        return activation(name, Function.SOFTMAX, 0);
    }

    public Ir sigmoid(String name) {
        return activation(name, Function.SIGMOID, 0);
    }

    public Ir tanh(String name) {
        return activation(name, Function.TANH, 0);
    }

    public Ir maxPool(String name, int size) {
        return pool(name, LayerSpec.Pool2d.Mode.MAX, size, size);
    }

    public Ir avgPool(String name, int size) {
        return pool(name, LayerSpec.Pool2d.Mode.AVG, size, size);
    }

    public Ir pool(String name, LayerSpec.Pool2d.Mode mode, int size, int stride) {
        int h = (current.dim(1) - size) / stride + 1;
        int w = (current.dim(2) - size) / stride + 1;
        return add(name, new LayerSpec.Pool2d(mode, size, stride), Shape.of(current.dim(0), h, w));
    }

    public Ir flatten(String name) {
        return add(name, new LayerSpec.Flatten(), Shape.of((int) current.size()));
    }

    public ModelIR build(Loss loss) {
        return ModelIR.of("test", "Net", null, input, loss, layers);
    }

    public ModelIR build() {
        return build(Loss.SOFTMAX_CROSS_ENTROPY);
    }

    /** Runs {@code rule} alone on {@code model}, with default parameters. */
    public static List<Finding> check(LintRule rule, ModelIR model) {
        return check(rule, model, Map.of());
    }

    /** Runs {@code rule} alone on {@code model} with the given parameters. */
    public static List<Finding> check(LintRule rule, ModelIR model, Map<String, String> parameters) {
        LintContext context = LintContext.detached(rule, parameters);
        rule.check(model, context);
        return context.findings();
    }

    /** Names of the layers the findings are attached to, in order. */
    public static List<String> at(List<Finding> findings) {
        return findings.stream().map(f -> f.at().name()).toList();
    }
}
