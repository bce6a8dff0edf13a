package dev.lamina.processor.read;

import static com.google.common.truth.Truth.assertThat;

import dev.lamina.dsl.Block;
import dev.lamina.dsl.Concat;
import dev.lamina.dsl.Layer;
import dev.lamina.dsl.Loss;
import dev.lamina.dsl.Repeat;
import dev.lamina.dsl.Residual;
import dev.lamina.dsl.Sequential;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The processor names the DSL's types instead of loading them, so that its jar alone on the
 * processor path is enough. These tests keep the names right and the compiled processor free of
 * references to the DSL's classes.
 */
class DslNamesTest {
    @Test
    void namesMatchTheDslClasses() {
        assertThat(DslNames.PACKAGE).isEqualTo(Sequential.class.getPackageName());
        assertThat(DslNames.SEQUENTIAL).isEqualTo(Sequential.class.getName());
        assertThat(DslNames.LAYER).isEqualTo(Layer.class.getName());
        assertThat(DslNames.LOSS).isEqualTo(Loss.class.getName());
        assertThat(DslNames.BLOCK).isEqualTo(Block.class.getName());
        assertThat(DslNames.RESIDUAL).isEqualTo(Residual.class.getName());
        assertThat(DslNames.RESIDUAL_IDENTITY).isEqualTo(Residual.Identity.class.getCanonicalName());
        assertThat(DslNames.CONCAT).isEqualTo(Concat.class.getName());
        assertThat(DslNames.REPEAT).isEqualTo(Repeat.class.getName());
    }

    @Test
    void processorLossListsTheDslConstantsInOrder() {
        assertThat(Arrays.stream(dev.lamina.processor.ir.Loss.values()).map(Enum::name).toList())
                .containsExactlyElementsIn(Arrays.stream(Loss.values()).map(Enum::name).toList())
                .inOrder();
    }

    /** A class literal, field type or enum switch on a DSL type leaves {@code dev/lamina/dsl/} in the class file. */
    @Test
    void noProcessorClassRefersToTheDsl() throws IOException {
        Path classes = Path.of(DslNames.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        List<String> referring;
        try (Stream<Path> files = Files.walk(classes)) {
            referring = files.filter(f -> f.toString().endsWith(".class"))
                    .filter(DslNamesTest::mentionsDslClass)
                    .map(f -> classes.relativize(f).toString())
                    .toList();
        }
        assertThat(referring).isEmpty();
    }

    private static boolean mentionsDslClass(Path classFile) {
        try {
            return new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1).contains("dev/lamina/dsl/");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
