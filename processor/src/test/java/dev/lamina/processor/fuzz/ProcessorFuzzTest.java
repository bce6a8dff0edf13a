package dev.lamina.processor.fuzz;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.lamina.dsl.Layer;
import dev.lamina.processor.ir.Loss;
import dev.lamina.processor.LaminaProcessor;
import dev.lamina.processor.fuzz.FuzzModel.Kind;
import dev.lamina.processor.fuzz.ModelFactory.Fault;
import dev.lamina.processor.fuzz.ModelFactory.LayerDraw;
import dev.lamina.processor.fuzz.ModelFactory.ModelDraw;
import dev.lamina.processor.fuzz.Oracle.ExpectedError;
import dev.lamina.processor.fuzz.Oracle.Prediction;
import dev.lamina.processor.fuzz.SourceRenderer.Position;
import dev.lamina.processor.fuzz.SourceRenderer.Rendered;
import dev.lamina.processor.lint.LintRules;
import dev.lamina.processor.lint.RuleInfo;
import dev.lamina.processor.testing.ClaimAllProcessor;
import dev.lamina.processor.testing.FilerRecordingProcessor;
import dev.lamina.processor.testing.GeneratedClassLoader;
import dev.lamina.runtime.model.Model;
import dev.lamina.runtime.model.Parameter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fuzzes the processor with generated {@code @Sequential} interfaces: valid and invalid stacks of
 * every layer kind, random and extreme hyperparameters, random source layouts. For every model the
 * {@link Oracle} predicts, from the DSL's documentation, either the shapes or the errors, and:
 * <ul>
 *   <li>javac never reports that the processor threw (nor a Lamina "internal error");
 *   <li>an invalid model gets exactly the predicted errors, each on the predicted line and column,
 *       and nothing is generated for it;
 *   <li>a valid model generates code that compiles under {@code -Xlint:all -Werror} whose layers
 *       have the predicted shapes and parameter counts, and whose forward pass (training and
 *       inference) on a random batch of 2 returns exactly the predicted output shape; its backward
 *       pass runs. Valid models too large to instantiate are compiled and their shape constants read.
 *   <li>with the lint at its default settings, valid models still never crash the processor; a
 *       model either generates its class or gets lint errors only.
 * </ul>
 * Models are compiled {@value #MODELS_PER_BATCH} to a javac invocation (one try of the property is
 * one batch), so that hundreds of models take about a minute. The number of batches is jqwik's
 * {@code jqwik.tries.default} (10 in {@code junit-platform.properties}; {@code -Pnightly} raises
 * it); the seed is fixed. Counts are printed and written to {@code target/lamina-fuzz-report.txt}.
 */
class ProcessorFuzzTest {
    static final int MODELS_PER_BATCH = 50;
    private static final int BATCH = 2;
    /** Largest parameter count, and largest activation per example, of a model the suite runs. */
    private static final long MAX_RUN_SIZE = 200_000;

    /** Every lint rule off: the oracle knows the DSL's rules, not the lint's. */
    private static final List<String> LINT_OFF = LintRules.all().stream()
            .map(r -> "-Alamina.lint." + r.id() + "=OFF").toList();
    private static final Set<String> LINT_IDS = LintRules.all().stream().map(RuleInfo::id)
            .collect(Collectors.toSet());

    private static final Stats STATS = new Stats();

