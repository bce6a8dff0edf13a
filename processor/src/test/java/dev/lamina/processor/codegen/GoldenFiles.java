package dev.lamina.processor.codegen;

import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.fail;

import com.palantir.javapoet.JavaFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.TestInfo;

/**
 * Golden files for generated sources, after Dagger's {@code GoldenFileRule}: the expected source of
 * a test method lives in {@code src/test/resources/goldens/<TestClass>/<method>/<fqcn>.java}.
 *
 * <p>When the file is missing, the test writes the current output there and fails; review the file
 * and re-run to accept it. To accept a changed output, delete the golden file (or run with
 * {@code -Dlamina.updateGoldens=true}) and re-run.
 */
final class GoldenFiles {
    private GoldenFiles() {}

    /** Relative to the module directory, which is Surefire's working directory. */
    private static final Path ROOT = Path.of("src", "test", "resources", "goldens");

    static void assertMatchesGolden(TestInfo test, JavaFile file) {
        String className = test.getTestClass().orElseThrow().getSimpleName();
        String method = test.getTestMethod().orElseThrow().getName();
        String fqcn = file.packageName().isEmpty()
                ? file.typeSpec().name()
                : file.packageName() + "." + file.typeSpec().name();
        Path golden = ROOT.resolve(className).resolve(method).resolve(fqcn + ".java");
        String actual = file.toString();
        try {
            if (!Files.exists(golden) || Boolean.getBoolean("lamina.updateGoldens")) {
                Files.createDirectories(golden.getParent());
                Files.writeString(golden, actual, StandardCharsets.UTF_8);
                fail("Golden file " + golden.toAbsolutePath() + " was missing (or an update was asked for) and "
                        + "has been written with the current output. Review it, then re-run the test to accept it.");
            }
            String expected = Files.readString(golden, StandardCharsets.UTF_8).replace("\r\n", "\n");
            assertWithMessage("generated source differs from golden file %s; if the change is intended, delete "
                            + "the file (or pass -Dlamina.updateGoldens=true) and re-run to accept it",
                    golden.toAbsolutePath())
                    .that(actual)
                    .isEqualTo(expected);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
