package dev.lamina.processor.testing;

import dev.lamina.processor.ir.Concat;
import dev.lamina.processor.ir.Group;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.Loss;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.Residual;
import dev.lamina.processor.ir.Shape;
import dev.lamina.processor.ir.ShapeProblems;
import dev.lamina.processor.ir.SourceRef;
import dev.lamina.processor.ir.Step;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds shape-inferred models with blocks by hand, named as the reader names them ({@code res.conv},
 * {@code res.shortcut.conv}, {@code mix.b0.conv}, {@code stage[1].res.conv}), with each layer's shape
 * from its own shape rule. For tests of the stages after the reader.
 */
public final class BlockIr {
    private BlockIr() {}

    /** A step not yet placed: it gets its path prefix and input shape when the model is built. */
    public interface Part {
        Step build(String prefix, Shape in);
    }

    private static final ShapeProblems FAIL = new ShapeProblems() {
        @Override public Shape needsImage() { throw new IllegalArgumentException("needs an image"); }
        @Override public Shape missingFlatten() { throw new IllegalArgumentException("missing flatten"); }
        @Override public Shape nothingToFlatten() { throw new IllegalArgumentException("nothing to flatten"); }
        @Override public Shape needsVectorOrImage() { throw new IllegalArgumentException("needs vector or image"); }
        @Override public Shape windowTooLarge(String member, String what, int height, int width) {
            throw new IllegalArgumentException("window too large");
        }
        @Override public Shape wrongLayout(Shape.Layout... accepted) {
            throw new IllegalArgumentException("wrong layout");
        }
        @Override public Shape patchesDoNotDivide(int size) { throw new IllegalArgumentException("patches"); }
        @Override public Shape headsDoNotDivide(int heads) { throw new IllegalArgumentException("heads"); }
    };

    public static ModelIR model(String interfaceName, Loss loss, int[] input, Part... parts) {
        return model(interfaceName, loss, Shape.of(input), parts);
    }

    /** A model whose input has a layout of its own: token ids ({@link Shape#tokens}), say. */
    public static ModelIR model(String interfaceName, Loss loss, Shape input, Part... parts) {
        return ModelIR.of("test", interfaceName, null, input, loss, run("", input, List.of(parts)));
    }

    public static Part layer(String name, LayerSpec spec) {
        return (prefix, in) -> new LayerNode(prefix + name, spec, in, spec.outputShape(in, FAIL), SourceRef.NONE,
                List.of());
    }

    /** {@code S(x) + F(x)}; an empty {@code shortcut} is the identity. */
    public static Part residual(String name, List<Part> body, List<Part> shortcut) {
        return (prefix, in) -> {
            String path = prefix + name;
            List<Step> b = run(path + ".", in, body);
            List<Step> s = run(path + ".shortcut.", in, shortcut);
            Shape out = b.get(b.size() - 1).output();
            Shape other = s.isEmpty() ? in : s.get(s.size() - 1).output();
            if (!out.equals(other)) {
                throw new IllegalArgumentException("residual " + path + ": " + out + " vs " + other);
            }
            LayerNode add = new LayerNode(path, new LayerSpec.Add(), in, out, SourceRef.NONE, List.of());
            return new Residual(add, b, "Body", s, s.isEmpty() ? "" : "Shortcut");
        };
    }

    /** Branches named {@code b0}, {@code b1}, ...; joined on axis 0 of one example (channels or features). */
    @SafeVarargs
    public static Part concat(String name, boolean withInput, List<Part>... branches) {
        return (prefix, in) -> {
            String path = prefix + name;
            List<Concat.Branch> built = new ArrayList<>();
            List<Integer> channels = new ArrayList<>();
            List<Shape> parts = new ArrayList<>();
            if (withInput) {
                parts.add(in);
            }
            for (int i = 0; i < branches.length; i++) {
                String branch = path + ".b" + i;
                List<Step> steps = run(branch + ".", in, branches[i]);
                built.add(new Concat.Branch(branch, "B" + i, steps));
                parts.add(steps.get(steps.size() - 1).output());
            }
            int[] out = parts.get(0).dims().clone();
            out[0] = 0;
            for (Shape p : parts) {
                channels.add(p.dim(0));
                out[0] += p.dim(0);
            }
            LayerNode node = new LayerNode(path, new LayerSpec.Concat(channels), in, Shape.of(out), SourceRef.NONE,
                    List.of());
            return new Concat(node, built, withInput);
        };
    }

    /** {@code times} groups {@code name[i]} of {@code unit}, each with its own parameters. */
    public static List<Part> repeat(String name, int times, List<Part> unit) {
        List<Part> groups = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            String group = name + "[" + i + "]";
            groups.add((prefix, in) -> new Group(prefix + group, "Unit", run(prefix + group + ".", in, unit),
                    SourceRef.NONE));
        }
        return groups;
    }

    public static List<Part> parts(Part... parts) {
        return Arrays.asList(parts);
    }

    private static List<Step> run(String prefix, Shape in, List<Part> parts) {
        List<Step> steps = new ArrayList<>();
        Shape at = in;
        for (Part part : parts) {
            Step step = part.build(prefix, at);
            steps.add(step);
            at = step.output();
        }
        return steps;
    }
}