    @Property(seed = "20250611", shrinking = ShrinkingMode.OFF, generation = GenerationMode.RANDOMIZED,
            edgeCases = EdgeCasesMode.NONE)
    void everyModelGeneratesWorkingCodeOrGetsItsPredictedErrors(@ForAll("batches") List<ModelDraw> draws) {
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < draws.size(); i++) {
            FuzzModel model = ModelFactory.build(draws.get(i), i);
            Rendered rendered = SourceRenderer.render(model, draws.get(i).layoutSeed());
            JavaFileObject file = JavaFileObjects.forSourceString(model.topLevelName(), rendered.text());
            Prediction prediction = Oracle.predict(model);
            // Instantiate only what a test can afford: the rest is compiled and its constants read.
            model.runnable = prediction instanceof Prediction.Valid v
                    && v.parameters() <= MAX_RUN_SIZE && v.largestActivation() <= MAX_RUN_SIZE;
            cases.add(new Case(model, rendered, prediction, file));
        }
        List<String> problems = new ArrayList<>();
        List<Case> invalid = cases.stream().filter(c -> c.prediction() instanceof Prediction.Invalid).toList();
        List<Case> valid = cases.stream().filter(c -> c.prediction() instanceof Prediction.Valid).toList();
        if (!invalid.isEmpty()) {
            checkInvalid(invalid, problems);
        }
        if (!valid.isEmpty()) {
            checkValid(valid, problems);
            checkValidWithDefaultLint(valid, problems);
        }
        STATS.count(cases);
        if (!problems.isEmpty()) {
            STATS.failures.addAndGet(problems.size());
            throw new AssertionError(problems.size() + " problem(s) in a batch of " + cases.size() + " models:\n\n"
                    + problems.stream().limit(6).collect(Collectors.joining("\n\n")));
        }
    }

    // ---- invalid models -----------------------------------------------------------------------------

    private static void checkInvalid(List<Case> cases, List<String> problems) {
        FilerRecordingProcessor recording = new FilerRecordingProcessor(new LaminaProcessor());
        Compilation compilation = compile(Compiler.javac().withProcessors(recording), cases);
        checkNoCrash(compilation, problems);
        for (Case c : cases) {
            List<Diagnostic<? extends JavaFileObject>> errors = errorsIn(compilation, c.file());
            List<ExpectedError> expected = ((Prediction.Invalid) c.prediction()).errors();
            List<String> unmatched = new ArrayList<>();
            List<Diagnostic<? extends JavaFileObject>> remaining = new ArrayList<>(errors);
            for (ExpectedError e : expected) {
                Position at = c.rendered().position(e.target());
                Diagnostic<? extends JavaFileObject> match = remaining.stream()
                        .filter(d -> d.getMessage(Locale.ROOT).startsWith("[Lamina/" + e.id() + "]")
                                && d.getLineNumber() == at.line() && d.getColumnNumber() == at.column())
                        .findFirst().orElse(null);
                if (match == null) {
                    unmatched.add("[Lamina/" + e.id() + "] at " + at + " (" + e.target() + ")");
                } else {
                    remaining.remove(match);
                    STATS.errorsChecked.incrementAndGet();
                }
            }
            if (!unmatched.isEmpty() || !remaining.isEmpty()) {
                problems.add(describe(c) + "expected errors not reported: " + unmatched + "\nunexpected errors: "
                        + format(remaining) + "\nall errors in the file: " + format(errors));
            }
            String generated = c.model().generatedBinaryName();
            if (recording.createdFiles().contains(generated)) {
                problems.add(describe(c) + "generated " + generated + " although the model has errors");
            }
        }
    }

    // ---- valid models -------------------------------------------------------------------------------

    private static void checkValid(List<Case> cases, List<String> problems) {
        List<String> options = new ArrayList<>(List.of("-Xlint:all", "-Werror"));
        options.addAll(LINT_OFF);
        Compilation compilation = compile(Compiler.javac()
                .withProcessors(new LaminaProcessor(), new ClaimAllProcessor())
                .withOptions(options), cases);
        checkNoCrash(compilation, problems);
        if (compilation.status() != Compilation.Status.SUCCESS || !compilation.warnings().isEmpty()) {
            // Attribute each diagnostic to its model (generated files carry the model's name).
            for (Case c : cases) {
                List<Diagnostic<? extends JavaFileObject>> mine = compilation.diagnostics().stream()
                        .filter(d -> d.getKind() != Diagnostic.Kind.NOTE && belongsTo(d, c))
                        .collect(Collectors.toList());
                if (!mine.isEmpty()) {
                    problems.add(describe(c) + "valid model did not compile cleanly under -Xlint:all -Werror: "
                            + format(mine) + generatedSource(compilation, c));
                }
            }
            if (problems.isEmpty()) {
                problems.add("valid batch failed: " + format(compilation.diagnostics()));
            }
            return;
        }
        GeneratedClassLoader loader = new GeneratedClassLoader(compilation);
        for (Case c : cases) {
            String name = c.model().generatedBinaryName();
            if (!loader.has(name)) {
                problems.add(describe(c) + "no class " + name + " was generated");
                continue;
            }
            try {
                Files.writeString(Path.of("target", "lamina-fuzz-running.txt"), c.rendered().text());
                Class<?> generated = loader.loadClass(name);
                if (c.model().runnable) {
                    run(c, generated, problems);
                } else {
                    readConstants(c, generated, problems);
                }
            } catch (ReflectiveOperationException | RuntimeException | IOException e) {
                Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
                problems.add(describe(c) + "running the generated class threw " + stackTrace(cause)
                        + generatedSource(compilation, c));
            }
        }
    }

    /** Instantiates the model and runs forward (both modes) and backward on a random batch. */
    private static void run(Case c, Class<?> generated, List<String> problems) throws ReflectiveOperationException {
        Prediction.Valid p = (Prediction.Valid) c.prediction();
        Model model = (Model) generated.getMethod("create", long.class).invoke(null, (long) c.model().index);
        checkLayers(c, model.outputShape(), model.layers(), problems);
        long[] inputShape = LongStream.concat(LongStream.of(BATCH), Arrays.stream(c.model().input).asLongStream())
                .toArray();
        long[] expected = LongStream.concat(LongStream.of(BATCH), Arrays.stream(p.output()).asLongStream()).toArray();
        Nd4j.getRandom().setSeed(c.model().index);
        INDArray x = Nd4j.rand(DataType.FLOAT, inputShape).subi(0.5);
        model.seedDropout(c.model().index);
        INDArray train = model.forward(x, true);
        if (!Arrays.equals(train.shape(), expected)) {
            problems.add(describe(c) + "training forward returned " + Arrays.toString(train.shape()) + ", predicted "
                    + Arrays.toString(expected));
        }
        model.zeroGrad();
        model.backward(train.ulike().assign(1.0 / train.length()));
        for (Parameter param : model.parameters()) {
            if (!Arrays.equals(param.grad().shape(), param.value().shape())) {
                problems.add(describe(c) + param.name() + " has gradient " + Arrays.toString(param.grad().shape()));
            }
        }
        INDArray inference = model.forward(x, false);
        if (!Arrays.equals(inference.shape(), expected)) {
            problems.add(describe(c) + "inference forward returned " + Arrays.toString(inference.shape())
                    + ", predicted " + Arrays.toString(expected));
        }
        STATS.forwardPasses.addAndGet(2);
        STATS.backwardPasses.incrementAndGet();
    }

    /** For models too large to instantiate: the generated class's shape constants. */
    @SuppressWarnings("unchecked")
    private static void readConstants(Case c, Class<?> generated, List<String> problems)
            throws ReflectiveOperationException {
        Field output = generated.getDeclaredField("OUTPUT_SHAPE");
        Field layers = generated.getDeclaredField("LAYERS");
        output.setAccessible(true);
        layers.setAccessible(true);
        checkLayers(c, (int[]) output.get(null), (List<Layer>) layers.get(null), problems);
        STATS.compileOnly.incrementAndGet();
    }

    private static void checkLayers(Case c, int[] output, List<Layer> layers, List<String> problems) {
        Prediction.Valid p = (Prediction.Valid) c.prediction();
        if (!Arrays.equals(output, p.output())) {
            problems.add(describe(c) + "outputShape() is " + Arrays.toString(output) + ", predicted "
                    + Arrays.toString(p.output()));
        }
        List<String> names = layers.stream().map(Layer::name).toList();
        if (!names.equals(List.copyOf(p.layerShapes().keySet()))) {
            problems.add(describe(c) + "layers() are " + names + ", predicted " + p.layerShapes().keySet());
            return;
        }
        for (Layer layer : layers) {
            int[] predicted = p.layerShapes().get(layer.name());
            long count = p.parameterCounts().get(layer.name());
            if (!Arrays.equals(layer.outputShape(), predicted) || layer.parameterCount() != count) {
                problems.add(describe(c) + "layer " + layer.name() + " has output " + Arrays.toString(layer.outputShape())
                        + " and " + layer.parameterCount() + " parameters, predicted " + Arrays.toString(predicted)
                        + " and " + count);
            }
        }
    }

    /** The lint at its defaults: never a crash; each model either generates its class or gets lint errors. */
    private static void checkValidWithDefaultLint(List<Case> cases, List<String> problems) {
        FilerRecordingProcessor recording = new FilerRecordingProcessor(new LaminaProcessor());
        Compilation compilation = compile(Compiler.javac().withProcessors(recording), cases);
        checkNoCrash(compilation, problems);
        for (Case c : cases) {
            List<Diagnostic<? extends JavaFileObject>> errors = errorsIn(compilation, c.file());
            List<Diagnostic<? extends JavaFileObject>> notLint = errors.stream()
                    .filter(d -> !LINT_IDS.contains(idOf(d.getMessage(Locale.ROOT)))).toList();
            if (!notLint.isEmpty()) {
                problems.add(describe(c) + "with the default lint, errors other than lint findings: " + format(notLint));
            }
            boolean generated = recording.createdFiles().contains(c.model().generatedBinaryName());
            if (errors.isEmpty() != generated) {
                problems.add(describe(c) + "with the default lint, " + errors.size() + " errors but generated: "
                        + generated);
            }
            if (!errors.isEmpty()) {
                STATS.lintRejected.incrementAndGet();
            }
        }
    }

    // ---- compiling and diagnostics ----------------------------------------------------------------------

    private static Compilation compile(Compiler compiler, List<Case> cases) {
        long start = System.nanoTime();
        Compilation compilation = compiler.compile(cases.stream().map(Case::file).toList());
        STATS.javacRuns.incrementAndGet();
        STATS.javacNanos.addAndGet(System.nanoTime() - start);
        return compilation;
    }

    /** javac's "processor threw" and Lamina's "internal error" are failures wherever they appear. */
    private static void checkNoCrash(Compilation compilation, List<String> problems) {
        for (Diagnostic<? extends JavaFileObject> d : compilation.diagnostics()) {
            String message = d.getMessage(Locale.ROOT);
            if (message.contains("internal error") || message.contains("threw")) {
                problems.add("the processor crashed: " + message);
            }
        }
    }

    private static List<Diagnostic<? extends JavaFileObject>> errorsIn(Compilation compilation, JavaFileObject file) {
        return compilation.errors().stream()
                .filter(d -> d.getSource() != null && d.getSource().toUri().equals(file.toUri()))
                .collect(Collectors.toList());
    }

    private static boolean belongsTo(Diagnostic<? extends JavaFileObject> d, Case c) {
        if (d.getSource() == null) {
            return false;
        }
        String uri = d.getSource().toUri().toString();
        return uri.equals(c.file().toUri().toString())
                || uri.endsWith("/" + c.model().generatedBinaryName().replace('.', '/') + ".java");
    }

    private static String idOf(String message) {
        if (!message.startsWith("[Lamina/")) {
            return "";
        }
        return message.substring("[Lamina/".length(), message.indexOf(']'));
    }

    private static String format(List<? extends Diagnostic<? extends JavaFileObject>> diagnostics) {
        if (diagnostics.isEmpty()) {
            return "none";
        }
        return diagnostics.stream()
                .map(d -> "\n  " + d.getKind() + " " + (d.getSource() == null ? "" : d.getSource().getName()) + ":"
                        + d.getLineNumber() + ":" + d.getColumnNumber() + " " + firstLine(d.getMessage(Locale.ROOT)))
                .collect(Collectors.joining());
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, Math.min(newline + 400, message.length()));
    }

    private static String describe(Case c) {
        String[] lines = c.rendered().text().split("\n", -1);
        String numbered = IntStream.range(0, lines.length)
                .mapToObj(i -> String.format(Locale.ROOT, "%4d| %s", i + 1, lines[i]))
                .collect(Collectors.joining("\n"));
        return "model " + c.model() + ", fault " + c.model().fault + "\n" + numbered + "\n";
    }

    private static String generatedSource(Compilation compilation, Case c) {
        if (compilation.status() != Compilation.Status.SUCCESS) {
            return ""; // compile-testing withholds generated files then; javac's messages quote the lines
        }
        return compilation.generatedSourceFile(c.model().generatedBinaryName())
                .map(f -> {
                    try {
                        return "\ngenerated source:\n" + f.getCharContent(false);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .orElse("");
    }

    private static String stackTrace(Throwable t) {
        var w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString().lines().limit(12).collect(Collectors.joining("\n"));
    }

    // ---- generators -------------------------------------------------------------------------------

    @Provide
    Arbitrary<List<ModelDraw>> batches() {
        return modelDraws().list().ofSize(MODELS_PER_BATCH);
    }

    private static Arbitrary<ModelDraw> modelDraws() {
        Arbitrary<Integer> raw = Arbitraries.integers().between(0, 1 << 20);
        Arbitrary<Integer> ranks = Arbitraries.frequency(Tuple.of(3, 1), Tuple.of(7, 3));
        Arbitrary<int[]> shape = Combinators.combine(ranks, raw, raw, raw)
                .as((rank, a, b, c) -> new int[] {rank, a, b, c});
        Arbitrary<Fault> fault = Arbitraries.frequency(
                Tuple.of(24, Fault.NONE), Tuple.of(1, Fault.HUGE_VALID), Tuple.of(2, Fault.INT_NOT_POSITIVE),
                Tuple.of(1, Fault.POOL_STRIDE_NEGATIVE), Tuple.of(1, Fault.DROPOUT_RATE), Tuple.of(1, Fault.BN_MOMENTUM),
                Tuple.of(1, Fault.BN_EPSILON), Tuple.of(1, Fault.ACTIVATION_NOT_FINITE),
                Tuple.of(2, Fault.WINDOW_TOO_LARGE), Tuple.of(1, Fault.MISSING_FLATTEN), Tuple.of(1, Fault.NEEDS_IMAGE),
                Tuple.of(1, Fault.LOSS_NEEDS_VECTOR), Tuple.of(1, Fault.INPUT_RANK), Tuple.of(1, Fault.INPUT_NOT_POSITIVE),
                Tuple.of(1, Fault.TENSOR_TOO_LARGE), Tuple.of(1, Fault.NO_ANNOTATION), Tuple.of(1, Fault.TWO_ANNOTATIONS),
                Tuple.of(1, Fault.WRONG_RETURN), Tuple.of(1, Fault.HAS_PARAMETERS), Tuple.of(1, Fault.TYPE_PARAMETERS),
                Tuple.of(1, Fault.ANNOTATED_CONCRETE), Tuple.of(1, Fault.RESERVED_NAME), Tuple.of(1, Fault.NO_LAYERS));
        return Combinators.combine(shape, Arbitraries.of(Loss.class), layerDraws().list().ofMaxSize(9), fault, raw, raw,
                        Arbitraries.longs())
                .as((s, loss, layers, f, pick, valuePick, seed) ->
                        new ModelDraw(s[0], s[1], s[2], s[3], loss, layers, f, pick, valuePick, seed));
    }

    private static Arbitrary<LayerDraw> layerDraws() {
        Arbitrary<Integer> raw = Arbitraries.integers().between(0, 1 << 20);
        Arbitrary<Integer> edge = Arbitraries.frequency(Tuple.of(12, 0), Tuple.of(1, 1), Tuple.of(1, 2),
                Tuple.of(1, 3), Tuple.of(1, 4), Tuple.of(1, 5));
        // Windows and convolutions need images; draw them more often so they meet one.
        Arbitrary<Kind> kind = Arbitraries.frequency(Arrays.stream(Kind.values())
                .map(k -> Tuple.of(k == Kind.CONV2D ? 4 : k.isPool() ? 3 : 1, k)).toList());
        return Combinators.combine(kind, raw, raw, raw, Arbitraries.doubles().between(0, 1),
                        Arbitraries.of(true, false), edge)
                .as(LayerDraw::new);
    }

    // ---- counts -----------------------------------------------------------------------------------

    private record Case(FuzzModel model, Rendered rendered, Prediction prediction, JavaFileObject file) {}

    /** What the suite tried, for the report. */
    private static final class Stats {
        final Map<String, long[]> byFault = new TreeMap<>();
        final Map<String, Long> byError = new TreeMap<>();
        final Map<String, Long> byKind = new TreeMap<>();
        final AtomicLong models = new AtomicLong();
        final AtomicLong valid = new AtomicLong();
        final AtomicLong invalid = new AtomicLong();
        final AtomicLong compileOnly = new AtomicLong();
        final AtomicLong forwardPasses = new AtomicLong();
        final AtomicLong backwardPasses = new AtomicLong();
        final AtomicLong errorsChecked = new AtomicLong();
        final AtomicLong lintRejected = new AtomicLong();
        final AtomicLong javacRuns = new AtomicLong();
        final AtomicLong javacNanos = new AtomicLong();
        final AtomicLong failures = new AtomicLong();

        synchronized void count(List<Case> cases) {
            for (Case c : cases) {
                models.incrementAndGet();
                boolean isValid = c.prediction() instanceof Prediction.Valid;
                (isValid ? valid : invalid).incrementAndGet();
                byFault.computeIfAbsent(c.model().fault, k -> new long[2])[isValid ? 0 : 1]++;
                if (c.prediction() instanceof Prediction.Invalid inv) {
                    inv.errors().forEach(e -> byError.merge(e.id(), 1L, Long::sum));
                }
                c.model().layerMembers().forEach(l -> byKind.merge(l.kind().annotation, 1L, Long::sum));
            }
        }

        synchronized String report() {
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "Lamina processor fuzz: %d models (%d valid, %d invalid) in %d javac runs"
                            + " (%.1f s in javac); %d problems%n", models.get(), valid.get(), invalid.get(),
                    javacRuns.get(), javacNanos.get() / 1e9, failures.get()));
            s.append(String.format(Locale.ROOT, "  valid: %d run (%d forward, %d backward passes), %d compile-only;"
                            + " %d rejected by the default lint%n", valid.get() - compileOnly.get(), forwardPasses.get(),
                    backwardPasses.get(), compileOnly.get(), lintRejected.get()));
            s.append("  invalid: ").append(errorsChecked.get()).append(" errors matched on line and column; by id: ")
                    .append(byError).append('\n');
            s.append("  by fault injected (valid/invalid):");
            byFault.forEach((k, v) -> s.append(' ').append(k).append('=').append(v[0]).append('/').append(v[1]));
            s.append("\n  layers by kind: ").append(byKind).append('\n');
            return s.toString();
        }
    }

    @AfterContainer
    static void report() throws IOException {
        String report = STATS.report();
        System.out.print(report);
        Path file = Path.of("target", "lamina-fuzz-report.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, report, StandardCharsets.UTF_8);
    }
}
