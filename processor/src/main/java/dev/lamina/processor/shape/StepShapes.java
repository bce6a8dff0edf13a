package dev.lamina.processor.shape;

import dev.lamina.processor.diag.Messages;
import dev.lamina.processor.diag.Report;
import dev.lamina.processor.ir.Concat;
import dev.lamina.processor.ir.Group;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.Residual;
import dev.lamina.processor.ir.Shape;
import dev.lamina.processor.ir.ShapeProblems;
import dev.lamina.processor.ir.SourceRef;
import dev.lamina.processor.ir.Step;
import dev.lamina.processor.ir.Steps;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Infers the shapes of a run of steps, each block use with the input it gets there: a residual's
 * body and shortcut both take its input and must give one shape; a concatenation's branches all take
 * its input and are joined by {@link ConcatShapes}; a repeated unit takes the previous unit's output.
 *
 * <p>A problem inside a block is reported on the layer (or junction) that has it, and once more on
 * the model's block use that puts it there, naming the use: the block's line alone would not say
 * which use, with which input, failed. Inference stops at the first problem: the shapes after it
 * are unknown.
 */
final class StepShapes {
    private static final BigInteger MAX_ELEMENTS = BigInteger.valueOf(Messages.MAX_ELEMENTS);

    /**
     * A block use of the model, where problems inside its blocks are repeated.
     *
     * @param annotation "Residual", "Concat" or "Repeat"
     * @param name       the use's name (the model's method)
     * @param blocks     its blocks for the message: "block Unit16", "blocks Down32, Proj32"
     * @param source     the use's method and annotation
     */
    private record UseSite(String annotation, String name, String blocks, SourceRef source) {}

    private final Report report;

    StepShapes(Report report) {
        this.report = report;
    }

    /** {@code steps} with shapes, the first taking {@code in}; null after reporting the first problem. */
    List<Step> infer(List<Step> steps, Shape in) {
        return infer(steps, in, null);
    }

    /** {@code site}: the model's block use these steps are in, or null at the model's level. */
    private List<Step> infer(List<Step> steps, Shape in, UseSite site) {
        List<Step> inferred = new ArrayList<>();
        Shape current = in;
        for (Step step : steps) {
            Step shaped = infer(step, current, site);
            if (shaped == null) {
                return null;
            }
            inferred.add(shaped);
            current = Steps.output(List.of(shaped), current);
        }
        return inferred;
    }

    private Step infer(Step step, Shape in, UseSite site) {
        if (step instanceof LayerNode layer) {
            return layer(layer, in, site);
        }
        if (step instanceof Group group) {
            return group(group, in, site);
        }
        if (step instanceof Residual residual) {
            return residual(residual, in, site);
        }
        return concat((Concat) step, in, site);
    }

    private Group group(Group group, Shape in, UseSite site) {
        if (group.steps().isEmpty()) {
            return group;
        }
        UseSite inner = site != null ? site
                : new UseSite("Repeat", repeatName(group), "block " + group.block(), group.source());
        List<Step> steps = infer(group.steps(), in, inner);
        return steps == null ? null : new Group(group.name(), group.block(), steps, group.source());
    }

    /** {@code stage1} for unit {@code stage1[2]}. */
    private static String repeatName(Group group) {
        int bracket = group.name().lastIndexOf('[');
        return bracket < 0 ? group.name() : group.name().substring(0, bracket);
    }

    private Residual residual(Residual residual, Shape in, UseSite site) {
        UseSite inner = site != null ? site : new UseSite("Residual", residual.name(),
                residual.identityShortcut() ? "block " + residual.bodyBlock()
                        : "blocks " + residual.bodyBlock() + ", " + residual.shortcutBlock(),
                residual.source());
        List<Step> body = infer(residual.body(), in, inner);
        if (body == null) {
            return null;
        }
        List<Step> shortcut = infer(residual.shortcut(), in, inner);
        if (shortcut == null) {
            return null;
        }
        Shape bodyOutput = Steps.output(body, in);
        Shape shortcutOutput = Steps.output(shortcut, in);
        if (!bodyOutput.equals(shortcutOutput)) {
            fail(residual.source(), null, Messages.residualShapes(residual.name(), residual.bodyBlock(), bodyOutput,
                    residual.identityShortcut() ? null : residual.shortcutBlock(), shortcutOutput, in,
                    ProjectionShortcut.suggest(in, bodyOutput)), site);
            return null;
        }
        return new Residual(residual.add().withShapes(in, bodyOutput), body, residual.bodyBlock(), shortcut,
                residual.shortcutBlock());
    }

