package dev.lamina.it;

import static com.google.common.truth.Truth.assertWithMessage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keeps the README's Maven recipe and the fresh projects under {@code src/it} identical, so that the
 * integration tests build exactly what users are told to write.
 */
class ReadmeRecipeTest {
    private static final Path README = Path.of(System.getProperty("lamina.readme"));
    private static final Path IT_PROJECTS = Path.of(System.getProperty("lamina.itProjects"));
    private static final Pattern RECIPE = Pattern.compile("## Use it in your Maven build\\R.*?```xml\\R(.*?)```",
            Pattern.DOTALL);

    @ParameterizedTest
    @ValueSource(strings = {"readme-recipe", "compile-error", "your-data"})
    void itProjectPomContainsTheReadmeRecipeVerbatim(String project) throws IOException {
        List<String> recipe = significantLines(readmeRecipe());
        List<String> pom = significantLines(Files.readString(IT_PROJECTS.resolve(project).resolve("pom.xml")));

        assertWithMessage("src/it/%s/pom.xml must contain the README recipe line for line:\n%s", project,
                String.join("\n", recipe))
                .that(Collections.indexOfSubList(pom, recipe))
                .isAtLeast(0);
    }

    @Test
    void recipeUsesTheVersionBeingBuilt() throws IOException {
        Matcher coordinates = Pattern.compile(
                "<groupId>dev\\.lamina</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(readmeRecipe());
        List<String> artifacts = coordinates.results()
                .map(m -> m.group(1) + ":" + m.group(2))
                .collect(Collectors.toList());

        String version = System.getProperty("lamina.version");
        assertWithMessage("Lamina artifacts in the README recipe").that(artifacts)
                .containsExactly("lamina-dsl:" + version, "lamina-runtime:" + version, "lamina-processor:" + version);
    }

    private static String readmeRecipe() throws IOException {
        Matcher m = RECIPE.matcher(Files.readString(README));
        assertWithMessage("README.md has no ```xml block under '## Use it in your Maven build'").that(m.find())
                .isTrue();
        return m.group(1);
    }

    /** Trimmed lines without blank ones: indentation and spacing may differ, content may not. */
    private static List<String> significantLines(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.toList());
    }
}
