package dev.lamina.it;

import static com.google.common.truth.Truth.assertWithMessage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README's "Your model, your data" section and the fresh project {@code src/it/your-data}
 * identical: every {@code java} block of the section is, character for character, the source file of
 * the project named after its public type, the project has no other source file, and the section's
 * {@code csv} block is the start of the project's {@code houses.csv}. The invoker then builds that
 * project and runs its main class, so the README's snippet is compiled and trained on every build.
 */
class ReadmeYourDataTest {
    private static final Path README = Path.of(System.getProperty("lamina.readme"));
    private static final Path PROJECT = Path.of(System.getProperty("lamina.itProjects")).resolve("your-data");
    private static final Path SOURCES = PROJECT.resolve("src/main/java/com/example");
    private static final Pattern PUBLIC_TYPE = Pattern.compile("^public (?:final )?(?:interface|class) (\\w+)",
            Pattern.MULTILINE);

    @Test
    void everyJavaBlockIsASourceFileOfTheProjectVerbatim() throws IOException {
        List<String> blocks = blocks("java");
        assertWithMessage("java blocks in the README section").that(blocks).isNotEmpty();
        TreeSet<String> named = new TreeSet<>();
        for (String block : blocks) {
            Matcher type = PUBLIC_TYPE.matcher(block);
            assertWithMessage("a java block of the section declares no public type:\n%s", block)
                    .that(type.find()).isTrue();
            String file = type.group(1) + ".java";
            named.add(file);
            assertWithMessage("src/it/your-data/src/main/java/com/example/%s must be the README block verbatim", file)
                    .that(normalized(Files.readString(SOURCES.resolve(file))))
                    .isEqualTo(normalized(block));
        }
        TreeSet<String> present;
        try (Stream<Path> files = Files.list(SOURCES)) {
            present = files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertWithMessage("source files of src/it/your-data (each must be a README block)").that(present)
                .isEqualTo(named);
    }

    @Test
    void theCsvBlockIsTheStartOfTheProjectsFile() throws IOException {
        List<String> csv = blocks("csv");
        assertWithMessage("csv blocks in the README section").that(csv).hasSize(1);
        List<String> shown = csv.get(0).lines().toList();
        List<String> file = Files.readAllLines(PROJECT.resolve("houses.csv"));
        assertWithMessage("the first lines of src/it/your-data/houses.csv").that(file.subList(0, shown.size()))
                .isEqualTo(shown);
    }

    /** The fenced blocks of {@code language} in the README's "Your model, your data" section. */
    private static List<String> blocks(String language) throws IOException {
        String readme = Files.readString(README);
        int start = readme.indexOf("\n## Your model, your data\n");
        assertWithMessage("README.md has a section '## Your model, your data'").that(start).isAtLeast(0);
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        Matcher m = Pattern.compile("```" + language + "\\R(.*?)```", Pattern.DOTALL).matcher(section);
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    /** Line ends as {@code \n}, without trailing blank lines: the content must not differ, nor indentation. */
    private static String normalized(String text) {
        return text.lines().collect(Collectors.joining("\n")).stripTrailing();
    }
}
