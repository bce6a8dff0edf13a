package dev.lamina.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.testing.Models.compileWithLamina;
import static dev.lamina.processor.testing.Models.model;
import static dev.lamina.processor.testing.Models.source;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import dev.lamina.processor.diag.Messages;
import dev.lamina.processor.lint.LintRules;
import dev.lamina.processor.testing.ClaimAllProcessor;
import dev.lamina.processor.testing.FilerRecordingProcessor;
import dev.lamina.processor.testing.WritesSourceOnce;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The processor across rounds and compilations: models that need types generated later, names of
 * generated classes that are taken, and reproducible output.
 */
class LaminaProcessorRoundsTest {

    /** In its first round, writes {@code test.Sizes} with {@code int WIDTH = 4}; later rounds do nothing. */
    private static WritesSourceOnce sizesProcessor() {
        return new WritesSourceOnce("test.Sizes",
                "package test;\npublic final class Sizes {\n    public static final int WIDTH = 4;\n}\n");
    }

    private static final JavaFileObject USES_GENERATED_CONSTANT = model("Later", "input = {1, 6, 6}",
            "@Conv2d(filters = Sizes.WIDTH, kernel = 3) Layer conv();",
            "@ReLU Layer act();",
            "@Flatten Layer flatten();",
            "@Dense(Sizes.WIDTH) Layer out();");

    @Test
    void modelUsingATypeGeneratedInALaterRound_isDeferredAndThenGenerated() throws IOException {
        // Lamina runs first, so in round one Sizes does not exist yet.
        Compilation compilation = Compiler.javac()
                .withProcessors(new LaminaProcessor(), sizesProcessor())
                .compile(USES_GENERATED_CONSTANT);

        assertThat(compilation).succeededWithoutWarnings();
        String generated = compilation.generatedSourceFile("test.LaminaLater").orElseThrow()
                .getCharContent(false).toString();
        assertThat(generated).contains("new LayerInfo(\"conv\", \"Conv2d\", new int[] {4, 4, 4}");
        assertThat(generated).contains("new LayerInfo(\"out\", \"Dense\", new int[] {4}");
    }

    @Test
    void modelUsingATypeThatNeverAppears_failsWithJavacsErrorAndOurs() {
        Compilation compilation = compileWithLamina(USES_GENERATED_CONSTANT);

        assertThat(compilation).failed();
        assertThat(compilation).hadErrorContaining("cannot find symbol");
        assertThat(compilation).hadErrorContaining(Messages.neverResolved("test.Later"))
                .inFile(USES_GENERATED_CONSTANT).onLineContaining("interface Later");
        assertThat(compilation.errors().toString()).doesNotContain("internal error");
    }

