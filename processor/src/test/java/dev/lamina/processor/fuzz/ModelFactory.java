package dev.lamina.processor.fuzz;

import dev.lamina.processor.ir.Loss;
import dev.lamina.processor.fuzz.FuzzModel.HelperMember;
import dev.lamina.processor.fuzz.FuzzModel.Kind;
import dev.lamina.processor.fuzz.FuzzModel.LayerMember;
import dev.lamina.processor.fuzz.FuzzModel.Member;
import dev.lamina.processor.fuzz.FuzzModel.Value;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.lang.model.SourceVersion;

/**
 * Turns the fuzzer's random draws into a {@link FuzzModel}: first a valid stack (each drawn layer is
 * kept, adapted or skipped so that shapes fit), then, for most draws, one injected fault. Whether the
 * result is valid is for the {@link Oracle} to say, not this class.
 */
final class ModelFactory {
    /** What to break. */
    enum Fault {
        NONE, HUGE_VALID, INT_NOT_POSITIVE, POOL_STRIDE_NEGATIVE, DROPOUT_RATE, BN_MOMENTUM, BN_EPSILON,
        ACTIVATION_NOT_FINITE, WINDOW_TOO_LARGE, MISSING_FLATTEN, NEEDS_IMAGE, LOSS_NEEDS_VECTOR, INPUT_RANK,
        INPUT_NOT_POSITIVE, TENSOR_TOO_LARGE, NO_ANNOTATION, TWO_ANNOTATIONS, WRONG_RETURN, HAS_PARAMETERS,
        TYPE_PARAMETERS, ANNOTATED_CONCRETE, RESERVED_NAME, NO_LAYERS
    }

    /**
     * One drawn layer: a kind and raw numbers that the factory maps onto hyperparameters.
     *
     * @param edge selects an extreme but valid value for some member when small (0 = none)
     */
    record LayerDraw(Kind kind, int a, int b, int c, double x, boolean flag, int edge) {}

    /** One drawn model. */
    record ModelDraw(int rank, int d0, int d1, int d2, Loss loss, List<LayerDraw> layers, Fault fault,
            int pick, int valuePick, long layoutSeed) {}

    private static final int MAX_LAYERS = 10;
    private static final String[] NAME_STARTS = {"conv", "dense", "fc", "bn", "act", "drop", "pool", "flat",
        "out", "logits", "x", "a", "d", "input", "training", "seed", "create", "forward", "backward", "relu",
        "schicht", "ä", "层", "Out", "Layer", "$", "_x", "weight", "bias", "cache", "mask", "shape", "rng"};
    private static final String[] NAME_PARTS = {"1", "2", "3", "Weight", "Bias", "Input", "Out", "Cache", "Mask",
        "_", "$", "Rng", "Shape", "ä", "層", "Layer", "Out1", "_out", "Grad", "d"};
    private static final Set<String> OBJECT_METHODS = Set.of("hashCode", "toString", "getClass", "notify",
        "notifyAll", "wait", "clone", "equals", "finalize");
    /** Simple names the generated class uses for runtime types; an interface constant may reuse them. */
    private static final String[] SHADOWING_NAMES = {"Nd4j", "DataType", "Init", "Dense", "Conv2d", "Arrays",
        "List", "Map", "Loss", "Parameter", "INDArray", "Random", "LayerInfo", "Math", "Collections",
        "LinkedHashMap", "BatchNorm", "Flatten", "Model", "String", "Override", "Generated"};

    private final ModelDraw draw;
    private final Random random;
    private final Set<String> names = new HashSet<>();
    private FuzzModel model;
    /** Input shape of each layer member of the valid stack, by member. */
    private final Map<LayerMember, int[]> inputs = new LinkedHashMap<>();
    private int helpers;

    private ModelFactory(ModelDraw draw) {
        this.draw = draw;
        this.random = new Random(draw.layoutSeed());
    }

    static FuzzModel build(ModelDraw draw, int index) {
        return new ModelFactory(draw).build(index);
    }

