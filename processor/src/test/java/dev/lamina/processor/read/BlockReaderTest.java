package dev.lamina.processor.read;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.lamina.processor.testing.Blocks.TINY_RESNET;
import static dev.lamina.processor.testing.Blocks.readAndInferCompile;
import static dev.lamina.processor.testing.Models.assertErrorAt;
import static dev.lamina.processor.testing.Models.compileWithLamina;
import static dev.lamina.processor.testing.Models.model;
import static dev.lamina.processor.testing.Models.readAndInfer;
import static dev.lamina.processor.testing.Models.source;

import com.google.testing.compile.Compilation;
import dev.lamina.processor.diag.Messages;
import dev.lamina.processor.ir.Concat;
import dev.lamina.processor.ir.Graph;
import dev.lamina.processor.ir.Group;
import dev.lamina.processor.ir.LayerNode;
import dev.lamina.processor.ir.LayerSpec;
import dev.lamina.processor.ir.ModelIR;
import dev.lamina.processor.ir.Residual;
import dev.lamina.processor.ir.Step;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Reading {@code @Block}s and their uses: the steps, their names and sources, and malformed declarations. */
class BlockReaderTest {

    private static List<String> names(List<? extends Step> steps) {
        return steps.stream().map(Step::name).toList();
    }

    private static List<String> layerNames(ModelIR model) {
        return model.layers().stream().map(LayerNode::name).toList();
    }

    // ---- steps and names ---------------------------------------------------------------------------

    @Test
    void tinyResNetReadsIntoStepsNamedAfterTheirUses() {
        ModelIR model = readAndInfer(model("TinyResNet", "input = {3, 32, 32}", TINY_RESNET));

        assertThat(names(model.steps())).containsExactly("conv1", "bn1", "relu1", "stage1[0]", "stage1[1]",
                "stage1[2]", "down2", "relu2", "gap", "fc").inOrder();
        Group unit = (Group) model.steps().get(5);
        assertThat(unit.block()).isEqualTo("Unit16");
        assertThat(names(unit.steps())).containsExactly("stage1[2].res", "stage1[2].relu").inOrder();
        Residual res = (Residual) unit.steps().get(0);
        assertThat(res.bodyBlock()).isEqualTo("Basic16");
        assertThat(res.identityShortcut()).isTrue();
        assertThat(res.shortcutBlock()).isEmpty();
        assertThat(names(res.body())).containsExactly("stage1[2].res.conv1", "stage1[2].res.bn1",
                "stage1[2].res.relu1", "stage1[2].res.conv2", "stage1[2].res.bn2").inOrder();
        Residual down = (Residual) model.steps().get(6);
        assertThat(down.bodyBlock()).isEqualTo("Down32");
        assertThat(down.shortcutBlock()).isEqualTo("Proj32");
        assertThat(names(down.shortcut())).containsExactly("down2.shortcut.conv", "down2.shortcut.bn").inOrder();
        assertThat(down.add().spec()).isEqualTo(new LayerSpec.Add());
    }

    @Test
    void tinyResNetLayersFlattenBodyThenShortcutThenTheAddition() {
        ModelIR model = readAndInfer(model("TinyResNet", "input = {3, 32, 32}", TINY_RESNET));

        List<String> names = layerNames(model);
        assertThat(names).hasSize(3 + 3 * 7 + 8 + 3);
        assertThat(names.subList(0, 13)).containsExactly("conv1", "bn1", "relu1",
                "stage1[0].res.conv1", "stage1[0].res.bn1", "stage1[0].res.relu1", "stage1[0].res.conv2",
                "stage1[0].res.bn2", "stage1[0].res", "stage1[0].relu", "stage1[1].res.conv1", "stage1[1].res.bn1",
                "stage1[1].res.relu1").inOrder();
        assertThat(names.subList(24, names.size())).containsExactly("down2.conv1", "down2.bn1", "down2.relu1",
                "down2.conv2", "down2.bn2", "down2.shortcut.conv", "down2.shortcut.bn", "down2", "relu2", "gap", "fc")
                .inOrder();
        // The graph reads the shortcut first, then the body; an identity shortcut is the block's input.
        Graph graph = model.graph();
        assertThat(graph.inputsOf(graph.node("down2"))).containsExactly("down2.shortcut.bn", "down2.bn2").inOrder();
        assertThat(graph.inputsOf(graph.node("stage1[0].res"))).containsExactly("relu1", "stage1[0].res.bn2")
                .inOrder();
        assertThat(graph.inputsOf(graph.node("stage1[1].res.conv1"))).containsExactly("stage1[0].relu");
    }