    @Test
    void interfaceWithTheGeneratedName_isAnErrorOnTheModel() {
        // Net would generate LaminaNet, the name of another (valid) model, which generates LaminaLaminaNet.
        JavaFileObject net = model("Net", "input = 4", "@Dense(2) Layer out();");
        JavaFileObject laminaNet = model("LaminaNet", "input = 4", "@Dense(2) Layer out();");
        FilerRecordingProcessor recording = new FilerRecordingProcessor(new LaminaProcessor());

        Compilation compilation = Compiler.javac().withProcessors(recording).compile(net, laminaNet);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation).hadErrorContaining(Messages.generatedNameTaken("test.Net", "test.LaminaNet",
                "an interface")).inFile(net).onLineContaining("interface Net");
        assertThat(recording.createdFiles()).containsExactly("test.LaminaLaminaNet");
    }

    @Test
    void classWithTheGeneratedName_isAnErrorOnTheModel() {
        JavaFileObject net = model("Net", "input = 4", "@Dense(2) Layer out();");
        JavaFileObject handWritten = source("LaminaNet", "package test;", "public class LaminaNet {}");

        Compilation compilation = compileWithLamina(net, handWritten);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation).hadErrorContaining(Messages.generatedNameTaken("test.Net", "test.LaminaNet",
                "a class")).inFile(net).onLineContaining("interface Net");
    }

    @Test
    void twoModelsThatWouldGenerateTheSameClass_bothGetAnError() {
        JavaFileObject first = source("First",
                "package test;",
                "import dev.lamina.dsl.*;",
                "public class First {",
                "    @Sequential(input = 4) public interface Net { @Dense(2) Layer out(); }",
                "}");
        JavaFileObject second = source("Second",
                "package test;",
                "import dev.lamina.dsl.*;",
                "public class Second {",
                "    @Sequential(input = 8) public interface Net { @Dense(3) Layer out(); }",
                "}");
        FilerRecordingProcessor recording = new FilerRecordingProcessor(new LaminaProcessor());

        Compilation compilation = Compiler.javac().withProcessors(recording).compile(first, second);

        assertThat(compilation).hadErrorCount(2);
        assertThat(compilation).hadErrorContaining(Messages.generatedNameClash("test.First.Net", "test.LaminaNet",
                "test.Second.Net")).inFile(first).onLineContaining("interface Net");
        assertThat(compilation).hadErrorContaining(Messages.generatedNameClash("test.Second.Net", "test.LaminaNet",
                "test.First.Net")).inFile(second).onLineContaining("interface Net");
        assertThat(recording.createdFiles()).isEmpty();
    }

    @Test
    void modelNestedInTheTopLevelModelsOwnPackage_withADistinctName_isFine() {
        JavaFileObject outer = source("Holder",
                "package test;",
                "import dev.lamina.dsl.*;",
                "public interface Holder {",
                "    @Sequential(input = 4) interface Small { @Dense(2) Layer out(); }",
                "    @Sequential(input = 8) interface Large { @Dense(3) Layer out(); }",
                "}");

        Compilation compilation = compileWithLamina(outer);

        assertThat(compilation).succeeded();
        assertThat(compilation).generatedSourceFile("test.LaminaSmall");
        assertThat(compilation).generatedSourceFile("test.LaminaLarge");
    }

    @Test
    void sequentialOnANonStaticNestedClass_isAnErrorOnIt() {
        JavaFileObject outer = source("Outer",
                "package test;",
                "import dev.lamina.dsl.*;",
                "public class Outer {",
                "    @Sequential(input = 4)",
                "    public abstract class Inner { @Dense(2) abstract Layer out(); }",
                "}");

        Compilation compilation = compileWithLamina(outer);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation).hadErrorContaining(Messages.notAnInterface("Inner", "a class"))
                .inFile(outer).onLineContaining("@Sequential");
    }

    @Test
    void interfaceExtendingAnotherModel_isAnErrorOnTheModel() {
        JavaFileObject base = model("Base", "input = 4", "@Dense(2) Layer out();");
        JavaFileObject derived = source("Derived",
                "package test;",
                "import dev.lamina.dsl.*;",
                "@Sequential(input = 4)",
                "public interface Derived extends Base {",
                "    @Dense(2) Layer more();",
                "}");

        Compilation compilation = compileWithLamina(base, derived);

        assertThat(compilation).hadErrorCount(1);
        assertThat(compilation).hadErrorContaining(Messages.extendsInterfaces("Derived"))
                .inFile(derived).onLineContaining("@Sequential");
    }

    @Test
    void theSameInputAlwaysGeneratesByteIdenticalOutput() throws IOException {
        JavaFileObject seedNet = model("SeedNet", "input = {1, 28, 28}", dev.lamina.processor.testing.Models.SEED_LAYERS);
        JavaFileObject other = model("Other", "input = {3, 8, 8}, loss = Loss.MSE",
                "@Conv2d(filters = 2, kernel = 3, padding = Padding.SAME) Layer conv();",
                "@Dropout(rate = 0.1) Layer drop();",
                "@Flatten Layer flatten();",
                "@Dense(1) Layer out();");

        String alone = generated(compileClean(List.of(seedNet)), "test.LaminaSeedNet");
        String again = generated(compileClean(List.of(seedNet)), "test.LaminaSeedNet");
        String withOthersFirst = generated(compileClean(List.of(other, seedNet)), "test.LaminaSeedNet");

        assertThat(again).isEqualTo(alone);
        assertThat(withOthersFirst).isEqualTo(alone);
        assertThat(generated(compileClean(List.of(seedNet, other)), "test.LaminaOther"))
                .isEqualTo(generated(compileClean(List.of(other)), "test.LaminaOther"));
    }

    private static Compilation compileClean(List<JavaFileObject> sources) {
        List<String> options = new ArrayList<>(List.of("-Xlint:all", "-Werror"));
        LintRules.all().forEach(r -> options.add("-Alamina.lint." + r.id() + "=OFF")); // the seed net has findings
        Compilation compilation = Compiler.javac()
                .withProcessors(new LaminaProcessor(), new ClaimAllProcessor())
                .withOptions(options)
                .compile(sources);
        assertThat(compilation).succeededWithoutWarnings();
        return compilation;
    }

    private static String generated(Compilation compilation, String name) throws IOException {
        return compilation.generatedSourceFile(name).orElseThrow().getCharContent(false).toString();
    }
}