    private FuzzModel build(int index) {
        String name = "M" + index;
        double p = random.nextDouble();
        String pkg = p < 0.5 ? "test" : p < 0.85 ? "fuzz.p" + random.nextInt(3) : "";
        String outer = null;
        boolean outerIsInterface = false;
        if (random.nextDouble() < 0.25) {
            outer = "Outer" + index;
            outerIsInterface = random.nextBoolean();
        }
        model = new FuzzModel(index, pkg, name, outer, outerIsInterface);
        model.input = draw.rank() == 1
                ? new int[] {1 + draw.d0() % 12}
                : new int[] {1 + draw.d0() % 3, 1 + draw.d1() % 10, 1 + draw.d2() % 10};
        model.scalarInput = model.input.length == 1 && random.nextBoolean();
        model.loss = draw.loss();
        model.writeLoss = draw.loss() != Loss.SOFTMAX_CROSS_ENTROPY || random.nextBoolean();

        buildValidStack();
        addHelpers();
        if (draw.fault() != Fault.NONE && !applyFault(draw.fault())) {
            // The drawn fault has no target in this stack: break a Dense, which every stack has.
            applyFault(Fault.INT_NOT_POSITIVE);
        }
        return model;
    }

    // ---- the valid stack ---------------------------------------------------------------------------

    private void buildValidStack() {
        int[] shape = model.input.clone();
        for (LayerDraw d : draw.layers()) {
            if (model.layerMembers().size() >= MAX_LAYERS) {
                break;
            }
            boolean image = shape.length == 3;
            switch (d.kind()) {
                case CONV2D -> shape = image ? conv(d, shape) : dense(d, shape);
                case MAX_POOL, AVG_POOL -> shape = image ? pool(d, shape) : shape;
                case FLATTEN -> shape = image ? flatten(shape) : shape;
                case DENSE -> shape = dense(d, image ? flatten(shape) : shape);
                case SOFTMAX -> shape = add(Kind.SOFTMAX, Map.of(), image ? flatten(shape) : shape);
                default -> shape = add(d.kind(), shapePreservingValues(d), shape);
            }
        }
        boolean anyDense = model.layerMembers().stream().anyMatch(l -> l.kind() == Kind.DENSE);
        if (shape.length == 3) {
            shape = flatten(shape);
        }
        if (!anyDense || random.nextDouble() < 0.3) {
            dense(new LayerDraw(Kind.DENSE, random.nextInt(6), 0, 0, 0, true, 0), shape);
        }
    }

    private int[] conv(LayerDraw d, int[] in) {
        Map<String, Value> v = new LinkedHashMap<>();
        int filters = 1 + Math.floorMod(d.a(), 4);
        boolean same = d.flag();
        int smaller = Math.min(in[1], in[2]);
        int kernel = same ? 1 + Math.floorMod(d.b(), 4) : 1 + Math.floorMod(d.b(), Math.min(smaller, 4));
        int stride = d.edge() == 1 ? Integer.MAX_VALUE : 1 + Math.floorMod(d.c(), 3);
        v.put("filters", positiveInt(filters));
        v.put("kernel", Value.ofInt(kernel));
        if (stride != 1 || random.nextBoolean()) {
            v.put("stride", Value.ofInt(stride));
        }
        if (same || random.nextDouble() < 0.2) {
            v.put("padding", Value.ofPadding(same ? "SAME" : "VALID"));
        }
        if (d.edge() == 2 || random.nextDouble() < 0.2) {
            v.put("bias", Value.ofBoolean(d.edge() != 2));
        }
        int[] out = same
                ? new int[] {filters, ceilDiv(in[1], stride), ceilDiv(in[2], stride)}
                : new int[] {filters, (in[1] - kernel) / stride + 1, (in[2] - kernel) / stride + 1};
        return add(Kind.CONV2D, v, in, out);
    }

    private int[] pool(LayerDraw d, int[] in) {
        Map<String, Value> v = new LinkedHashMap<>();
        int window = 1 + Math.floorMod(d.b(), Math.min(Math.min(in[1], in[2]), 3));
        v.put("value", Value.ofInt(window));
        int stride = window;
        if (d.edge() == 1) {
            stride = Integer.MAX_VALUE;
            v.put("stride", Value.ofInt(stride));
        } else if (Math.floorMod(d.c(), 3) == 1) {
            v.put("stride", Value.ofInt(0)); // the documented "same as the window"
        } else if (Math.floorMod(d.c(), 3) == 2) {
            stride = 1 + Math.floorMod(d.a(), 2);
            v.put("stride", Value.ofInt(stride));
        }
        int[] out = {in[0], (in[1] - window) / stride + 1, (in[2] - window) / stride + 1};
        return add(d.kind(), v, in, out);
    }

