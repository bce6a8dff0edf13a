package dev.lamina.processor.lint;

import dev.lamina.processor.ir.Concat;
import dev.lamina.processor.ir.Group;
import dev.lamina.processor.ir.Loss;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.LayerSpec.Activation.Function;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.Residual;
import dev.lamina.processor.ir.Shape;
import dev.lamina.processor.ir.SourceRef;
import dev.lamina.processor.ir.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Builds shape-inferred IR by hand for rule unit tests ({@link SourceRef#NONE}, no elements, unless
 * {@link #at} gives one). Shapes follow the DSL's documented formulas; this is test scaffolding, not
 * the shape inference: it does not check that a residual's paths or a concatenation's parts fit.
 * Blocks nest: {@link #residual}, {@link #concat} and {@link #repeat} take functions that add the
 * block's layers to a builder named under the block, as the reader names them
 * ({@code down2.conv1}, {@code down2.shortcut.conv}, {@code mixed.branch1x1.conv},
 * {@code stage1[2].res.conv1}).
 */
public final class Ir {
    private final Shape input;
    private final String prefix;
    private final List<Step> steps = new ArrayList<>();
    private Shape current;
    private SourceRef source = SourceRef.NONE;

    private Ir(Shape input, String prefix) {
        this.input = input;
        this.prefix = prefix;
        this.current = input;
    }

    /** A model taking {@code dims} per example: {@code (1, 28, 28)} or {@code (784)}. */
    public static Ir input(int... dims) {
        return new Ir(Shape.of(dims), "");
    }

    /** A model taking {@code tokens} integer token ids per example ({@code tokens = true}). */
    public static Ir tokens(int tokens) {
        return new Ir(Shape.tokens(tokens), "");
    }

    /** A model whose input is already a token sequence {@code [T, D]}. */
    public static Ir sequence(int tokens, int features) {
        return new Ir(Shape.sequence(tokens, features), "");
    }

    private Ir add(String name, LayerSpec spec, Shape out) {
        steps.add(new LayerNode(prefix + name, spec, current, out, source, List.of()));
        current = out;
        source = SourceRef.NONE;
        return this;
    }

    /** Any layer, with its output shape given. */
    public Ir layer(String name, LayerSpec spec, Shape out) {
        return add(name, spec, out);
    }

    /** The next layer (or block use) is declared at {@code ref} instead of nowhere. */
    public Ir at(SourceRef ref) {
        source = ref;
        return this;
    }

    /** The output shape of the steps so far. */
    public Shape shape() {
        return current;
    }

    /**
     * {@code @Residual(Body.class)} named {@code name}: {@code body} adds the body's layers (named
     * {@code <name>.<layer>}) to a builder that starts from this one's shape; the shortcut is the
     * identity.
     */
    public Ir residual(String name, UnaryOperator<Ir> body) {
        return residual(name, body, null);
    }

    /**
     * {@code @Residual(value = Body.class, shortcut = Shortcut.class)}: as {@link #residual(String,
     * UnaryOperator)}, with the shortcut's layers named {@code <name>.shortcut.<layer>}; a null
     * {@code shortcut} is the identity.
     */
    public Ir residual(String name, UnaryOperator<Ir> body, UnaryOperator<Ir> shortcut) {
        SourceRef use = takeSource();
        Ir b = body.apply(new Ir(current, prefix + name + "."));
        Ir s = shortcut == null ? null : shortcut.apply(new Ir(current, prefix + name + ".shortcut."));
        LayerNode add = new LayerNode(prefix + name, new LayerSpec.Add(), current, b.current, use, List.of());
        steps.add(new Residual(add, b.steps, "Body", s == null ? List.of() : s.steps, s == null ? "" : "Shortcut"));
        current = b.current;
        return this;
    }

    /** One branch of a {@link #concat}: its name and how to add its layers. */
    public record Branch(String name, UnaryOperator<Ir> layers) {}

    public static Branch branch(String name, UnaryOperator<Ir> layers) {
        return new Branch(name, layers);
    }

    /**
     * {@code @Concat(value = {...}, withInput = withInput)} named {@code name}, on the channel axis
     * of images (the feature axis of vectors); the output's other axes are the first part's.
     */
    public Ir concat(String name, boolean withInput, Branch... branches) {
        SourceRef use = takeSource();
        List<Concat.Branch> built = new ArrayList<>();
        List<Shape> parts = new ArrayList<>();
        if (withInput) {
            parts.add(current);
        }
        for (Branch branch : branches) {
            Ir b = branch.layers().apply(new Ir(current, prefix + name + "." + branch.name() + "."));
            built.add(new Concat.Branch(prefix + name + "." + branch.name(), branch.name(), b.steps));
            parts.add(b.current);
        }
        List<Integer> channels = parts.stream().map(p -> p.dim(0)).toList();
        int[] dims = parts.get(0).dims().clone();
        dims[0] = channels.stream().mapToInt(Integer::intValue).sum();
        LayerNode junction = new LayerNode(prefix + name, new LayerSpec.Concat(channels), current, Shape.of(dims),
                use, List.of());
        steps.add(new Concat(junction, built, withInput));
        current = junction.output();
        return this;
    }

    /** {@code @Repeat(value = Unit.class, times = times)} named {@code name}: units {@code <name>[i]}. */
    public Ir repeat(String name, int times, UnaryOperator<Ir> unit) {
        SourceRef use = takeSource();
        for (int i = 0; i < times; i++) {
            String group = prefix + name + "[" + i + "]";
            Ir u = unit.apply(new Ir(current, group + "."));
            steps.add(new Group(group, "Unit", u.steps, use));
            current = u.current;
        }
        return this;
    }

    /** {@code @GlobalAvgPool2d}: {@code [C, H, W] -> [C]}. */
    public Ir globalAvgPool(String name) {
        return add(name, new LayerSpec.GlobalAvgPool2d(), Shape.of(current.dim(0)));
    }

    /** A conv with SAME padding and the given bias. */
    public Ir convSame(String name, int filters, int kernel, int stride, boolean bias) {
        int h = (current.dim(1) + stride - 1) / stride;
        int w = (current.dim(2) + stride - 1) / stride;
        return add(name, new LayerSpec.Conv2d(filters, kernel, stride, LayerSpec.Conv2d.Padding.SAME, bias),
                Shape.of(filters, h, w));
    }

    private SourceRef takeSource() {
        SourceRef use = source;
        source = SourceRef.NONE;
        return use;
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

    /** {@code @Dense}: {@code [F] -> [units]}, and on the last axis of a sequence, {@code [T, D] -> [T, units]}. */
    public Ir dense(String name, int units, boolean bias) {
        Shape out = current.isSequence() ? Shape.sequence(current.dim(0), units) : Shape.of(units);
        return add(name, new LayerSpec.Dense(units, bias), out);
    }

    /** {@code @Conv1d} with SAME padding on a signal {@code [C, L] -> [filters, ceil(L / stride)]}. */
    public Ir conv1dSame(String name, int filters, int kernel, int stride, boolean bias) {
        return add(name, new LayerSpec.Conv1d(filters, kernel, stride, LayerSpec.Conv2d.Padding.SAME, bias),
                Shape.of(filters, (current.dim(1) + stride - 1) / stride));
    }

    /** {@code @Embedding}: token ids {@code [T] -> [T, dim]}. */
    public Ir embedding(String name, int vocabulary, int dim) {
        return add(name, new LayerSpec.Embedding(vocabulary, dim), Shape.sequence(current.dim(0), dim));
    }

    /** {@code @PositionalEmbedding}: keeps the sequence's shape. */
    public Ir positionalEmbedding(String name) {
        return same(name, new LayerSpec.PositionalEmbedding());
    }

    /** {@code @Patches(size)}: {@code [C, H, W] -> [(H/size)(W/size), C*size*size]}. */
    public Ir patches(String name, int size) {
        int tokens = (current.dim(1) / size) * (current.dim(2) / size);
        return add(name, new LayerSpec.Patches(size), Shape.sequence(tokens, current.dim(0) * size * size));
    }

    /** {@code @LayerNorm} with PyTorch's eps. */
    public Ir layerNorm(String name) {
        return same(name, new LayerSpec.LayerNorm(1e-5));
    }

    /** {@code @MultiHeadAttention(heads, causal)} without attention dropout. */
    public Ir attention(String name, int heads, boolean causal) {
        return same(name, new LayerSpec.MultiHeadAttention(heads, causal, 0.0));
    }

    /** {@code @GlobalAvgPool1d} on a sequence: {@code [T, D] -> [D]}. */
    public Ir globalAvgPool1d(String name) {
        return add(name, new LayerSpec.GlobalAvgPool1d(), Shape.of(current.dim(1)));
    }

    /** {@code @GELU}, the exact form. */
    public Ir gelu(String name) {
        return activation(name, Function.GELU, 0);
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
        return ModelIR.of("test", "Net", null, input, loss, steps);
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
