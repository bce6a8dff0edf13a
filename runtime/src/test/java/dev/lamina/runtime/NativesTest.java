package dev.lamina.runtime;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The natives the build declares are the ones on the class path and the ones loaded: the oneDNN build
 * unless {@code -Dnd4j.native.classifier=linux-x86_64} asks for the stock one (surefire passes the
 * property on as {@code lamina.nd4jNativeClassifier}).
 */
class NativesTest {
    private static final String CLASSIFIER = System.getProperty("lamina.nd4jNativeClassifier", "linux-x86_64-onednn");

    @Test
    void classPathHoldsExactlyTheDeclaredNativesJar() {
        List<String> nativesJars = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> new File(entry).getName())
                .filter(name -> name.matches("nd4j-native-[^-]+-[^-]+-linux-.*\\.jar"))
                .collect(Collectors.toList());

        assertThat(nativesJars).hasSize(1);
        assertThat(nativesJars.get(0)).endsWith("-" + CLASSIFIER + ".jar");
    }

    @Test
    void loadedLibnd4jIsTheDeclaredBuild() {
        boolean oneDnnDeclared = CLASSIFIER.endsWith("-onednn");

        assertWithMessage("libnd4j built with oneDNN (declared natives: %s)", CLASSIFIER)
                .that(Natives.oneDnn()).isEqualTo(oneDnnDeclared);
        assertThat(Natives.describe()).startsWith(oneDnnDeclared ? "oneDNN (" : "stock (");
    }
}