    @Test
    void sourcesPointAtTheBlockMethodAndTheUseAnnotation() {
        ModelIR model = readAndInfer(model("TinyResNet", "input = {3, 32, 32}", TINY_RESNET));

        LayerNode conv = model.layers().stream().filter(l -> l.name().equals("stage1[2].res.conv1")).findFirst()
                .orElseThrow();
        assertThat(conv.source().element().getSimpleName().toString()).isEqualTo("conv1");
        assertThat(conv.source().element().getEnclosingElement().getSimpleName().toString()).isEqualTo("Basic16");
        assertThat(conv.source().values().keySet()).containsExactly("filters", "kernel", "padding", "bias");
        Residual down = (Residual) model.steps().get(6);
        assertThat(down.source().element().getSimpleName().toString()).isEqualTo("down2");
        assertThat(down.source().annotation().getAnnotationType().toString()).isEqualTo("dev.lamina.dsl.Residual");
        assertThat(down.source().values().keySet()).containsExactly("value", "shortcut");
        Group unit = (Group) model.steps().get(3);
        assertThat(unit.source().annotation().getAnnotationType().toString()).isEqualTo("dev.lamina.dsl.Repeat");
        Residual res = (Residual) unit.steps().get(0);
        assertThat(res.source().element().getEnclosingElement().getSimpleName().toString()).isEqualTo("Unit16");
    }

    @Test
    void eachUseIsACopyWithItsOwnNames() {
        ModelIR model = readAndInfer(model("Twice", "input = 8",
                "@Residual(Mlp.class) Layer first();",
                "@Residual(Mlp.class) Layer second();",
                "@Dense(2) Layer out();",
                "@Block interface Mlp {",
                "    @Dense(8) Layer fc();",
                "    @ReLU Layer relu();",
                "}"));

        assertThat(layerNames(model)).containsExactly("first.fc", "first.relu", "first", "second.fc", "second.relu",
                "second", "out").inOrder();
    }

    @Test
    void concatBranchesAreNamedAfterTheirBlocksWithAnIndexWhenABlockRepeats() {
        ModelIR model = readAndInfer(model("Mixed", "input = {8, 6, 6}",
                "@Concat({Tower.class, Pool1.class, Tower.class}) Layer mixed();",
                "@GlobalAvgPool2d Layer gap();",
                "@Dense(2) Layer out();",
                "@Block interface Tower {",
                "    @Conv2d(filters = 4, kernel = 3, padding = Padding.SAME) Layer conv();",
                "}",
                "@Block interface Pool1 {",
                "    @MaxPool2d(value = 1) Layer pool();",
                "}"));

        Concat mixed = (Concat) model.steps().get(0);
        assertThat(mixed.branches().stream().map(Concat.Branch::name).toList())
                .containsExactly("mixed.tower_0", "mixed.pool1", "mixed.tower_2").inOrder();
        assertThat(mixed.branches().stream().map(Concat.Branch::block).toList())
                .containsExactly("Tower", "Pool1", "Tower").inOrder();
        assertThat(mixed.withInput()).isFalse();
        assertThat(layerNames(model)).containsExactly("mixed.tower_0.conv", "mixed.pool1.pool", "mixed.tower_2.conv",
                "mixed", "gap", "out").inOrder();
    }

    @Test
    void namesComposeThroughNestedUses() {
        ModelIR model = readAndInfer(model("Nested", "input = {4, 8, 8}",
                "@Repeat(value = Stage.class, times = 2) Layer stages();",
                "@GlobalAvgPool2d Layer gap();",
                "@Dense(2) Layer out();",
                "@Block interface Stage {",
                "    @Repeat(value = Unit.class, times = 2) Layer units();",
                "}",
                "@Block interface Unit {",
                "    @Concat(value = Branch.class, withInput = true) Layer dense();",
                "    @Conv2d(filters = 4, kernel = 1) Layer transition();",
                "}",
                "@Block interface Branch {",
                "    @Residual(Conv.class) Layer res();",
                "}",
                "@Block interface Conv {",
                "    @Conv2d(filters = 4, kernel = 3, padding = Padding.SAME) Layer conv();",
                "}"));

        assertThat(layerNames(model)).contains("stages[1].units[0].dense.branch.res.conv");
        assertThat(layerNames(model).subList(0, 5)).containsExactly("stages[0].units[0].dense.branch.res.conv",
                "stages[0].units[0].dense.branch.res", "stages[0].units[0].dense",
                "stages[0].units[0].transition", "stages[0].units[1].dense.branch.res.conv").inOrder();
        assertThat(model.layers()).hasSize(2 * 2 * 4 + 2);
    }

