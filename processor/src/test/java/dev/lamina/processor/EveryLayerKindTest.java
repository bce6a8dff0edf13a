package dev.lamina.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.lamina.dsl.Layer;
import dev.lamina.processor.diag.Messages;
import dev.lamina.processor.testing.GeneratedClassLoader;
import dev.lamina.processor.testing.Models;
import dev.lamina.runtime.model.Model;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Target;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every layer annotation of the DSL goes through every stage: read, shape inference, lint, code
 * generation, and a forward and backward pass of the generated class on the runtime. A layer kind
 * added to {@code dsl} without a stage fails here (or does not compile, for the stages that visit
 * {@code LayerSpec}); give it a sample below.
 */
class EveryLayerKindTest {
    /**
     * Where a sample layer goes: on the image, on the flattened vector, or in Flatten's place; in a
     * model of token ids, on the embedded sequence, in its Flatten's place, or as its embedding;
     * right after the image's convolution, to make a sequence of it; on a signal input, before its
     * Flatten.
     */
    private enum Place { IMAGE, VECTOR, TO_VECTOR, SEQUENCE, SEQUENCE_TO_VECTOR, EMBEDDING, IMAGE_TO_SEQUENCE, SIGNAL }

    /** A sample declaration per layer annotation. */
    private record Sample(String declaration, Place place) {}

    private static final Map<String, Sample> SAMPLES = Map.ofEntries(
            Map.entry("Conv2d", new Sample("@Conv2d(filters = 2, kernel = 3, padding = Padding.SAME) Layer kind();",
                    Place.IMAGE)),
            Map.entry("Dense", new Sample("@Dense(3) Layer kind();", Place.VECTOR)),
            Map.entry("BatchNorm", new Sample("@BatchNorm Layer kind();", Place.IMAGE)),
            Map.entry("ReLU", new Sample("@ReLU Layer kind();", Place.IMAGE)),
            Map.entry("ELU", new Sample("@ELU(alpha = 0.5) Layer kind();", Place.IMAGE)),
            Map.entry("LeakyReLU", new Sample("@LeakyReLU(0.1) Layer kind();", Place.IMAGE)),
            Map.entry("Tanh", new Sample("@Tanh Layer kind();", Place.IMAGE)),
            Map.entry("Sigmoid", new Sample("@Sigmoid Layer kind();", Place.IMAGE)),
            Map.entry("Softmax", new Sample("@Softmax Layer kind();", Place.VECTOR)),
            Map.entry("Dropout", new Sample("@Dropout(rate = 0.5) Layer kind();", Place.IMAGE)),
            Map.entry("MaxPool2d", new Sample("@MaxPool2d(2) Layer kind();", Place.IMAGE)),
            Map.entry("AvgPool2d", new Sample("@AvgPool2d(2) Layer kind();", Place.IMAGE)),
            Map.entry("GlobalAvgPool2d", new Sample("@GlobalAvgPool2d Layer kind();", Place.TO_VECTOR)),
            Map.entry("Flatten", new Sample("@Flatten Layer kind();", Place.TO_VECTOR)),
            Map.entry("GELU", new Sample("@GELU Layer kind();", Place.IMAGE)),
            Map.entry("SiLU", new Sample("@SiLU Layer kind();", Place.IMAGE)),
            Map.entry("LayerNorm", new Sample("@LayerNorm Layer kind();", Place.SEQUENCE)),
            Map.entry("PositionalEmbedding", new Sample("@PositionalEmbedding Layer kind();", Place.SEQUENCE)),
            Map.entry("MultiHeadAttention", new Sample(
                    "@MultiHeadAttention(heads = 2, causal = true, dropout = 0.1) Layer kind();", Place.SEQUENCE)),
            Map.entry("Patches", new Sample("@Patches(size = 2) Layer kind();", Place.IMAGE_TO_SEQUENCE)),
            Map.entry("GlobalAvgPool1d", new Sample("@GlobalAvgPool1d Layer kind();", Place.SEQUENCE_TO_VECTOR)),
            Map.entry("Conv1d", new Sample("@Conv1d(filters = 3, kernel = 3, stride = 2, padding = Padding.SAME)"
                    + " Layer kind();", Place.SIGNAL)),
            Map.entry("MaxPool1d", new Sample("@MaxPool1d(2) Layer kind();", Place.SIGNAL)),
            Map.entry("Embedding", new Sample("@Embedding(vocabulary = 10, dim = 4) Layer kind();", Place.EMBEDDING)));