    private int[] flatten(int[] in) {
        return add(Kind.FLATTEN, Map.of(), in, new int[] {in[0] * in[1] * in[2]});
    }

    private int[] dense(LayerDraw d, int[] in) {
        int units = 1 + Math.floorMod(d.a(), 6);
        Map<String, Value> v = new LinkedHashMap<>();
        v.put("value", positiveInt(units));
        if (d.edge() == 2 || random.nextDouble() < 0.2) {
            v.put("bias", Value.ofBoolean(d.edge() != 2));
        }
        return add(Kind.DENSE, v, in, new int[] {units});
    }

    private Map<String, Value> shapePreservingValues(LayerDraw d) {
        Map<String, Value> v = new LinkedHashMap<>();
        double x = d.x();
        switch (d.kind()) {
            case BATCH_NORM -> {
                if (d.edge() == 1) {
                    v.put("momentum", Value.ofDouble(Double.MIN_VALUE));
                } else if (d.edge() == 2) {
                    v.put("momentum", Value.ofDouble(0.999999));
                } else if (Math.floorMod(d.c(), 3) == 0) {
                    v.put("momentum", Value.ofDouble(0.05 + 0.9 * x));
                }
                if (d.edge() == 3) {
                    v.put("epsilon", Value.ofDouble(Double.MIN_VALUE));
                } else if (d.edge() == 4) {
                    v.put("epsilon", Value.ofDouble(1e300));
                } else if (d.flag()) {
                    v.put("epsilon", Value.ofDouble(1e-3));
                }
            }
            case ELU, LEAKY_RELU -> {
                String member = d.kind() == Kind.ELU ? "alpha" : "value";
                double[] edges = {0, 0.0, -1.5, 1e300, -1e300, Double.MIN_VALUE};
                if (d.edge() > 0 && d.edge() < edges.length) {
                    v.put(member, Value.ofDouble(edges[d.edge()]));
                } else if (d.flag()) {
                    v.put(member, Value.ofDouble(2 * x - 0.5));
                }
            }
            case DROPOUT -> {
                if (d.edge() == 1) {
                    v.put("rate", Value.ofDouble(0.0));
                } else if (d.edge() == 2) {
                    v.put("rate", Value.ofDouble(0.9999999));
                } else if (d.flag()) {
                    v.put("rate", Value.ofDouble(0.9 * x));
                }
            }
            default -> { }
        }
        return v;
    }

    /** A positive int, sometimes written through an interface constant or an expression. */
    private Value positiveInt(int v) {
        double p = random.nextDouble();
        if (p < 0.1) {
            String constant = "SIZE_" + helpers++;
            model.members.add(new HelperMember(List.of("int " + constant + " = " + v + ";")));
            return Value.ofConstant(constant, v);
        }
        if (p < 0.15 && v > 1) {
            return new Value("(" + (v - 1) + " + 1)", v, 0);
        }
        return Value.ofInt(v);
    }

    private int[] add(Kind kind, Map<String, Value> values, int[] shape) {
        return add(kind, values, shape, shape);
    }

    private int[] add(Kind kind, Map<String, Value> values, int[] in, int[] out) {
        LayerMember layer = LayerMember.of(kind, newLayerName(), values);
        model.members.add(layer);
        inputs.put(layer, in);
        return out;
    }

    private String newLayerName() {
        while (true) {
            StringBuilder name = new StringBuilder(NAME_STARTS[random.nextInt(NAME_STARTS.length)]);
            for (int parts = random.nextInt(3); parts > 0; parts--) {
                name.append(NAME_PARTS[random.nextInt(NAME_PARTS.length)]);
            }
            String candidate = name.toString();
            if (SourceVersion.isName(candidate) && !Oracle.RESERVED.contains(candidate)
                    && !OBJECT_METHODS.contains(candidate) && names.add(candidate)) {
                return candidate;
            }
        }
    }