    @Test
    void blockUsesAreNamedAmongTheLayerAnnotations() {
        assertThat(Messages.LAYER_ANNOTATIONS).containsAtLeast("Residual", "Concat", "Repeat").inOrder();
        assertThat(Messages.BLOCK_USES).containsExactly("Residual", "Concat", "Repeat").inOrder();
    }

    // ---- uses that are not blocks ----------------------------------------------------------------
    // javac puts an error on a class literal at its '.class'.

    @Test
    void residualOfAnInterfaceWithoutBlock() {
        JavaFileObject source = model("NoBlock", "input = 8",
                "@Residual(Plain.class) Layer res();",
                "@Dense(2) Layer out();",
                "interface Plain {",
                "    @Dense(8) Layer fc();",
                "}");

        Compilation compilation = readAndInferCompile(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/MalformedModel] @Residual 'res' uses Plain as its body, but Plain is an"
                + " interface without @Block, not a @Block interface; declare the body's layers in an interface"
                + " annotated @Block", source, "res()", ".class");
    }

    @Test
    void repeatOfAClassAndConcatWithABranchThatIsNoBlock() {
        JavaFileObject source = model("NotBlocks", "input = 8",
                "@Repeat(value = Helper.class, times = 2) Layer units();",
                "@Concat({Ok.class, Kind.class}) Layer mixed();",
                "@Dense(2) Layer out();",
                "class Helper {}",
                "enum Kind { A }",
                "@Block interface Ok {",
                "    @Dense(8) Layer fc();",
                "}");

        Compilation compilation = readAndInferCompile(source);

        assertThat(compilation).hadErrorCount(2);
        assertErrorAt(compilation, "[Lamina/MalformedModel] @Repeat 'units' uses Helper as its unit, but Helper is a"
                + " class, not a @Block interface; declare the unit's layers in an interface annotated @Block",
                source, "units()", ".class");
        assertErrorAt(compilation, "[Lamina/MalformedModel] @Concat 'mixed' uses Kind as its branch 1, but Kind is"
                + " an enum, not a @Block interface; declare the branch 1's layers in an interface annotated @Block",
                source, "mixed()", ".class}");
    }

    @Test
    void shortcutThatIsASequentialModel() {
        JavaFileObject other = model("Other", "input = 8", "@Dense(8) Layer fc();");
        JavaFileObject source = model("UsesModel", "input = 8",
                "@Residual(value = Ok.class, shortcut = Other.class) Layer res();",
                "@Dense(2) Layer out();",
                "@Block interface Ok {",
                "    @Dense(8) Layer fc();",
                "}");

        Compilation compilation = readAndInferCompile(source, other);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/MalformedModel] @Residual 'res' uses Other as its shortcut, but Other is"
                + " a @Sequential model, not a @Block interface; declare the shortcut's layers in an interface"
                + " annotated @Block", source, "res()", ".class) Layer");
    }

    @Test
    void interfaceThatIsBothABlockAndAModel() {
        JavaFileObject source = source("Both",
                "package test;",
                "import dev.lamina.dsl.*;",
                "@Block",
                "@Sequential(input = 8)",
                "public interface Both {",
                "    @Dense(2) Layer out();",
                "}");

        Compilation compilation = readAndInferCompile(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/MalformedModel] interface 'Both' is both a @Block and a @Sequential"
                + " model; a block has no input or loss of its own, it gets its input where it is used: remove"
                + " @Sequential, or remove @Block to keep it a model only", source, "@Sequential", "@Sequential");
    }

    // ---- malformed blocks ----------------------------------------------------------------------------

    @Test
    void emptyBlockIsAnErrorOnItsDeclaration() {
        JavaFileObject source = model("UsesEmpty", "input = 8",
                "@Repeat(value = Empty.class, times = 2) Layer units();",
                "@Dense(2) Layer out();",
                "@Block",
                "interface Empty {",
                "    default int width() { return 3; }",
                "}");

        Compilation compilation = readAndInferCompile(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/MalformedModel] @Block interface 'Empty' declares no layers; add abstract"
                + " methods such as '@ReLU Layer relu();'", source, "@Block", "@Block");
    }

    @Test
    void blockThatContainsItselfDirectly() {
        JavaFileObject source = model("Direct", "input = 8",
                "@Residual(Loop.class) Layer res();",
                "@Dense(2) Layer out();",
                "@Block interface Loop {",
                "    @Dense(8) Layer fc();",
                "    @Residual(Loop.class) Layer again();",
                "}");

        Compilation compilation = readAndInferCompile(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/MalformedModel] block Loop contains itself: Loop -> Loop; a block may use"
                + " other blocks, but not itself, directly or through others", source, "again()", ".class");
    }

    @Test
    void blockThatContainsItselfThroughOthersIsReportedOnceWhereTheCycleCloses() {
        JavaFileObject source = model("Indirect", "input = 8",
                "@Residual(A.class) Layer res();",
                "@Repeat(value = B.class, times = 2) Layer units();",
                "@Dense(2) Layer out();",
                "@Block interface A {",
                "    @Repeat(value = B.class, times = 2) Layer inA();",
                "}",
                "@Block interface B {",
                "    @Concat({C.class}) Layer inB();",
                "}",
                "@Block interface C {",
                "    @Dense(8) Layer fc();",
                "    @Residual(value = C2.class, shortcut = A.class) Layer inC();",
                "}",
                "@Block interface C2 {",
                "    @Dense(8) Layer fc();",
                "}");

        Compilation compilation = readAndInferCompile(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, Messages.blockCycle(List.of("A", "B", "C", "A")), source, "inC()", ".class) Layer");
        assertThat(Messages.blockCycle(List.of("A", "B", "C", "A"))).contains("A -> B -> C -> A");
    }

    @Test
    void timesBelowOne() {
        JavaFileObject source = model("Never", "input = 8",
                "@Repeat(value = Unit.class, times = 0) Layer units();",
                "@Dense(2) Layer out();",
                "@Block interface Unit {",
                "    @Dense(8) Layer fc();",
                "}");

        Compilation compilation = readAndInferCompile(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/InvalidHyperparameter] Repeat 'units': times must be positive, was 0",
                source, "units()", "0)");
    }

    @Test
    void concatWithoutBranches() {
        JavaFileObject source = model("NoBranches", "input = 8",
                "@Concat(value = {}, withInput = true) Layer mixed();",
                "@Dense(2) Layer out();");

        Compilation compilation = readAndInferCompile(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/MalformedModel] @Concat 'mixed' names no blocks; list at least one @Block"
                + " interface in value", source, "mixed()", "{}");
    }

    @Test
    void malformedLayerMethodsInABlockAreReportedOnceOnTheBlockHoweverOftenItIsUsed() {
        JavaFileObject source = model("BadBlock", "input = 8",
                "@Repeat(value = Bad.class, times = 3) Layer units();",
                "@Residual(Bad.class) Layer res();",
                "@Dense(2) Layer out();",
                "@Block interface Bad {",
                "    @Dense(8) int fc();",
                "    @Dense(value = 0) Layer zero();",
                "    Layer helper();",
                "}");

        Compilation compilation = readAndInferCompile(source);

        assertThat(compilation).hadErrorCount(3);
        assertErrorAt(compilation, "[Lamina/MalformedModel] layer method 'fc' must return dev.lamina.dsl.Layer, not"
                + " int", source, "fc()", "fc");
        assertErrorAt(compilation, "[Lamina/InvalidHyperparameter] Dense 'zero': units must be positive, was 0",
                source, "zero()", "0)");
        assertErrorAt(compilation, Messages.noLayerAnnotation("helper"), source, "helper()", "helper");
    }

    @Test
    void genericOrExtendingBlock() {
        JavaFileObject source = model("OddBlocks", "input = 8",
                "@Residual(Generic.class) Layer first();",
                "@Residual(Extending.class) Layer second();",
                "@Dense(2) Layer out();",
                "@Block interface Generic<T> {",
                "    @Dense(8) Layer fc();",
                "}",
                "@Block interface Extending extends Runnable {",
                "    @Dense(8) Layer fc();",
                "}");

        Compilation compilation = readAndInferCompile(source);

        assertThat(compilation).hadErrorCount(2);
        assertErrorAt(compilation, "[Lamina/MalformedModel] @Block interface 'Generic' must not have type parameters",
                source, "interface Generic", "@Block");
        assertErrorAt(compilation, "[Lamina/MalformedModel] @Block interface 'Extending' must not extend other"
                + " interfaces; declare every layer in it", source, "interface Extending", "@Block");
    }

    @Test
    void blockThatNoModelUsesIsNotChecked() {
        JavaFileObject source = source("Unused",
                "package test;",
                "import dev.lamina.dsl.*;",
                "public interface Unused {",
                "    @Block interface Empty {}",
                "    @Block interface Odd {",
                "        @Dense(0) Layer fc();",
                "        @Residual(Empty.class) Layer res();",
                "    }",
                "}");

        // The full processor: its check for layer annotations outside a model must accept blocks.
        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).succeededWithoutWarnings();
    }

    @Test
    void blockUseOutsideAModelOrBlockHasNoEffect() {
        JavaFileObject source = source("Loose",
                "package test;",
                "import dev.lamina.dsl.*;",
                "public interface Loose {",
                "    @Repeat(value = Loose.class, times = 2) Layer units();",
                "}");

        Compilation compilation = compileWithLamina(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/LayerOutsideModel] @Repeat on 'units' in 'Loose' has no effect: Lamina"
                + " reads layers only from interfaces annotated @Sequential or @Block. Fix: annotate the interface"
                + " with @Sequential(input = {...}) or @Block, or remove the annotation", source, "units()", "@Repeat");
    }

    @Test
    void expandedNamesThatCollideAreAnErrorOnTheUse() {
        JavaFileObject source = model("Collide", "input = 8",
                "@Concat({Tower.class, Tower.class, Tower_1.class}) Layer mixed();",
                "@Dense(2) Layer out();",
                "@Block interface Tower {",
                "    @Dense(8) Layer fc();",
                "}",
                "@Block interface Tower_1 {",
                "    @Dense(8) Layer fc();",
                "}");

        Compilation compilation = readAndInferCompile(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/MalformedModel] two layers are named 'mixed.tower_1.fc'; layer names must"
                + " be unique", source, "mixed()", "@Concat");
    }

    // ---- size ------------------------------------------------------------------------------------

    @Test
    void repeatBeyondTheLayerLimitIsAnErrorOnTheUse() {
        JavaFileObject source = model("Huge", "input = 8",
                "@Dense(8) Layer fc();",
                "@Repeat(value = Unit.class, times = 3) Layer small();",
                "@Repeat(value = Unit.class, times = 5000) Layer big();",
                "@Dense(2) Layer out();",
                "@Block interface Unit {",
                "    @Dense(8) Layer fc();",
                "    @ReLU Layer relu();",
                "}");

        Compilation compilation = readAndInferCompile(source);

        assertThat(compilation).hadErrorCount(1);
        assertErrorAt(compilation, "[Lamina/TooManyLayers] @Repeat 'big' expands to 10000 layers, which makes 10008"
                + " in the model; Lamina accepts at most 10000 layers per model (junctions included): lower times,"
                + " or use smaller blocks", source, "big()", "5000");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void nestedRepeatsOfAstronomicalSizeFailFast() {
        JavaFileObject source = model("Astronomical", "input = 8",
                "@Repeat(value = A.class, times = Integer.MAX_VALUE) Layer units();",
                "@Dense(2) Layer out();",
                "@Block interface A {",
                "    @Repeat(value = B.class, times = Integer.MAX_VALUE) Layer inA();",
                "}",
                "@Block interface B {",
                "    @Repeat(value = C.class, times = Integer.MAX_VALUE) Layer inB();",
                "}",
                "@Block interface C {",
                "    @Concat({D.class, D.class}) Layer inC();",
                "}",
                "@Block interface D {",
                "    @Dense(8) Layer fc();",
                "}");

        Compilation compilation = readAndInferCompile(source);

        assertThat(compilation).hadErrorCount(1);
        // (2^31 - 1)^3 copies of C: two branches and their concatenation
        assertThat(compilation).hadErrorContaining("[Lamina/TooManyLayers] @Repeat 'units' expands to"
                + " 29710560901343952451059843069 layers, which makes 29710560901343952451059843070 in the model")
                .inFile(source).onLineContaining("units()");
    }

    @Test
    void modelAtTheLayerLimitIsRead() {
        ModelIR model = readAndInfer(model("AtLimit", "input = 8",
                "@Repeat(value = Unit.class, times = 4999) Layer units();",
                "@Dense(8) Layer fc();",
                "@Dense(2) Layer out();",
                "@Block interface Unit {",
                "    @Dense(8) Layer fc();",
                "    @ReLU Layer relu();",
                "}"));

        assertThat(model.layers()).hasSize(Messages.MAX_LAYERS);
        assertThat(model.layers().get(9_997).name()).isEqualTo("units[4998].relu");
    }
}
