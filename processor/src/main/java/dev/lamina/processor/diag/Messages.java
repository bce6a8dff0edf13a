package dev.lamina.processor.diag;

import dev.lamina.processor.ir.Shape;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The IDs of every diagnostic the processor prints, and the text of those that are not lint
 * findings (the reader's, shape inference's, the processor's own), so that tests assert the exact
 * wording (Dagger's {@code ErrorMessages}). Each message starts with its stable ID in brackets,
 * {@code [Lamina/<Id>]}: one of the constants below, or a lint rule's ID ({@code
 * dev.lamina.processor.lint.Rule#id}). A layer is named by its kind and method name, {@code Conv2d
 * 'conv1'}, and shapes are one example without the batch axis, {@code [C, H, W]} or {@code [F]};
 * the layouts that could be taken for those name their axes ({@code [T=16, D=64]}, {@code [C=2, L=100]},
 * {@code [T=16]}, see {@link Shape#toString}).
 */
public final class Messages {
    private Messages() {}

    /** What every diagnostic ID starts with: {@code Lamina/<Id>}, printed in brackets. */
    public static final String PREFIX = "Lamina/";

    /** The declaration is not a model Lamina can implement (wrong kind, signature, annotations). */
    public static final String MALFORMED_MODEL = "MalformedModel";
    /** A hyperparameter outside its domain (non-positive size, rate outside [0, 1), ...). */
    public static final String INVALID_HYPERPARAMETER = "InvalidHyperparameter";
    /** A kernel or pooling window larger than its input. */
    public static final String INFEASIBLE_WINDOW = "InfeasibleWindow";
    /** A layer that needs a vector ({@code [F]}) is fed an image ({@code [C, H, W]}). */
    public static final String MISSING_FLATTEN = "MissingFlatten";
    /** Any other input or output of the wrong rank. */
    public static final String RANK_MISMATCH = "RankMismatch";
    /** A tensor with more elements than a Java array (and an ND4J buffer we allocate) can index. */
    public static final String TENSOR_TOO_LARGE = "TensorTooLarge";

    /** An unexpected exception inside the processor: a bug in Lamina, reported on the model. */
    public static final String INTERNAL_ERROR = "InternalError";
    /** The generated class or the SARIF report could not be written. */
    public static final String WRITE_FAILED = "WriteFailed";
    /** A {@code -Alamina.*} option that Lamina does not know, or a value it does not accept. */
    public static final String BAD_OPTION = "BadOption";
    /** A valid option that has no effect as set (a rule switched on without its enabling parameter). */
    public static final String OPTION_WITHOUT_EFFECT = "OptionWithoutEffect";
    /** The model summary that {@code -Alamina.summary=true} prints as a NOTE. */
    public static final String SUMMARY = "Summary";
    /** {@code @SuppressWarnings("Lamina/<Id>")} naming no lint rule. */
    public static final String UNKNOWN_SUPPRESSION = "UnknownSuppression";
    /** A layer annotation on a method outside any {@code @Sequential} or {@code @Block} interface. */
    public static final String LAYER_OUTSIDE_MODEL = "LayerOutsideModel";
    /** The paths that a {@code @Residual} adds or a {@code @Concat} concatenates disagree on shape. */
    public static final String SHAPE_MISMATCH = "ShapeMismatch";
    /** A model that, with every block use expanded, has more than {@link #MAX_LAYERS} layers. */
    public static final String TOO_MANY_LAYERS = "TooManyLayers";
    /**
     * A layer fed a layout it cannot take: a token sequence {@code [T, D]} where it needs a signal
     * {@code [C, L]} of the same rank, token ids where it needs features, ...
     */
    public static final String LAYOUT_MISMATCH = "LayoutMismatch";

    /** Every ID above, for tests and documentation. */
    public static final List<String> IDS = List.of(MALFORMED_MODEL, INVALID_HYPERPARAMETER, INFEASIBLE_WINDOW,
            MISSING_FLATTEN, RANK_MISMATCH, TENSOR_TOO_LARGE, INTERNAL_ERROR, WRITE_FAILED, BAD_OPTION,
            OPTION_WITHOUT_EFFECT, SUMMARY, UNKNOWN_SUPPRESSION, LAYER_OUTSIDE_MODEL, SHAPE_MISMATCH, TOO_MANY_LAYERS,
            LAYOUT_MISMATCH);

    /** The largest number of elements in one example's tensor, or in one weight tensor. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE;

    /**
     * The most layers one model may have with every block use expanded, junctions included: nested
     * {@code @Repeat}s multiply, and the processor must not hang on {@code times = 1_000_000}.
     */
    public static final int MAX_LAYERS = 10_000;

    /**
     * Simple names of the annotations that declare a layer method, in the order the documentation
     * lists them: the layer kinds, then the block uses ({@link #BLOCK_USES}).
     */
    public static final List<String> LAYER_ANNOTATIONS = List.of("Conv2d", "Dense", "BatchNorm", "ReLU",
            "ELU", "LeakyReLU", "Tanh", "Sigmoid", "Softmax", "Dropout", "MaxPool2d", "AvgPool2d", "GlobalAvgPool2d",
            "Flatten", "Embedding", "PositionalEmbedding", "LayerNorm", "MultiHeadAttention", "GELU", "SiLU",
            "Patches", "GlobalAvgPool1d", "Conv1d", "MaxPool1d", "Residual", "Concat", "Repeat");

    /** The annotations of {@link #LAYER_ANNOTATIONS} whose method uses {@code @Block}s rather than being one layer. */
    public static final List<String> BLOCK_USES = List.of("Residual", "Concat", "Repeat");

    /** {@code [Lamina/<id>] <text>}: how every diagnostic starts. */
    public static String format(String id, String text) {
        return "[" + PREFIX + id + "] " + text;
    }

    private static String layer(String kind, String name) {
        return kind + " '" + name + "'";
    }

    /** {@code {1, 28, 28}}, as the user writes an array in an annotation. */
    public static String braces(int[] values) {
        return Arrays.stream(values).mapToObj(Integer::toString).collect(Collectors.joining(", ", "{", "}"));
    }

    // ---- MalformedModel: the declaration -------------------------------------------------------

    /** {@code @Sequential} on something other than an interface; {@code kind} is e.g. "a class". */
    public static String notAnInterface(String name, String kind) {
        return format(MALFORMED_MODEL, "@Sequential must annotate an interface, but '" + name + "' is " + kind);
    }

    public static String localInterface(String name) {
        return format(MALFORMED_MODEL, "@Sequential interface '" + name + "' is declared inside a method or"
                + " block; declare it top-level or as a member of a class or interface");
    }

    public static String privateInterface(String name) {
        return format(MALFORMED_MODEL, "@Sequential interface '" + name + "' must not be private or inside a"
                + " private type: the generated class in its package implements it");
    }

    public static String genericInterface(String name) {
        return format(MALFORMED_MODEL, "@Sequential interface '" + name + "' must not have type parameters");
    }

    public static String extendsInterfaces(String name) {
        return format(MALFORMED_MODEL, "@Sequential interface '" + name + "' must not extend other interfaces;"
                + " declare every layer in it");
    }

    public static String inputRank(int[] input) {
        return format(MALFORMED_MODEL, "@Sequential input must have 1 entry {features}, 2 entries {channels,"
                + " length} or 3 entries {channels, height, width}, but has " + input.length + ": " + braces(input));
    }

    /** {@code @Sequential(tokens = true)} with an input of other than one entry. */
    public static String tokensInputRank(int[] input) {
        return format(MALFORMED_MODEL, "@Sequential(tokens = true) takes token ids, so input must have 1 entry"
                + " {tokens}, but has " + input.length + ": " + braces(input) + "; remove tokens = true, or declare"
                + " input = {tokens}");
    }

    public static String inputNotPositive(int[] input, int index) {
        return format(MALFORMED_MODEL, "@Sequential input entries must be positive, but entry " + index
                + " of " + braces(input) + " is " + input[index]);
    }

    public static String noLayers(String name) {
        return format(MALFORMED_MODEL, "@Sequential interface '" + name + "' declares no layers; add abstract"
                + " methods such as '@Dense(10) Layer logits();'");
    }

    public static String noLayerAnnotation(String method) {
        return format(MALFORMED_MODEL, "method '" + method + "' has no layer annotation; annotate it with"
                + " exactly one of " + LAYER_ANNOTATIONS.stream().map(a -> "@" + a).collect(Collectors.joining(", "))
                + ", or give it a default body");
    }

    /** {@code kinds}: the simple names of the layer annotations found, in source order. */
    public static String severalLayerAnnotations(String method, List<String> kinds) {
        return format(MALFORMED_MODEL, "method '" + method + "' has " + kinds.size() + " layer annotations ("
                + kinds.stream().map(k -> "@" + k).collect(Collectors.joining(", "))
                + "); declare one layer per method");
    }

    /** A layer annotation on a method with a body; {@code modifier} is "default", "static" or "private". */
    public static String layerOnConcreteMethod(String kind, String method, String modifier) {
        return format(MALFORMED_MODEL, "@" + kind + " is on " + modifier + " method '" + method + "'; only"
                + " abstract methods declare layers");
    }

    public static String wrongReturnType(String method, String actual) {
        return format(MALFORMED_MODEL, "layer method '" + method + "' must return dev.lamina.dsl.Layer, not "
                + actual);
    }

    public static String hasParameters(String method) {
        return format(MALFORMED_MODEL, "layer method '" + method + "' must have no parameters");
    }

    public static String hasTypeParameters(String method) {
        return format(MALFORMED_MODEL, "layer method '" + method + "' must have no type parameters");
    }

    public static String duplicateLayerName(String method) {
        return format(MALFORMED_MODEL, "two layers are named '" + method + "'; layer names must be unique");
    }

    /** {@code owner} is the simple name of the type whose no-argument method the layer would hide. */
    public static String clashesWithGeneratedMethod(String method, String owner) {
        return format(MALFORMED_MODEL, "layer method '" + method + "' has the name of " + owner + "." + method
                + "(), which the generated class also implements; rename the layer");
    }

    /**
     * The class the model would generate already exists and is not an earlier output of Lamina
     * for this model; {@code existing} describes it, e.g. "an interface".
     */
    public static String generatedNameTaken(String model, String generated, String existing) {
        return format(MALFORMED_MODEL, "the class generated for '" + model + "' would be " + generated
                + ", but " + existing + " of that name already exists; rename the model or that type");
    }

    /** Two models (nested in different types, say) would generate the same class. */
    public static String generatedNameClash(String model, String generated, String other) {
        return format(MALFORMED_MODEL, "'" + model + "' and '" + other + "' would both generate " + generated
                + "; rename one of them");
    }

    /**
     * After the last round, part of the declaration (a type, an annotation value) still did not
     * resolve; javac reports what. Nothing was generated.
     */
    public static String neverResolved(String model) {
        return format(MALFORMED_MODEL, "'" + model + "' was not generated: some of the types or annotation"
                + " values it uses never resolved (javac's errors say which)");
    }

    // ---- MalformedModel: blocks ------------------------------------------------------------------

    /** An interface with both annotations: a block has no input or loss of its own. */
    public static String blockAndSequential(String name) {
        return format(MALFORMED_MODEL, "interface '" + name + "' is both a @Block and a @Sequential model; a block"
                + " has no input or loss of its own, it gets its input where it is used: remove @Sequential, or"
                + " remove @Block to keep it a model only");
    }

    /**
     * A block use ({@code annotation}: "Residual", "Concat", "Repeat") on method {@code use} names
     * {@code type} as its {@code role} ("body", "shortcut", "branch 1", "unit"), and {@code type} is
     * {@code what} ("a class", "an interface without @Block", "a @Sequential model", ...).
     */
    public static String notABlock(String annotation, String use, String role, String type, String what) {
        return format(MALFORMED_MODEL, "@" + annotation + " '" + use + "' uses " + type + " as its " + role
                + ", but " + type + " is " + what + ", not a @Block interface; declare the " + role + "'s layers"
                + " in an interface annotated @Block");
    }

    public static String emptyBlock(String name) {
        return format(MALFORMED_MODEL, "@Block interface '" + name + "' declares no layers; add abstract methods"
                + " such as '@ReLU Layer relu();'");
    }

    public static String genericBlock(String name) {
        return format(MALFORMED_MODEL, "@Block interface '" + name + "' must not have type parameters");
    }

    public static String blockExtendsInterfaces(String name) {
        return format(MALFORMED_MODEL, "@Block interface '" + name + "' must not extend other interfaces;"
                + " declare every layer in it");
    }

    /** {@code cycle}: the blocks from the first to the one that uses it again, e.g. {@code [A, B, A]}. */
    public static String blockCycle(List<String> cycle) {
        return format(MALFORMED_MODEL, "block " + cycle.get(0) + " contains itself: " + String.join(" -> ", cycle)
                + "; a block may use other blocks, but not itself, directly or through others");
    }

    /** {@code @Concat(value = {})}. */
    public static String concatWithoutBranches(String use) {
        return format(MALFORMED_MODEL, "@Concat '" + use + "' names no blocks; list at least one @Block interface"
                + " in value");
    }

    /**
     * The use whose expansion takes most layers, {@code useLayers} of the model's {@code total}, with
     * every block use expanded.
     */
    public static String tooManyLayers(String annotation, String use, BigInteger useLayers, BigInteger total) {
        return format(TOO_MANY_LAYERS, "@" + annotation + " '" + use + "' expands to " + useLayers + " layers,"
                + " which makes " + total + " in the model; Lamina accepts at most " + MAX_LAYERS + " layers per"
                + " model (junctions included): lower times, or use smaller blocks");
    }

    /** A model of more than {@link #MAX_LAYERS} methods, without any block use to blame. */
    public static String tooManyLayers(String model, BigInteger total) {
        return format(TOO_MANY_LAYERS, "@Sequential interface '" + model + "' has " + total + " layers; Lamina"
                + " accepts at most " + MAX_LAYERS + " layers per model");
    }

    // ---- InvalidHyperparameter ------------------------------------------------------------------

    /** {@code what} is the user-facing name: filters, units, kernel, stride, window. */
    public static String notPositive(String kind, String name, String what, int value) {
        return format(INVALID_HYPERPARAMETER, layer(kind, name) + ": " + what + " must be positive, was " + value);
    }

    /**
     * A 2-D window or stride ({@code what}) given {@code count} values instead of one (square) or two
     * ({@code {height, width}}).
     */
    public static String pairArity(String kind, String name, String what, int count) {
        return format(INVALID_HYPERPARAMETER, layer(kind, name) + ": " + what + " takes 1 value (the same on both"
                + " axes) or 2 ({height, width}), but has " + count);
    }

    /** Pooling stride, where 0 is the documented "same as the window" default. */
    public static String negativePoolStride(String kind, String name, int value) {
        return format(INVALID_HYPERPARAMETER, layer(kind, name) + ": stride must be positive, or 0 for the"
                + " window size, was " + value);
    }

    /** {@code range} in interval notation, e.g. {@code [0, 1)}. */
    public static String outOfRange(String kind, String name, String what, String range, double value) {
        return format(INVALID_HYPERPARAMETER, layer(kind, name) + ": " + what + " must be in " + range
                + ", was " + value);
    }

    public static String notPositiveFinite(String kind, String name, String what, double value) {
        return format(INVALID_HYPERPARAMETER, layer(kind, name) + ": " + what + " must be positive and finite,"
                + " was " + value);
    }

    public static String notFinite(String kind, String name, String what, double value) {
        return format(INVALID_HYPERPARAMETER, layer(kind, name) + ": " + what + " must be finite, was " + value);
    }

    // ---- Shapes ---------------------------------------------------------------------------------

    /**
     * A window ({@code what}: "kernel" or "window") that does not fit its input along {@code axis}
     * ("height" or "width", "length" for a signal) of size {@code axisSize}.
     */
    public static String infeasibleWindow(String kind, String name, String what, String size, Shape input,
            String axis, int axisSize) {
        return format(INFEASIBLE_WINDOW, layer(kind, name) + ": " + what + " " + size + " is larger than its"
                + " input " + input + " (" + axis + " " + axisSize + ")");
    }

    /** Dense or Softmax fed an image. */
    public static String missingFlatten(String kind, String name, Shape input) {
        return format(MISSING_FLATTEN, layer(kind, name) + " needs a vector input but gets " + input
                + "; add @Flatten before it");
    }

    /** Conv2d or a pooling layer fed a vector. */
    public static String needsImage(String kind, String name, Shape input) {
        return format(RANK_MISMATCH, layer(kind, name) + " needs an image input [channels, height, width]"
                + " but gets " + input);
    }

    public static String nothingToFlatten(String name, Shape input) {
        return format(RANK_MISMATCH, layer("Flatten", name) + " needs an image input [channels, height,"
                + " width] but gets " + input + ", which is already a vector: there is nothing to flatten;"
                + " remove @Flatten");
    }

    /** A layer that accepts vectors and images fed anything else. */
    public static String needsVectorOrImage(String kind, String name, Shape input) {
        return format(RANK_MISMATCH, layer(kind, name) + " needs a vector [features] or an image [channels,"
                + " height, width] but gets " + input);
    }

    /**
     * A layer given a layout it cannot take; {@code accepted} are the layouts it takes, named in the
     * message with the input's own.
     */
    public static String wrongLayout(String kind, String name, List<Shape.Layout> accepted, Shape input) {
        String takes = accepted.stream().map(Shape.Layout::describe).collect(Collectors.joining(" or "));
        return format(LAYOUT_MISMATCH, layer(kind, name) + " takes " + takes + ", but gets " + input.describe()
                + layoutHint(accepted, input.layout()));
    }

    /** What turns {@code actual} into one of {@code accepted}, where the DSL has it; else empty. */
    private static String layoutHint(List<Shape.Layout> accepted, Shape.Layout actual) {
        if (accepted.contains(Shape.Layout.TOKENS)) {
            return "; only the model's input can be token ids: declare @Sequential(input = {T}, tokens = true)"
                    + " and put this layer first";
        }
        if (actual == Shape.Layout.TOKENS) {
            return "; token ids become a sequence through @Embedding first";
        }
        if (accepted.contains(Shape.Layout.SEQUENCE) && actual == Shape.Layout.IMAGE) {
            return "; @Patches cuts an image into a token sequence";
        }
        if (accepted.contains(Shape.Layout.VECTOR) && actual.rank() == 2) {
            return "; @GlobalAvgPool1d or @Flatten make it a vector";
        }
        return "";
    }

    /** Token ids fed to a layer other than {@code @Embedding}. */
    public static String tokensNeedEmbedding(String kind, String name, Shape input) {
        return format(LAYOUT_MISMATCH, layer(kind, name) + " gets " + input.describe() + ", which only @Embedding"
                + " takes; put @Embedding(vocabulary = ..., dim = ...) first to turn the ids into a token sequence"
                + " [T, D]");
    }

    /** {@code @Patches(size)} on an image whose height or width is not a multiple of {@code size}. */
    public static String patchesDoNotDivide(String name, int size, Shape input) {
        List<String> axes = new java.util.ArrayList<>();
        if (input.dim(1) % size != 0) {
            axes.add("height " + input.dim(1));
        }
        if (input.dim(2) % size != 0) {
            axes.add("width " + input.dim(2));
        }
        List<Integer> fitting = divisors(gcd(input.dim(1), input.dim(2)));
        String fix = fitting.isEmpty() ? "no patch size above 1 divides both; resize the input"
                : "patch sizes that divide both are " + fitting.stream().map(String::valueOf)
                        .collect(Collectors.joining(", "));
        return format(INFEASIBLE_WINDOW, layer("Patches", name) + ": patch size " + size + " does not divide the"
                + " " + String.join(" and ", axes) + " of its input " + input + "; " + fix);
    }

    /**
     * {@code @MultiHeadAttention(heads)} over {@code input} {@code [T, D]} whose D is not a multiple
     * of {@code heads}.
     */
    public static String headsDoNotDivide(String kind, String name, int heads, Shape input) {
        int width = input.last();
        List<Integer> fitting = divisors(width).stream().filter(h -> h <= Math.max(16, heads)).toList();
        return format(INVALID_HYPERPARAMETER, layer(kind, name) + ": heads " + heads + " does not divide the"
                + " features D=" + width + " of its input " + input + "; each head takes D / heads features,"
                + " so use a divisor of " + width + (fitting.isEmpty() ? "" : " such as "
                + fitting.stream().map(String::valueOf).collect(Collectors.joining(", "))));
    }

    /** The divisors of {@code n} above 1, ascending. */
    private static List<Integer> divisors(int n) {
        List<Integer> divisors = new java.util.ArrayList<>();
        for (int d = 2; d <= n; d++) {
            if (n % d == 0) {
                divisors.add(d);
            }
        }
        return divisors;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** The loss consumes {@code [N, K]}; {@code lastLayer} is null for a model without layers. */
    public static String lossNeedsVector(String loss, String lastLayer, Shape output) {
        String source = lastLayer == null ? "the input" : "the last layer '" + lastLayer + "'";
        if (!output.isImage()) {
            return format(RANK_MISMATCH, "loss " + loss + " needs a vector output [units]"
                    + (loss.equals("SOFTMAX_CROSS_ENTROPY") ? " or a token sequence [T, classes] (a prediction per"
                            + " position)" : "")
                    + " but " + source + " gives " + output.describe());
        }
        return format(RANK_MISMATCH, "loss " + loss + " needs a vector output [units] but " + source
                + " gives " + output + "; end the model with @Flatten and @Dense");
    }

    /**
     * A {@code @Residual} whose paths give different shapes; {@code shortcut} is the shortcut block's
     * simple name, or null for the identity; {@code projection} is a block that would fit, e.g. "a
     * @Block with @Conv2d(filters = 32, kernel = 1, stride = 2, bias = false) and @BatchNorm", or
     * null when none does.
     */
    public static String residualShapes(String name, String body, Shape bodyOutput, String shortcut,
            Shape shortcutOutput, Shape input, String projection) {
        String shortcutPath = shortcut == null ? "the identity shortcut" : "the shortcut " + shortcut;
        String fix = projection == null
                ? "no 1x1 projection shortcut maps the input " + input + " to " + bodyOutput + "; change the body"
                        + " so that its output fits a shortcut"
                : (shortcut == null ? "add shortcut = " : "use as shortcut ") + projection;
        return format(SHAPE_MISMATCH, "@Residual '" + name + "': the body " + body + " gives " + bodyOutput
                + " but " + shortcutPath + " gives " + shortcutOutput + "; S(x) + F(x) needs both of the same"
                + " shape. Fix: " + fix);
    }

    /**
     * The parts of a {@code @Concat}, each described as "the input x is [16, 8, 8]" or "branch
     * 'mixed.b3x3' gives [32, 7, 7]", whose heights or widths differ.
     */
    public static String concatSpatialSizes(String name, List<String> parts) {
        return format(SHAPE_MISMATCH, "@Concat '" + name + "': images are concatenated on the channel axis and"
                + " need the same height and width, but " + String.join(", ", parts));
    }

    /** The parts of a {@code @Concat}, described as for {@link #concatSpatialSizes}, mix images and vectors. */
    public static String concatRanks(String name, List<String> parts) {
        return format(RANK_MISMATCH, "@Concat '" + name + "' mixes images and vectors: " + String.join(", ", parts)
                + "; make every part an image, or every part a vector (e.g. with @GlobalAvgPool2d or @Flatten"
                + " at the end of each image branch)");
    }

    /** The parts of a {@code @Concat}, described as for {@link #concatSpatialSizes}, include a sequence or a signal. */
    public static String concatLayout(String name, List<String> parts) {
        return format(LAYOUT_MISMATCH, "@Concat '" + name + "' concatenates images or vectors only, but "
                + String.join(", ", parts));
    }

    /**
     * {@code problem}, a shape error on a layer or junction inside a block, repeated at the model's
     * block use ({@code annotation} on method {@code use}, of {@code blocks}) that puts it there.
     */
    public static String insideBlockUse(String annotation, String use, String blocks, String problem) {
        int end = problem.indexOf("] ");
        String id = problem.substring(1 + PREFIX.length(), end);
        return format(id, "in @" + annotation + " '" + use + "' (" + blocks + "): " + problem.substring(end + 2));
    }

    /** {@code what}: "output [64, 5, 5]" or "weights", counted in {@code elements}. */
    public static String tensorTooLarge(String kind, String name, String what, BigInteger elements) {
        return format(TENSOR_TOO_LARGE, layer(kind, name) + ": " + what + " would hold " + elements
                + " elements, more than " + MAX_ELEMENTS);
    }

    public static String inputTooLarge(Shape input, BigInteger elements) {
        return format(TENSOR_TOO_LARGE, "@Sequential input " + input + " would hold " + elements
                + " elements per example, more than " + MAX_ELEMENTS);
    }

    // ---- The processor ---------------------------------------------------------------------------

    /** An exception escaped a stage; {@code stackTrace} is its printed stack trace. */
    public static String internalError(String stackTrace) {
        return format(INTERNAL_ERROR, "internal error while processing this model; please report it: " + stackTrace);
    }

    /** The generated source could not be written through the Filer. */
    public static String generatedClassNotWritten(String reason) {
        return format(WRITE_FAILED, "could not write the generated class: " + reason);
    }

    /**
     * ECJ refused to write {@code generated} (a qualified name) because a class of that name is
     * already on its class path or source path, left by an earlier build: it would otherwise compile
     * against that stale class (eclipse-jdt/eclipse.jdt.core#1482).
     */
    public static String generatedClassOnClassPathUnderEcj(String generated) {
        return format(WRITE_FAILED, "could not write the generated class " + generated + ": ECJ does not"
                + " regenerate a class that is already on the class path or source path (an earlier build's"
                + " output?) and would compile against the stale one (eclipse-jdt/eclipse.jdt.core#1482)."
                + " Remove the earlier output and generated-source directories from -cp and -sourcepath,"
                + " or build into empty ones");
    }

    /** The SARIF report of {@code -Alamina.report} could not be written. */
    public static String reportNotWritten(String path, String reason) {
        return format(WRITE_FAILED, "could not write the lint report " + path + ": " + reason);
    }

    /** {@code @<annotation>} on method {@code method} of {@code owner} (null at top level) outside a model. */
    public static String layerOutsideModel(String annotation, String method, String owner) {
        String where = owner == null ? "" : " in '" + owner + "'";
        return format(LAYER_OUTSIDE_MODEL, "@" + annotation + " on '" + method + "'" + where
                + " has no effect: Lamina reads layers only from interfaces annotated @Sequential or @Block. Fix:"
                + " annotate the interface with @Sequential(input = {...}) or @Block, or remove the annotation");
    }

    /** The title line of the summary NOTE, followed by the table. */
    public static String summary(String interfaceName, String generatedName, String table) {
        return format(SUMMARY, "summary of " + interfaceName + " (" + generatedName + ".create(seed)):\n"
                + table.stripTrailing());
    }

    /**
     * {@code @SuppressWarnings("<text>")} whose {@code id} (after {@code Lamina/}) names no lint rule;
     * {@code suggestion} is {@code "; did you mean 'X'?"} or empty.
     */
    public static String unknownSuppression(String text, String id, String suggestion) {
        return format(UNKNOWN_SUPPRESSION, "@SuppressWarnings(\"" + text + "\") names no lint rule '" + id + "'"
                + suggestion + "; it suppresses nothing");
    }
}