    private Concat concat(Concat concat, Shape in, UseSite site) {
        Set<String> blocks = new LinkedHashSet<>();
        concat.branches().forEach(b -> blocks.add(b.block()));
        UseSite inner = site != null ? site : new UseSite("Concat", concat.name(),
                (blocks.size() == 1 ? "block " : "blocks ") + String.join(", ", blocks), concat.source());
        List<Shape> parts = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        if (concat.withInput()) {
            parts.add(in);
            labels.add("the input x is " + in);
        }
        List<Concat.Branch> branches = new ArrayList<>();
        for (Concat.Branch branch : concat.branches()) {
            List<Step> steps = infer(branch.steps(), in, inner);
            if (steps == null) {
                return null;
            }
            Shape output = Steps.output(steps, in);
            parts.add(output);
            labels.add("branch '" + branch.name() + "' gives " + output);
            branches.add(new Concat.Branch(branch.name(), branch.block(), steps));
        }
        if (parts.isEmpty()) {
            return concat; // no parts: only in IR built by hand; the reader rejects @Concat(value = {})
        }
        String problem = ConcatShapes.problem(concat.name(), parts, labels);
        if (problem != null) {
            fail(concat.source(), null, problem, site);
            return null;
        }
        BigInteger elements = ConcatShapes.elements(parts);
        if (elements.compareTo(MAX_ELEMENTS) > 0) {
            fail(concat.source(), null, Messages.tensorTooLarge("Concat", concat.name(), "its output of one example",
                    elements), site);
            return null;
        }
        LayerNode node = concat.concat();
        LayerNode junction = new LayerNode(node.name(), new LayerSpec.Concat(ConcatShapes.channels(parts)), in,
                ConcatShapes.output(parts), node.source(), node.rewrites());
        return new Concat(junction, branches, concat.withInput());
    }

    /** The layer with its shapes, or null after reporting why it cannot take {@code in}. */
    private LayerNode layer(LayerNode layer, Shape in, UseSite site) {
        Shape output = outputOf(layer, in, site);
        if (output == null) {
            return null;
        }
        LayerNode shaped = layer.withShapes(in, output);
        return fits(shaped, site) ? shaped : null;
    }

    /** The layer's output for {@code in}, or null after reporting why there is none. */
    private Shape outputOf(LayerNode layer, Shape in, UseSite site) {
        String kind = layer.spec().kind();
        String name = layer.name();
        if (in.layout() == Shape.Layout.TOKENS && !(layer.spec() instanceof LayerSpec.Embedding)) {
            // Ids are not values: no layer but the lookup may read them, elementwise ones included.
            fail(layer.source(), null, Messages.tokensNeedEmbedding(kind, name, in), site);
            return null;
        }
        return layer.spec().outputShape(in, new ShapeProblems() {
            @Override
            public Shape needsImage() {
                return error(null, Messages.needsImage(kind, name, in));
            }

            @Override
            public Shape missingFlatten() {
                return error(null, Messages.missingFlatten(kind, name, in));
            }

            @Override
            public Shape nothingToFlatten() {
                return error(null, Messages.nothingToFlatten(name, in));
            }

            @Override
            public Shape needsVectorOrImage() {
                return error(null, Messages.needsVectorOrImage(kind, name, in));
            }

            @Override
            public Shape windowTooLarge(String member, String what, int height, int width) {
                if (in.layout() == Shape.Layout.SIGNAL) {
                    return error(member, Messages.infeasibleWindow(kind, name, what, String.valueOf(height), in,
                            "length", in.dim(1)));
                }
                String size = height == width ? String.valueOf(height) : height + "x" + width;
                boolean tooHigh = height > in.dim(1);
                return error(member, Messages.infeasibleWindow(kind, name, what, size, in,
                        tooHigh ? "height" : "width", tooHigh ? in.dim(1) : in.dim(2)));
            }

            @Override
            public Shape wrongLayout(Shape.Layout... accepted) {
                return error(null, Messages.wrongLayout(kind, name, List.of(accepted), in));
            }

            @Override
            public Shape patchesDoNotDivide(int size) {
                return error("size", Messages.patchesDoNotDivide(name, size, in));
            }

            @Override
            public Shape headsDoNotDivide(int heads) {
                return error("heads", Messages.headsDoNotDivide(kind, name, heads, in));
            }

            private Shape error(String member, String message) {
                fail(layer.source(), member, message, site);
                return null;
            }
        });
    }

    /** Whether the layer's output and weights are small enough; if not, reports on the layer. */
    private boolean fits(LayerNode layer, UseSite site) {
        BigInteger outputElements = elements(layer.output().dims());
        if (outputElements.compareTo(MAX_ELEMENTS) > 0) {
            fail(layer.source(), null, Messages.tensorTooLarge(layer.spec().kind(), layer.name(),
                    "output " + layer.output() + " of one example", outputElements), site);
            return false;
        }
        int[] weightDims = layer.spec().weightDims(layer.input());
        BigInteger weights = weightDims.length == 0 ? BigInteger.ZERO : elements(weightDims);
        if (weights.compareTo(MAX_ELEMENTS) > 0) {
            fail(layer.source(), null, Messages.tensorTooLarge(layer.spec().kind(), layer.name(),
                    "its weight tensor", weights), site);
            return false;
        }
        return true;
    }

    /** Exact product, without the overflow of {@link Shape#size()} for huge shapes. */
    static BigInteger elements(int... dims) {
        BigInteger n = BigInteger.ONE;
        for (int d : dims) {
            n = n.multiply(BigInteger.valueOf(d));
        }
        return n;
    }

    /** Reports {@code message} on {@code at}, and again on the model's use {@code site} when inside one. */
    private void fail(SourceRef at, String member, String message, UseSite site) {
        report.error(at, member, message);
        if (site != null) {
            report.error(site.source(), null, Messages.insideBlockUse(site.annotation(), site.name(), site.blocks(),
                    message));
        }
    }
}