    /**
     * The DSL's layer annotations: its annotation types that go on methods, except the block uses
     * ({@code @Residual}, {@code @Concat}, {@code @Repeat}), which declare no layer kind of their own
     * and have their own tests (reader and shape inference: {@code read/BlockReaderTest},
     * {@code shape/BlockShapesTest}; every stage: {@code runtime/BlockModelsEndToEndTest}).
     */
    static List<String> layerAnnotations() throws IOException, URISyntaxException {
        // The DSL's classes: a directory in an IDE or a module build, a jar in a reactor build.
        Path location = Path.of(Layer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String packageDir = Layer.class.getPackageName().replace('.', '/');
        List<String> names = new ArrayList<>();
        try (FileSystem jar = Files.isDirectory(location) ? null : FileSystems.newFileSystem(location);
                Stream<Path> files = Files.list(jar == null ? location.resolve(packageDir) : jar.getPath(packageDir))) {
            for (Path file : files.toList()) {
                String simple = file.getFileName().toString();
                if (!simple.endsWith(".class") || simple.contains("$")) {
                    continue;
                }
                try {
                    Class<?> type = Class.forName(Layer.class.getPackageName() + "."
                            + simple.substring(0, simple.length() - ".class".length()));
                    Target target = type.getAnnotation(Target.class);
                    if (type.isAnnotation() && target != null
                            && Arrays.asList(target.value()).contains(ElementType.METHOD)
                            && !Messages.BLOCK_USES.contains(type.getSimpleName())) {
                        names.add(type.getSimpleName());
                    }
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return names;
    }

    @ParameterizedTest
    @MethodSource("layerAnnotations")
    void layerKindRunsThroughEveryStage(String annotation) throws Exception {
        assertWithMessage("Messages.LAYER_ANNOTATIONS lists @%s", annotation)
                .that(Messages.LAYER_ANNOTATIONS).contains(annotation);
        Sample sample = SAMPLES.get(annotation);
        assertWithMessage("a sample declaration of @%s in this test", annotation).that(sample).isNotNull();

        boolean tokens = EnumSet.of(Place.SEQUENCE, Place.SEQUENCE_TO_VECTOR, Place.EMBEDDING).contains(sample.place());
        List<String> layers = new ArrayList<>();
        if (tokens) {
            // input ids [4] -> embedding [4, 4] -> (sequence layers) -> flatten -> (vector layers) -> out [2]
            layers.add(sample.place() == Place.EMBEDDING ? sample.declaration()
                    : "@Embedding(vocabulary = 10, dim = 4) Layer embed();");
            if (sample.place() == Place.SEQUENCE) {
                layers.add(sample.declaration());
            }
            layers.add(sample.place() == Place.SEQUENCE_TO_VECTOR ? sample.declaration() : "@Flatten Layer flatten();");
        } else if (sample.place() == Place.SIGNAL) {
            // input [2, 8] -> (signal layers) -> flatten -> (vector layers) -> out [2]
            layers.add(sample.declaration());
            layers.add("@Flatten Layer flatten();");
        } else {
            // input [1, 6, 6] -> (image layers) -> flatten -> (vector layers) -> out [2]
            layers.add("@Conv2d(filters = 2, kernel = 3) Layer conv();");
            if (sample.place() == Place.IMAGE || sample.place() == Place.IMAGE_TO_SEQUENCE) {
                layers.add(sample.declaration());
            }
            layers.add(sample.place() == Place.TO_VECTOR ? sample.declaration() : "@Flatten Layer flatten();");
        }
        layers.add("@Dense(4) Layer hidden();");
        if (sample.place() == Place.VECTOR) {
            layers.add(sample.declaration());
        }
        layers.add("@Dense(2) Layer out();");
        List<String> lines = new ArrayList<>(List.of("package test;", "import dev.lamina.dsl.*;",
                "@SuppressWarnings(\"Lamina\")",
                tokens ? "@Sequential(input = {4}, tokens = true, loss = Loss.MSE)"
                        : sample.place() == Place.SIGNAL ? "@Sequential(input = {2, 8}, loss = Loss.MSE)"
                        : "@Sequential(input = {1, 6, 6}, loss = Loss.MSE)",
                "public interface Kind {"));
        layers.forEach(l -> lines.add("    " + l));
        lines.add("}");
        JavaFileObject source = Models.source("Kind", lines.toArray(String[]::new));

        Compilation c = Compiler.javac().withProcessors(new LaminaProcessor()).compile(source);
        assertThat(c).succeeded();
        Model model = (Model) new GeneratedClassLoader(c).loadClass("test.LaminaKind")
                .getMethod("create", long.class, DataType.class).invoke(null, 1L, DataType.DOUBLE);
        Nd4j.getRandom().setSeed(3);
        INDArray input = tokens ? Nd4j.createFromArray(new int[][] {{1, 2, 3, 9}, {0, 0, 5, 5}, {7, 8, 1, 2}})
                : sample.place() == Place.SIGNAL ? Nd4j.rand(DataType.DOUBLE, 3, 2, 8)
                : Nd4j.rand(DataType.DOUBLE, 3, 1, 6, 6);
        INDArray output = model.forward(input, true);
        assertThat(output.shape()).isEqualTo(new long[] {3, 2});
        model.backward(Nd4j.onesLike(output));
        assertThat(model.layers().stream().map(Layer::kind).collect(java.util.stream.Collectors.toSet()))
                .contains(annotation);
        assertWithMessage("some parameter gradient is non-zero").that(model.parameters().stream()
                .anyMatch(p -> p.grad().amaxNumber().doubleValue() > 0)).isTrue();
    }

    @org.junit.jupiter.api.Test
    void everySampleIsALayerAnnotation() throws Exception {
        assertThat(new TreeSet<>(SAMPLES.keySet())).containsExactlyElementsIn(new TreeSet<>(layerAnnotations()));
    }
}