    private void addHelpers() {
        int count = random.nextDouble() < 0.5 ? 0 : random.nextInt(4);
        for (int i = 0; i < count; i++) {
            int k = helpers++;
            List<String> lines = switch (random.nextInt(6)) {
                case 0 -> List.of("default int helper" + k + "() {", "    return " + k + ";", "}");
                case 1 -> List.of("static String describe" + k + "() { return \"" + k + "\"; }");
                case 2 -> List.of("private int secret" + k + "() { return " + k + "; }");
                case 3 -> List.of("class Nested" + k + " {}");
                case 4 -> List.of("enum Choice" + k + " { A, B }");
                default -> List.of("int " + SHADOWING_NAMES[random.nextInt(SHADOWING_NAMES.length)] + " = " + k + ";");
            };
            if (lines.get(0).startsWith("int ") && model.members.stream().anyMatch(m -> m instanceof HelperMember h
                    && h.lines().get(0).startsWith(lines.get(0).substring(0, lines.get(0).indexOf('=') + 1)))) {
                continue; // the same constant twice would not compile
            }
            model.members.add(random.nextInt(model.members.size() + 1), new HelperMember(lines));
        }
    }

    // ---- faults ---------------------------------------------------------------------------------

    /** Applies {@code fault}; false when this model has nothing it applies to. */
    private boolean applyFault(Fault fault) {
        model.fault = fault.name();
        List<LayerMember> layers = model.layerMembers();
        int pick = Math.floorMod(draw.pick(), 1 << 20);
        int vp = Math.floorMod(draw.valuePick(), 1 << 20);
        switch (fault) {
            case HUGE_VALID -> {
                return huge(vp);
            }
            case INT_NOT_POSITIVE -> {
                List<LayerMember> withInts = layers.stream()
                        .filter(l -> l.kind() == Kind.CONV2D || l.kind() == Kind.DENSE || l.kind().isPool()).toList();
                if (withInts.isEmpty()) {
                    return false;
                }
                LayerMember target = withInts.get(pick % withInts.size());
                String member = switch (target.kind()) {
                    case CONV2D -> new String[] {"filters", "kernel", "stride"}[vp % 3];
                    default -> "value";
                };
                int[] values = {0, -1, -(2 + vp % 1000), Integer.MIN_VALUE};
                model.replace(target, target.with(member, Value.ofInt(values[(vp / 3) % values.length])));
            }
            case POOL_STRIDE_NEGATIVE -> {
                LayerMember target = pickOf(layers, pick, Kind.MAX_POOL, Kind.AVG_POOL);
                if (target == null) {
                    return false;
                }
                int[] values = {-1, -7, Integer.MIN_VALUE};
                model.replace(target, target.with("stride", Value.ofInt(values[vp % values.length])));
            }
            case DROPOUT_RATE -> breakDouble(Kind.DROPOUT, "rate", pick, vp,
                    1.0, 1.5, -0.1, -Double.MIN_VALUE, Double.NaN, Double.POSITIVE_INFINITY,
                    Double.NEGATIVE_INFINITY, 1e300);
            case BN_MOMENTUM -> breakDouble(Kind.BATCH_NORM, "momentum", pick, vp,
                    0.0, 1.0, -0.5, 2.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
            case BN_EPSILON -> breakDouble(Kind.BATCH_NORM, "epsilon", pick, vp,
                    0.0, -0.0, -1e-5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
            case ACTIVATION_NOT_FINITE -> {
                Kind kind = vp % 2 == 0 ? Kind.ELU : Kind.LEAKY_RELU;
                breakDouble(kind, kind == Kind.ELU ? "alpha" : "value", pick, vp / 2,
                        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
            }
            case WINDOW_TOO_LARGE -> {
                List<LayerMember> windows = layers.stream()
                        .filter(l -> l.kind() == Kind.CONV2D || l.kind().isPool()).toList();
                if (windows.isEmpty()) {
                    return false;
                }
                LayerMember target = windows.get(pick % windows.size());
                int[] in = inputs.get(target);
                int[] sizes = {Math.max(in[1], in[2]) + 1, Math.min(in[1], in[2]) + 1, 1000, Integer.MAX_VALUE};
                int size = sizes[vp % sizes.length];
                LayerMember changed = target.kind() == Kind.CONV2D
                        ? target.with("kernel", Value.ofInt(size)).with("padding", Value.ofPadding("VALID"))
                        : target.with("value", Value.ofInt(size));
                model.replace(target, changed);
            }
            case MISSING_FLATTEN -> {
                LayerMember flatten = pickOf(layers, pick, Kind.FLATTEN);
                if (flatten == null) {
                    return false;
                }
                model.members.remove(flatten);
            }
            case NEEDS_IMAGE -> {
                List<LayerMember> vectorInputs = layers.stream().filter(l -> inputs.get(l).length == 1).toList();
                if (vectorInputs.isEmpty()) {
                    return false;
                }
                LayerMember before = vectorInputs.get(pick % vectorInputs.size());
                Kind kind = new Kind[] {Kind.CONV2D, Kind.MAX_POOL, Kind.AVG_POOL, Kind.FLATTEN}[vp % 4];
                Map<String, Value> v = new LinkedHashMap<>();
                if (kind == Kind.CONV2D) {
                    v.put("filters", Value.ofInt(1));
                    v.put("kernel", Value.ofInt(1));
                } else if (kind != Kind.FLATTEN) {
                    v.put("value", Value.ofInt(1));
                }
                model.members.add(model.members.indexOf(before), LayerMember.of(kind, newLayerName(), v));
            }
            case LOSS_NEEDS_VECTOR -> {
                LayerMember flatten = pickOf(layers, 0, Kind.FLATTEN);
                if (flatten == null) {
                    return false;
                }
                int from = layers.indexOf(flatten);
                for (LayerMember l : layers.subList(from, layers.size())) {
                    model.members.remove(l);
                }
                if (model.layerMembers().isEmpty()) {
                    model.members.add(LayerMember.of(Kind.RELU, newLayerName(), Map.of()));
                }
            }
            case INPUT_RANK -> {
                // Two entries are a signal [C, L] since issue 13: not a rank fault.
                int[][] inputs = {{}, {1, 2, 3, 4}, {3, 8, 8, 1, 1}};
                model.input = inputs[vp % inputs.length];
                model.scalarInput = false;
            }
            case INPUT_NOT_POSITIVE -> {
                int[] values = {0, -1, Integer.MIN_VALUE};
                model.input = model.input.clone();
                model.input[pick % model.input.length] = values[vp % values.length];
                model.scalarInput = model.scalarInput && random.nextBoolean();
            }
            case TENSOR_TOO_LARGE -> {
                return tooLarge(layers, pick, vp);
            }
            case NO_ANNOTATION -> model.members.add(pick % (model.members.size() + 1),
                    LayerMember.of(Kind.RELU, newLayerName(), Map.of()).unannotated());
            case TWO_ANNOTATIONS -> {
                LayerMember target = layers.get(pick % layers.size());
                Kind[] free = {Kind.BATCH_NORM, Kind.RELU, Kind.ELU, Kind.LEAKY_RELU, Kind.TANH, Kind.SIGMOID,
                    Kind.SOFTMAX, Kind.DROPOUT, Kind.FLATTEN};
                Kind second = free[vp % free.length];
                if (second == target.kind()) {
                    second = second == Kind.RELU ? Kind.TANH : Kind.RELU;
                }
                model.replace(target, target.withExtra(second));
            }
            case WRONG_RETURN -> {
                LayerMember target = layers.get(pick % layers.size());
                String[] types = {"int", "Object", "String", "void", "Layer[]", "java.util.List<Layer>", "Runnable"};
                model.replace(target, target.returning(types[vp % types.length]));
            }
            case HAS_PARAMETERS -> {
                LayerMember target = layers.get(pick % layers.size());
                String[] params = {"int x", "Layer previous", "String... names", "int a, int b"};
                model.replace(target, target.withParameters(params[vp % params.length]));
            }
            case TYPE_PARAMETERS -> {
                LayerMember target = layers.get(pick % layers.size());
                String[] params = {"<T>", "<T extends Number>", "<A, B>"};
                model.replace(target, target.withTypeParameters(params[vp % params.length]));
            }
            case ANNOTATED_CONCRETE -> {
                LayerMember target = layers.get(pick % layers.size());
                model.replace(target, target.withBody(new String[] {"default", "static", "private"}[vp % 3]));
            }
            case RESERVED_NAME -> {
                LayerMember target = layers.get(pick % layers.size());
                List<String> reserved = List.copyOf(Oracle.RESERVED).stream().sorted().toList();
                model.replace(target, target.renamed(reserved.get(vp % reserved.size())));
            }
            case NO_LAYERS -> {
                model.members.removeIf(m -> m instanceof LayerMember);
                if (vp % 2 == 0) {
                    model.members.add(new HelperMember(List.of("default Layer notALayer() { return null; }")));
                }
            }
            case NONE -> { }
        }
        return true;
    }

    private void breakDouble(Kind kind, String member, int pick, int vp, double... values) {
        LayerMember target = pickOf(model.layerMembers(), pick, kind);
        double value = values[vp % values.length];
        if (target == null) {
            // Shape-preserving layers fit anywhere: add one.
            LayerMember added = LayerMember.of(kind, newLayerName(), Map.of(member, Value.ofDouble(value)));
            List<LayerMember> layers = model.layerMembers();
            model.members.add(model.members.indexOf(layers.get(pick % layers.size())), added);
        } else {
            model.replace(target, target.with(member, Value.ofDouble(value)));
        }
    }

    /** A valid model too large to run: compile-only. */
    private boolean huge(int vp) {
        model.fault = Fault.HUGE_VALID.name();
        model.members.removeIf(m -> m instanceof LayerMember);
        switch (vp % 3) {
            case 0 -> {
                model.input = new int[] {1};
                model.members.add(LayerMember.of(Kind.DENSE, newLayerName(), Map.of("value", Value.ofInt(Integer.MAX_VALUE))));
                model.members.add(LayerMember.of(Kind.DENSE, newLayerName(), Map.of("value", Value.ofInt(1))));
            }
            case 1 -> {
                model.input = new int[] {1, 4, 4};
                Map<String, Value> conv = new LinkedHashMap<>();
                conv.put("filters", Value.ofInt(1));
                conv.put("kernel", Value.ofInt(40_000));
                conv.put("padding", Value.ofPadding("SAME"));
                model.members.add(LayerMember.of(Kind.CONV2D, newLayerName(), conv));
                model.members.add(LayerMember.of(Kind.FLATTEN, newLayerName(), Map.of()));
                model.members.add(LayerMember.of(Kind.DENSE, newLayerName(), Map.of("value", Value.ofInt(2))));
            }
            default -> {
                model.input = new int[] {1, 1, Integer.MAX_VALUE};
                model.members.add(LayerMember.of(Kind.FLATTEN, newLayerName(), Map.of()));
                model.members.add(LayerMember.of(Kind.DENSE, newLayerName(), Map.of("value", Value.ofInt(1))));
            }
        }
        model.scalarInput = false;
        return true;
    }

    private boolean tooLarge(List<LayerMember> layers, int pick, int vp) {
        switch (vp % 3) {
            case 0 -> {
                List<LayerMember> wide = layers.stream()
                        .filter(l -> inputs.get(l).length == 1 && inputs.get(l)[0] >= 2).toList();
                if (wide.isEmpty()) {
                    return false;
                }
                LayerMember before = wide.get(pick % wide.size());
                model.members.add(model.members.indexOf(before),
                        LayerMember.of(Kind.DENSE, newLayerName(), Map.of("value", Value.ofInt(Integer.MAX_VALUE))));
            }
            case 1 -> {
                model.input = new int[] {Integer.MAX_VALUE, 2, 1 + pick % 3};
                model.scalarInput = false;
            }
            default -> {
                List<LayerMember> images = layers.stream()
                        .filter(l -> inputs.get(l).length == 3 && inputs.get(l)[1] * inputs.get(l)[2] >= 2).toList();
                if (images.isEmpty()) {
                    return false;
                }
                Map<String, Value> conv = new LinkedHashMap<>();
                conv.put("filters", Value.ofInt(Integer.MAX_VALUE));
                conv.put("kernel", Value.ofInt(1));
                conv.put("padding", Value.ofPadding("SAME"));
                LayerMember before = images.get(pick % images.size());
                model.members.add(model.members.indexOf(before), LayerMember.of(Kind.CONV2D, newLayerName(), conv));
            }
        }
        return true;
    }

    private static LayerMember pickOf(List<LayerMember> layers, int pick, Kind... kinds) {
        List<LayerMember> matching = layers.stream().filter(l -> List.of(kinds).contains(l.kind())).toList();
        return matching.isEmpty() ? null : matching.get(pick % matching.size());
    }

    private static int ceilDiv(int in, int stride) {
        return (int) (((long) in + stride - 1) / stride);
    }

    /** All members, for tests of the factory itself. */
    static List<Member> members(FuzzModel model) {
        return new ArrayList<>(model.members);
    }
}
